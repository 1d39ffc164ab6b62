// The one logger: JSON lines with the request id and account id of the current request.
// Log ids and counts, never tokens, keys or whole payloads.
import { AsyncLocalStorage } from 'node:async_hooks'
import { DrizzleQueryError } from 'drizzle-orm'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
export type LogFields = Record<string, unknown>

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

type LogContext = { requestId?: string; accountId?: string }
const context = new AsyncLocalStorage<LogContext>()

/** Runs `fn` with fields every log line inside it carries (request id, account id). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn)
}

/** Adds fields to the current context (e.g. the account id once a signature is verified). */
export function addLogContext(fields: LogContext): void {
  const store = context.getStore()
  if (store) Object.assign(store, fields)
}

export type Logger = {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line + '\n')
): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (order[at] < order[level]) return
    const line = {
      time: new Date().toISOString(),
      level: at,
      msg,
      ...context.getStore(),
      ...fields,
    }
    write(JSON.stringify(line, errorReplacer))
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  }
}

function errorReplacer(_key: string, value: unknown) {
  if (value instanceof Error) return { name: value.name, message: errorMessage(value) }
  return value
}

/**
 * An error as a log line or a stored failure may show it. drizzle's DrizzleQueryError message ends
 * in `params: …`, the bound values (emails, names, whole payloads), and a database's own message can
 * echo a value (`invalid input syntax for type json: "…"`): keep the statement's start and the reason.
 */
export function errorMessage(err: unknown): string {
  if (!isErrorLike(err)) return String(err)
  if (isFailedQuery(err)) {
    const statement = err.query
      .replace(/\s+/g, ' ')
      .replace(/'[^']*'/g, "'…'")
      .trim()
    let cause: unknown = err.cause
    while (isFailedQuery(cause)) cause = cause.cause // drizzle wraps again inside a transaction
    return `Failed query (${statement.slice(0, 60)}…)${isErrorLike(cause) ? `: ${errorMessage(cause)}` : ''}`
  }
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return `${err.message.replace(/(:\s*|near\s+)"[^"]*"?/g, '$1"…"')} (SQLSTATE ${code})`
  }
  return err.message
}

// PGlite's DatabaseError is not always an `instanceof Error` here, so go by shape.
const isErrorLike = (v: unknown): v is { message: string; cause?: unknown } =>
  typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string'

// PGlite's DatabaseError carries `query` and `params` too: only drizzle's wrapper is "a failed query".
const isFailedQuery = (v: unknown): v is DrizzleQueryError => v instanceof DrizzleQueryError
