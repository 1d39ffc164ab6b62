// Integration-test harness: a fresh migrated database, the queue, and the Hono app wired to it.
// Requests go through app.request(), as Hono's own tests do: no port needed.
import { loadConfig, type Config } from '../../backend/src/config'
import type { Database } from '../../backend/src/db/client'
import { createApp, type App } from '../../backend/src/http/app'
import type { AppDeps } from '../../backend/src/http/context'
import { createLogger, type Logger } from '../../backend/src/log'
import { createQueue, type Queue } from '../../backend/src/queue/queue'
import { registerWorkers } from '../../backend/src/queue/workers'
import { createMigratedDatabase, type TestDatabase } from './test-database'

export type Harness = {
  app: App
  database: Database
  testDb: TestDatabase
  queue: Queue
  config: Config
  log: Logger
  /** JSON request through the app; returns status, headers and the parsed body. */
  request(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> }
  ): Promise<{ status: number; headers: Headers; body: any }>
  close(): Promise<void>
}

export async function startHarness(
  options: { env?: Record<string, string>; workers?: boolean } = {}
): Promise<Harness> {
  const { testDb, database } = await createMigratedDatabase()
  const config = loadConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...options.env })
  const log = createLogger(config.logLevel)
  const queue = createQueue(database, log)
  await queue.start()
  const deps: AppDeps = { config, database, queue, log, now: () => new Date() }
  if (options.workers !== false) await registerWorkers(deps)
  const app = createApp(deps)

  return {
    app,
    database,
    testDb,
    queue,
    config,
    log,
    async request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers }
      let body: string | undefined
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
        headers['content-type'] ??= 'application/json'
      }
      const res = await app.request(path, { method: init.method ?? 'GET', headers, body })
      const text = await res.text()
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed }
    },
    async close() {
      await queue.stop(5_000)
      await database.close()
      await testDb.drop()
    },
  }
}
