// Opens the database: Postgres when DATABASE_URL is set, else the embedded PGlite.
// Everything above this file sees one drizzle `Db` type and never the driver.
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { PGlite as PGliteClient } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type SqlRows = { rows: Record<string, unknown>[] }

export type Database = {
  kind: 'pglite' | 'postgres'
  db: Db
  /** Raw SQL with $1 parameters; without parameters it may hold several statements (pg-boss needs that). */
  executeSql(text: string, values?: unknown[]): Promise<SqlRows>
  /**
   * Calls `onNotify` on every NOTIFY to `channel` (from any process); resolves to a function
   * that stops listening. On Postgres a dedicated connection listens and reconnects by itself.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>
  /** `true` when a trivial query answers within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>
  close(): Promise<void>
  /** PGlite only: the whole database as a tarball, to open copies of it (`loadDataDir`). */
  dump?: () => Promise<Blob>
  /** Where the data lives, without credentials, for logs. */
  location: string
  target: DatabaseTarget
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  /**
   * dataDir undefined = in memory (tests). `loadDataDir`: start from a dump of another PGlite
   * (`dumpDataDir()`), so a schema is migrated once and copied, not migrated again.
   */
  | { kind: 'pglite'; dataDir: string | undefined; loadDataDir?: Blob }

export function databaseTargetFromConfig(config: {
  databaseUrl: string | undefined
  dataDir: string
}): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dataDir: resolve(config.dataDir, 'pglite') }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target) : openPglite(target)
}

function openPostgres(target: { url: string; maxConnections?: number }): Database {
  const client = postgres(target.url, {
    max: target.maxConnections ?? 10,
    onnotice: () => {}, // "relation already exists, skipping" and friends are not news
    connect_timeout: 10,
  })
  const db = drizzlePostgres(client, { schema }) as unknown as Db
  const url = new URL(target.url)
  return {
    kind: 'postgres',
    db,
    async executeSql(text, values) {
      const rows =
        values && values.length > 0
          ? await client.unsafe(text, values as postgres.ParameterOrJSON<never>[])
          : await client.unsafe(text).simple()
      return { rows: Array.from(rows) as Record<string, unknown>[] }
    },
    async listen(channel, onNotify) {
      const { unlisten } = await client.listen(channel, () => onNotify())
      return unlisten
    },
    ping: (timeoutMs = 2000) => pingWith(() => client`select 1`, timeoutMs),
    close: () => client.end({ timeout: 5 }),
    location: `postgres://${url.host}${url.pathname}`,
    target: { kind: 'postgres', ...target },
  }
}

async function openPglite(target: {
  dataDir: string | undefined
  loadDataDir?: Blob
}): Promise<Database> {
  const { dataDir, loadDataDir } = target
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  // Loaded only when used: PGlite's WebAssembly build adds ~50 MB to a process that runs on Postgres.
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite')
  const client: PGliteClient = new PGlite({ dataDir, loadDataDir })
  await client.waitReady
  const db = drizzlePglite(client, { schema }) as unknown as Db
  return {
    kind: 'pglite',
    db,
    async executeSql(text, values) {
      if (values && values.length > 0) {
        const result = await client.query<Record<string, unknown>>(text, values)
        return { rows: result.rows }
      }
      // exec runs several statements; callers read the rows of the last one.
      const results = await client.exec(text)
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] }
    },
    async listen(channel, onNotify) {
      const unlisten = await client.listen(channel, () => onNotify())
      return () => unlisten()
    },
    ping: (timeoutMs = 2000) => pingWith(() => client.query('select 1'), timeoutMs),
    close: async () => {
      if (!client.closed) await client.close()
    },
    dump: () => client.dumpDataDir('none'),
    location: dataDir ? `pglite:${dataDir}` : 'pglite:memory',
    target: { kind: 'pglite', dataDir, loadDataDir },
  }
}

async function pingWith(query: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), timeoutMs)
  })
  try {
    return await Promise.race([query().then(() => true as const), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/** The SQLSTATE of a database error, however deep drizzle and the driver wrapped it. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code
  return undefined
}

/** Rows of a `db.execute(sql…)` result on either driver. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}

export { sql }
