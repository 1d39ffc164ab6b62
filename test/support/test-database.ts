// A fresh, isolated database per test file: an in-memory PGlite, or a new database on the
// Postgres server named by DATABASE_URL (dropped again on close).
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { openDatabase, type Database, type DatabaseTarget } from '../../backend/src/db/client'
import { runMigrations } from '../../backend/src/db/migrate'

export type TestDbKind = 'pglite' | 'postgres'

export function testDbKind(): TestDbKind {
  const kind = process.env.HOLDFAST_TEST_DB ?? 'pglite'
  if (kind !== 'pglite' && kind !== 'postgres') throw new Error(`HOLDFAST_TEST_DB=${kind}?`)
  return kind
}

export type TestDatabase = {
  kind: TestDbKind
  target: DatabaseTarget
  /** Opens another connection to the same database (another "process"). */
  open(): Promise<Database>
  drop(): Promise<void>
}

/** Creates an empty database (no migrations). PGlite: pass dataDir to get one that survives close. */
export async function createTestDatabase(
  kind: TestDbKind = testDbKind(),
  options: { dataDir?: string } = {}
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const target: DatabaseTarget = { kind: 'pglite', dataDir: options.dataDir }
    return { kind, target, open: () => openDatabase(target), drop: async () => {} }
  }
  const adminUrl = process.env.DATABASE_URL
  if (!adminUrl) throw new Error('HOLDFAST_TEST_DB=postgres needs DATABASE_URL')
  const name = `hf_t_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString(), maxConnections: 5 }
  return {
    kind,
    target,
    open: () => openDatabase(target),
    async drop() {
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} })
      try {
        await again.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await again.end({ timeout: 5 })
      }
    },
  }
}

/** A fresh database with migrations applied, and one open handle to it. */
export async function createMigratedDatabase(kind: TestDbKind = testDbKind()) {
  const testDb = await createTestDatabase(kind)
  const database = await testDb.open()
  await runMigrations(database)
  return { testDb, database }
}
