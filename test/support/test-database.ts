// A fresh, isolated database per test: an in-memory PGlite, or a new database on the Postgres
// server named by DATABASE_URL (dropped again on close). Migrated ones are copies of a schema
// migrated once (ours and pg-boss's): a PGlite dump per worker process, a Postgres template
// database per migration set. Migrating each one took ~2 s on PGlite.
import { createHash, randomBytes } from 'node:crypto'
import { openAsBlob, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import postgres from 'postgres'
import { openDatabase, type Database, type DatabaseTarget } from '../../backend/src/db/client'
import { migrationsFolder, runMigrations } from '../../backend/src/db/migrate'
import { createLogger } from '../../backend/src/log'
import { createQueue } from '../../backend/src/queue/queue'

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

/**
 * Creates an empty database (no migrations). PGlite: pass dataDir to get one that survives close.
 * Postgres: `template` copies that database instead.
 */
export async function createTestDatabase(
  kind: TestDbKind = testDbKind(),
  options: { dataDir?: string; template?: string } = {}
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
    await admin.unsafe(
      options.template
        ? `create database ${name} template ${options.template}`
        : `create database ${name}`
    )
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
  if (kind === 'pglite') {
    const target: DatabaseTarget = {
      kind: 'pglite',
      dataDir: undefined,
      loadDataDir: await migratedPgliteDump(),
    }
    const testDb: TestDatabase = {
      kind,
      target,
      open: () => openDatabase(target),
      drop: async () => {},
    }
    return { testDb, database: await testDb.open() }
  }
  const testDb = await createTestDatabase(kind, { template: await migratedPostgresTemplate() })
  return { testDb, database: await testDb.open() }
}

/** Ours and pg-boss's schema: what the harness would otherwise install in every database. */
async function installSchema(database: Database): Promise<void> {
  await runMigrations(database)
  const queue = createQueue(database, createLogger('silent'))
  await queue.start()
  await queue.stop(1_000)
}

let pgliteDump: Promise<Blob> | undefined
function migratedPgliteDump(): Promise<Blob> {
  // Built once per run by the pglite project's global setup (test/support/pglite-global-setup.ts);
  // each test file runs in its own process, and migrating there took ~2 s per file.
  const built = process.env.HOLDFAST_TEST_PGLITE_DUMP
  pgliteDump ??= built ? openAsBlob(built) : buildMigratedPgliteDump()
  return pgliteDump
}

export async function buildMigratedPgliteDump(): Promise<Blob> {
  const database = await openDatabase({ kind: 'pglite', dataDir: undefined })
  try {
    await installSchema(database)
    return await database.dump!()
  } finally {
    await database.close()
  }
}

// Named by a hash of the migrations and pg-boss's version, so a changed schema gets a new one.
function templateName(): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    if (!file.endsWith('.sql') && !file.endsWith('.json')) continue
    hash.update(file).update(readFileSync(join(migrationsFolder, file)))
  }
  hash.update(
    JSON.parse(readFileSync(createRequire(import.meta.url).resolve('pg-boss/package.json'), 'utf8'))
      .version
  )
  return `hf_tpl_${hash.digest('hex').slice(0, 16)}`
}

// Any fixed number; the same in every test worker, so one of them builds the template.
const TEMPLATE_LOCK_ID = 7_340_552_020

let postgresTemplate: Promise<string> | undefined
function migratedPostgresTemplate(): Promise<string> {
  postgresTemplate ??= (async () => {
    const adminUrl = process.env.DATABASE_URL
    if (!adminUrl) throw new Error('HOLDFAST_TEST_DB=postgres needs DATABASE_URL')
    const name = templateName()
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
    try {
      await admin`select pg_advisory_lock(${TEMPLATE_LOCK_ID})`
      const found = await admin`select 1 from pg_database where datname = ${name}`
      if (found.length === 0) {
        // Built under another name and renamed, so a crash halfway never leaves a bad template.
        const building = `${name}_building`
        await admin.unsafe(`drop database if exists ${building} with (force)`)
        await admin.unsafe(`create database ${building}`)
        const url = new URL(adminUrl)
        url.pathname = `/${building}`
        const database = await openDatabase({ kind: 'postgres', url: url.toString() })
        try {
          await installSchema(database)
        } finally {
          await database.close()
        }
        await admin.unsafe(`alter database ${building} rename to ${name}`)
      }
      return name
    } finally {
      await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_ID})`.catch(() => {})
      await admin.end({ timeout: 5 })
    }
  })()
  return postgresTemplate
}
