// The only reader of process.env. Parses everything once and fails fast naming every bad variable.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { Mode } from '@holdfast/shared/ids'

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

const webhookSecretList = optionalString.pipe(
  z
    .string()
    .regex(/^whsec_[^,\s]+(,whsec_[^,\s]+)*$/, 'must be whsec_… secrets separated by commas')
    .optional()
)

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
  PUBLIC_URL: optionalString.pipe(
    z.url({ message: 'must be the public base URL, e.g. https://holdfast.example.com' }).optional()
  ),
  STRIPE_SECRET_KEY_TEST: optionalString.pipe(
    z.string().startsWith('sk_test_', 'must start with sk_test_').optional()
  ),
  STRIPE_SECRET_KEY_LIVE: optionalString.pipe(
    z.string().startsWith('sk_live_', 'must start with sk_live_').optional()
  ),
  STRIPE_CLIENT_ID_TEST: optionalString,
  STRIPE_CLIENT_ID_LIVE: optionalString,
  STRIPE_AUTHORIZE_URL: optionalString.pipe(z.url().optional()),
  STRIPE_APP_ID: z.string().default('com.holdfast.app'),
  STRIPE_APP_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be one secret, or several separated by commas')
      .optional()
  ),
  STRIPE_WEBHOOK_SECRETS: optionalString.pipe(
    z
      .undefined({
        error:
          'names no mode: move each secret to STRIPE_WEBHOOK_SECRETS_TEST or STRIPE_WEBHOOK_SECRETS_LIVE (the mode of the endpoint it belongs to)',
      })
      .optional()
  ),
  STRIPE_WEBHOOK_SECRETS_TEST: webhookSecretList,
  STRIPE_WEBHOOK_SECRETS_LIVE: webhookSecretList,
  HOLDFAST_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((s) => Buffer.from(s, 'base64').length === 32, {
        message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
      })
      .optional()
  ),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  UNINSTALL_GRACE_DAYS_TEST: z.coerce.number().min(0).default(0),
  UNINSTALL_GRACE_DAYS_LIVE: z.coerce.number().min(0).default(30),
  HOLDFAST_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  WEBHOOK_WORKERS: z.coerce.number().int().min(0).default(4),
  TRAITS_WORKERS: z.coerce.number().int().min(0).default(4),
  SYNC_WORKERS: z.coerce.number().int().min(0).default(25),
  SYNC_TYPE_CONCURRENCY: z.coerce.number().int().min(1).default(5),
  SYNC_RATE_LIMIT_TEST: z.coerce.number().positive().default(25),
  SYNC_RATE_LIMIT_LIVE: z.coerce.number().positive().default(100),
  SYNC_RATE_LIMIT_PER_ENDPOINT: z.coerce.number().positive().default(25),
  SYNC_TASK_LEASE_SECONDS: z.coerce.number().positive().default(30),
  SYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(100),
  SYNC_PAGES_IN_MEMORY: z.coerce.number().int().min(1).default(32),
  RECONCILE_CRON: z.string().trim().min(9).default('23 3 * * *'),
  OPERATOR_TOKEN: optionalString,
  OUTBOUND_ALLOW_LOOPBACK: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false'),
  OAUTH_PENDING_INSTALLS_MAX: z.coerce.number().int().positive().default(1000),
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
  /** Where Stripe and merchants reach us (OAuth redirect, webhook endpoint). */
  publicUrl: string
  stripe: {
    /** Our own platform secret keys, per mode: OAuth code exchange, refresh, webhook endpoints. */
    secretKey: { test: string | undefined; live: string | undefined }
    clientId: { test: string | undefined; live: string | undefined }
    authorizeUrl: string
    appId: string
    /** Signing secrets of the Stripe App (absec_…); several during rotation. */
    appSecrets: string[]
    /**
     * Webhook signing secrets (whsec_…) from the environment, by the mode of their endpoint; several
     * during rotation. A test secret never verifies a live event.
     */
    webhookSecrets: Record<Mode, string[]>
  }
  /** 32-byte key for AES-256-GCM; undefined = generate one under dataDir (embedded default). */
  encryptionKey: Buffer | undefined
  apiRateLimitPerMinute: number
  /**
   * `all`: one process does everything. On Postgres the work can be split: `web` serves HTTP
   * (webhooks are only stored) and runs no background work; `worker` runs the background work
   * (event drainer, refresher, sync, queued jobs) and serves no HTTP.
   */
  role: 'all' | 'web' | 'worker'
  uninstallGraceDays: { test: number; live: number }
  webhookWorkers: number
  traitsWorkers: number
  sync: SyncConfig
  /** Guards the operator page when the service listens beyond loopback. */
  operatorToken: string | undefined
  /** Outbound webhooks to 127.0.0.1/::1/localhost (tests' receivers); private ranges never. */
  outboundAllowLoopback: boolean
  /** Installs started (/oauth/install) and not yet back from Stripe, at most (unexpired states). */
  oauthPendingInstallsMax: number
}

/** Backfill and reconciliation (backend/src/sync). */
export type SyncConfig = {
  /** Task loops per process (0: this process runs no sync work). */
  workers: number
  /** At most this many tasks of one object type run at once (per run, across processes). */
  typeConcurrency: number
  /** Stripe's per-account limits we stay under: requests/s per mode, and per endpoint. */
  rateLimits: { test: number; live: number; perEndpoint: number }
  /** A claimed task is another worker's to take over when its holder is silent this long. */
  leaseSeconds: number
  pageSize: number
  /** Pages listed but not yet written, at most, per process (bounds memory). */
  pagesInMemory: number
  reconcileCron: string
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
  if (e.HOLDFAST_ROLE !== 'all' && !e.DATABASE_URL) {
    throw new ConfigError([
      `HOLDFAST_ROLE=${e.HOLDFAST_ROLE} needs DATABASE_URL: the embedded database lives inside one process, so it cannot be split`,
    ])
  }
  const web = e.HOLDFAST_ROLE === 'web'
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.HOLDFAST_DATA_DIR ? resolve(e.HOLDFAST_DATA_DIR) : resolve(repoRoot, '.data'),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    stripeApiUrl: e.STRIPE_API_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    stripe: {
      secretKey: { test: e.STRIPE_SECRET_KEY_TEST, live: e.STRIPE_SECRET_KEY_LIVE },
      clientId: { test: e.STRIPE_CLIENT_ID_TEST, live: e.STRIPE_CLIENT_ID_LIVE },
      authorizeUrl:
        e.STRIPE_AUTHORIZE_URL ??
        (e.STRIPE_API_URL
          ? new URL('/oauth/v2/authorize', e.STRIPE_API_URL).toString()
          : 'https://marketplace.stripe.com/oauth/v2/authorize'),
      appId: e.STRIPE_APP_ID,
      appSecrets: e.STRIPE_APP_SECRET?.split(',') ?? [],
      webhookSecrets: {
        test: e.STRIPE_WEBHOOK_SECRETS_TEST?.split(',') ?? [],
        live: e.STRIPE_WEBHOOK_SECRETS_LIVE?.split(',') ?? [],
      },
    },
    encryptionKey: e.HOLDFAST_ENCRYPTION_KEY
      ? Buffer.from(e.HOLDFAST_ENCRYPTION_KEY, 'base64')
      : undefined,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    uninstallGraceDays: { test: e.UNINSTALL_GRACE_DAYS_TEST, live: e.UNINSTALL_GRACE_DAYS_LIVE },
    role: e.HOLDFAST_ROLE,
    webhookWorkers: web ? 0 : e.WEBHOOK_WORKERS,
    traitsWorkers: web ? 0 : e.TRAITS_WORKERS,
    sync: {
      workers: web ? 0 : e.SYNC_WORKERS,
      typeConcurrency: e.SYNC_TYPE_CONCURRENCY,
      rateLimits: {
        test: e.SYNC_RATE_LIMIT_TEST,
        live: e.SYNC_RATE_LIMIT_LIVE,
        perEndpoint: e.SYNC_RATE_LIMIT_PER_ENDPOINT,
      },
      leaseSeconds: e.SYNC_TASK_LEASE_SECONDS,
      pageSize: e.SYNC_PAGE_SIZE,
      pagesInMemory: e.SYNC_PAGES_IN_MEMORY,
      reconcileCron: e.RECONCILE_CRON,
    },
    operatorToken: e.OPERATOR_TOKEN,
    outboundAllowLoopback: e.OUTBOUND_ALLOW_LOOPBACK === 'true',
    oauthPendingInstallsMax: e.OAUTH_PENDING_INSTALLS_MAX,
  }
}
