// Segment queries run a merchant's rule over all their customers, so each runs under a statement
// timeout: one rule can take a connection for at most this long, never hold the database.
import { sql } from 'drizzle-orm'
import { sqlStateOf, type Db } from '../db/client'
import { AppError } from '../errors'

/** The builder's live count answers while someone waits. */
export const PREVIEW_TIMEOUT_MS = 10_000
/** A full recompute of one segment (rule change, the 15-minute sweep), over every customer. */
export const REFRESH_TIMEOUT_MS = 120_000

/** Runs `fn` in a transaction whose statements each stop after `timeoutMs`. */
export function withStatementTimeout<T>(
  db: Db,
  timeoutMs: number,
  fn: (tx: Db) => Promise<T>
): Promise<T> {
  return db.transaction(async (tx) => {
    // SET takes no parameters; the value is our own integer.
    await tx.execute(sql.raw(`set local statement_timeout = ${Math.trunc(timeoutMs)}`))
    return fn(tx as unknown as Db)
  })
}

/** Postgres's query_canceled, which a statement timeout raises. */
export function isStatementTimeout(err: unknown): boolean {
  return sqlStateOf(err) === '57014'
}

/** For `.catch`: a statement timeout becomes a 422 the merchant can act on; anything else stays. */
export function rethrowTimeoutAsRuleTooSlow(timeoutMs: number) {
  return (err: unknown): never => {
    if (!isStatementTimeout(err)) throw err
    throw new AppError(
      'unprocessable',
      `This rule took longer than ${timeoutMs / 1000} s to evaluate over your customers; use fewer or narrower conditions`
    )
  }
}
