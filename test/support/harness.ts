// Integration-test harness: a fresh migrated database, the queue, and the Hono app wired to it.
// Requests go through app.request(), as Hono's own tests do: no port needed.
import { randomBytes } from 'node:crypto'
import { loadConfig, type Config } from '../../backend/src/config'
import { openDatabase, type Database, type DatabaseTarget } from '../../backend/src/db/client'
import type { App } from '../../backend/src/http/app'
import { startRuntime } from '../../backend/src/runtime'
import type { AppDeps } from '../../backend/src/http/context'
import { buildDeps } from '../../backend/src/deps'
import type { EventDrainer } from '../../backend/src/sync/event-drainer'
import { createLogger, type Logger } from '../../backend/src/log'
import { createQueue, type Queue } from '../../backend/src/queue/queue'
import {
  extensionHeaders,
  signWebhook,
  testAppSecret,
  testWebhookSecret,
  type Merchant,
} from './signing'
import { createMigratedDatabase, type TestDatabase } from './test-database'

export type Harness = {
  app: App
  deps: AppDeps
  /** The drizzle handle (shortcut for deps.db). */
  db(): AppDeps['db']
  drainer: EventDrainer
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
  /** Posts a Stripe event to /webhooks/stripe, signed with the harness secret (or as given). */
  postWebhook(
    event: unknown,
    options?: { secret?: string; signature?: string; timestamp?: number }
  ): Promise<{ status: number; headers: Headers; body: any }>
  /** Requests to /api/* signed as the Stripe App would for this merchant. */
  as(merchant: Merchant): {
    get(path: string): Promise<{ status: number; headers: Headers; body: any }>
    post(path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>
  }
  close(): Promise<void>
}

export async function startHarness(
  options: {
    env?: Record<string, string>
    /** Reach the database another way (e.g. through a TCP proxy the test can cut). */
    wrapTarget?: (target: DatabaseTarget) => DatabaseTarget
  } = {}
): Promise<Harness> {
  const migrated = await createMigratedDatabase()
  const testDb = migrated.testDb
  let database = migrated.database
  if (options.wrapTarget) {
    await database.close()
    database = await openDatabase(options.wrapTarget(testDb.target))
  }
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    STRIPE_WEBHOOK_SECRETS: testWebhookSecret,
    STRIPE_APP_SECRET: testAppSecret,
    HOLDFAST_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  })
  const log = createLogger(config.logLevel)
  const queue = createQueue(database, log)
  await queue.start()
  const deps: AppDeps = buildDeps(config, database, queue, log)
  const { app, drainer } = await startRuntime(deps)

  const harness: Harness = {
    app,
    deps,
    db: () => deps.db,
    drainer,
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
    postWebhook(event, opts = {}) {
      const payload = typeof event === 'string' ? event : JSON.stringify(event)
      const signature = opts.signature ?? signWebhook(payload, opts.secret, opts.timestamp)
      return harness.request('/webhooks/stripe', {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      })
    },
    as(merchant) {
      return {
        get: (path) => harness.request(path, { headers: extensionHeaders(merchant) }),
        post: (path, body) =>
          harness.request(path, {
            method: 'POST',
            body: body ?? {},
            headers: extensionHeaders(merchant),
          }),
      }
    },
    async close() {
      await drainer.stop()
      await queue.stop(5_000)
      await database.close()
      await testDb.drop()
    },
  }
  return harness
}
