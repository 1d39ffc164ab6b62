import { readdirSync } from 'node:fs'
import { getTableName, isTable } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import type { Database } from '../../backend/src/db/client'
import { migrationsFolder, runMigrations } from '../../backend/src/db/migrate'
import * as schema from '../../backend/src/db/schema'
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/test-database'

const migrationFiles = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'))
const schemaTables = Object.values(schema)
  .filter((value) => isTable(value))
  .map((table) => getTableName(table))
  .sort()

let cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
})

async function freshDatabase(): Promise<{ testDb: TestDatabase; database: Database }> {
  const testDb = await createTestDatabase()
  const database = await testDb.open()
  cleanup.push(
    () => testDb.drop(),
    () => database.close()
  )
  return { testDb, database }
}

async function tablesIn(database: Database): Promise<string[]> {
  const { rows } = await database.executeSql(
    `select table_name from information_schema.tables where table_schema = 'public' order by 1`
  )
  return rows.map((r) => String(r.table_name))
}

async function appliedMigrations(database: Database): Promise<number> {
  const { rows } = await database.executeSql(
    'select count(*)::int as n from drizzle.__drizzle_migrations'
  )
  return Number(rows[0]?.n)
}

test('migrations create every table in the schema', async () => {
  const { database } = await freshDatabase()
  expect(await tablesIn(database)).toEqual([])

  await runMigrations(database)

  expect(await tablesIn(database)).toEqual(schemaTables)
  expect(await appliedMigrations(database)).toBe(migrationFiles.length)
})

test('running migrations again changes nothing', async () => {
  const { database } = await freshDatabase()
  await runMigrations(database)
  await database.executeSql(
    `insert into accounts (account_id, livemode, connection) values ('acct_keep', false, 'oauth')`
  )

  await runMigrations(database)

  expect(await appliedMigrations(database)).toBe(migrationFiles.length)
  const { rows } = await database.executeSql('select account_id from accounts')
  expect(rows).toEqual([{ account_id: 'acct_keep' }])
})

test.runIf(testDbKind() === 'postgres')(
  'processes migrating the same database at once apply each migration once',
  async () => {
    const { testDb } = await freshDatabase()
    const handles = await Promise.all([testDb.open(), testDb.open(), testDb.open()])
    cleanup.push(async () => {
      for (const h of handles) await h.close()
    })

    await Promise.all(handles.map((h) => runMigrations(h)))

    expect(await appliedMigrations(handles[0]!)).toBe(migrationFiles.length)
    expect(await tablesIn(handles[1]!)).toEqual(schemaTables)
  }
)
