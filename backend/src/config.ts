// The only reader of process.env. Parses everything once and fails fast naming every bad variable.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** The repository root, so the embedded database lands in ./.data wherever npm runs us from. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional()

const postgresUrl = z
  .string()
  .trim()
  .refine((s) => /^postgres(ql)?:\/\/.+/.test(s) && URL.canParse(s), {
    message:
      'must be a postgres:// or postgresql:// URL, e.g. postgres://user@127.0.0.1:5432/holdfast',
  })

const EnvSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number from 0 to 65535' })
    .int()
    .min(0)
    .max(65535)
    .default(8787),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((s) => (s?.trim() ? s.trim() : undefined))
    .pipe(postgresUrl.optional()),
  HOLDFAST_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  STRIPE_API_URL: optionalString.pipe(
    z.url({ message: 'must be a URL such as http://127.0.0.1:12111' }).optional()
  ),
})

export type Config = {
  port: number
  host: string
  /** Postgres when set; otherwise the embedded PGlite under dataDir. */
  databaseUrl: string | undefined
  dataDir: string
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  shutdownTimeoutMs: number
  /** Base URL of a Stripe API stand-in (our emulator); unset means the real Stripe. */
  stripeApiUrl: string | undefined
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`)
    throw new ConfigError(problems)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.HOLDFAST_DATA_DIR ? resolve(e.HOLDFAST_DATA_DIR) : resolve(repoRoot, '.data'),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    stripeApiUrl: e.STRIPE_API_URL,
  }
}
