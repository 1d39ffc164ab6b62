// Applies the committed drizzle-kit migrations. On Postgres an advisory lock makes processes
// starting at once take turns: the second finds nothing left to do.
import { fileURLToPath } from 'node:url'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import type { Database } from './client'

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))

// Any fixed 64-bit number; it only has to be the same in every Holdfast process.
const SCHEMA_LOCK_ID = 7_340_552_019

export async function runMigrations(database: Database): Promise<void> {
  await withSchemaLock(database, async (lockClient) => {
    if (lockClient) await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder })
    else await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder })
  })
}

/**
 * Runs schema set-up (ours, or pg-boss's) so that only one process does it at a time.
 * On Postgres `fn` gets the single connection holding the lock; PGlite has one process only.
 */
export async function withSchemaLock<T>(
  database: Database,
  fn: (lockClient: postgres.Sql | undefined) => Promise<T>
): Promise<T> {
  const target = database.target
  if (target.kind === 'pglite') return fn(undefined)
  // max: 1, so the session-level advisory lock covers every statement sent through this client.
  const client = postgres(target.url, { max: 1, onnotice: () => {} })
  try {
    await client`select pg_advisory_lock(${SCHEMA_LOCK_ID})`
    try {
      return await fn(client)
    } finally {
      await client`select pg_advisory_unlock(${SCHEMA_LOCK_ID})`
    }
  } finally {
    await client.end({ timeout: 5 })
  }
}
