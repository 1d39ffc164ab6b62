// One migrated database per test file: in-memory PGlite, or with HOLDFAST_TEST_DB=postgres a
// fresh `hf_seg_<random>` database on DATABASE_URL, dropped (with force) on close.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { openDatabase, type Database } from '../../backend/src/db/client'
import { runMigrations } from '../../backend/src/db/migrate'

export type SegmentDatabase = { database: Database; close(): Promise<void> }

export async function openSegmentDatabase(): Promise<SegmentDatabase> {
  if (process.env.HOLDFAST_TEST_DB !== 'postgres') {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined })
    await runMigrations(database)
    return { database, close: () => database.close() }
  }
  const adminUrl = process.env.DATABASE_URL
  if (!adminUrl) throw new Error('HOLDFAST_TEST_DB=postgres needs DATABASE_URL')
  const name = `hf_seg_${randomBytes(6).toString('hex')}`
  await withAdmin(adminUrl, (admin) => admin.unsafe(`create database ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 2 })
  await runMigrations(database)
  return {
    database,
    async close() {
      await database.close()
      await withAdmin(adminUrl, (admin) =>
        admin.unsafe(`drop database if exists ${name} with (force)`)
      )
    },
  }
}

async function withAdmin(url: string, fn: (admin: postgres.Sql) => Promise<unknown>) {
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await fn(admin)
  } finally {
    await admin.end({ timeout: 5 })
  }
}
