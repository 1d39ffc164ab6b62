// Integration-test harness: a fresh migrated database, the queue, and the Hono app wired to it.
// Requests go through app.request(), as Hono's own tests do: no port needed.
import { randomBytes } from 'node:crypto'
import Stripe from 'stripe'
import { ensureWebhookEndpoints } from '../../backend/src/sync/webhook-endpoints'
import { Emulator, type EmulatorOptions } from '@holdfast/stripe-emulator'
import { loadConfig, type Config } from '../../backend/src/config'
import { sql } from 'drizzle-orm'
import {
  openDatabase,
  rowsOf,
  type Database,
  type DatabaseTarget,
} from '../../backend/src/db/client'
import type { App } from '../../backend/src/http/app'
import { startRuntime } from '../../backend/src/runtime'
import type { AppDeps } from '../../backend/src/kernel/deps'
import { buildDeps } from '../../backend/src/deps'
import type { EventDrainer } from '../../backend/src/sync/event-drainer'
import type { SyncRunner } from '../../backend/src/sync/backfill-runner'
import { createLogger, type Logger } from '../../backend/src/log'
import { createQueue, type Queue } from '../../backend/src/queue/queue'
import type { ResolveHost } from '../../backend/src/kernel/deps'
import {
  extensionHeaders,
  signWebhook,
  testAppSecret,
  testWebhookSecret,
  type Merchant,
} from './signing'
import { createMigratedDatabase, type TestDatabase } from './test-database'
import { waitFor } from './wait'

export type Harness = {
  app: App
  deps: AppDeps
  /** The Stripe emulator behind the backend (only with the `emulator` option). */
  emulator: Emulator | undefined
  /** A real stripe-node client talking to the emulator as this account (its own secret key). */
  stripeAs(accountId: string, mode?: 'test' | 'live'): Stripe
  /** Installs a merchant through the real OAuth flow against the emulator. */
  installMerchant(options?: {
    mode?: 'test' | 'live'
    accountId?: string
  }): Promise<Merchant & { accountId: string; livemode: boolean }>
  /** The drizzle handle (shortcut for deps.db). */
  db(): AppDeps['db']
  drainer: EventDrainer
  /** This process's sync task loops (SYNC_WORKERS=0 in env: none). */
  syncRunner: SyncRunner
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

export type HarnessOptions = {
  env?: Record<string, string>
  /** Start our Stripe emulator and point the backend at it (platform keys, OAuth app, webhooks). */
  emulator?: EmulatorOptions | true
  /** Reach the database another way (e.g. through a TCP proxy the test can cut). */
  wrapTarget?: (target: DatabaseTarget) => DatabaseTarget
  /** Collect every log line (debug and up) here instead of printing them. */
  logLines?: string[]
  /** DNS for outbound webhook hosts; by default no name resolves, so no test reaches the network. */
  resolveHost?: ResolveHost
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const migrated = await createMigratedDatabase()
  const testDb = migrated.testDb
  let database = migrated.database
  if (options.wrapTarget) {
    await database.close()
    database = await openDatabase(options.wrapTarget(testDb.target))
  }
  const emulator = options.emulator
    ? new Emulator({ rateLimits: false, ...(options.emulator === true ? {} : options.emulator) })
    : undefined
  const emulatorServer = emulator ? await emulator.listen(0) : undefined
  const emulatorEnv: Record<string, string> =
    emulator && emulatorServer
      ? {
          STRIPE_API_URL: emulatorServer.url,
          STRIPE_SECRET_KEY_TEST: emulator.platform.keys.test.secret,
          STRIPE_SECRET_KEY_LIVE: emulator.platform.keys.live.secret,
          STRIPE_CLIENT_ID_TEST: emulator.oauthApp.clientIds.test,
          STRIPE_CLIENT_ID_LIVE: emulator.oauthApp.clientIds.live,
          PUBLIC_URL: 'https://holdfast.test',
        }
      : {}
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...emulatorEnv,
    // A live endpoint's secret: it verifies test and live events alike.
    STRIPE_WEBHOOK_SECRETS_LIVE: testWebhookSecret,
    STRIPE_APP_SECRET: testAppSecret,
    HOLDFAST_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  })
  const logLines = options.logLines
  const log = logLines
    ? createLogger('debug', (line) => logLines.push(line))
    : createLogger(config.logLevel)
  const queue = createQueue(database, log)
  await queue.start()
  // With the emulator, its clock is ours too, so tests can move time (token expiry, trials).
  const now = emulator ? () => new Date(emulator.now() * 1000) : () => new Date()
  const built = buildDeps(config, database, queue, log, now)
  const deps: AppDeps = {
    ...built,
    outboundTargets: { ...built.outboundTargets, resolve: options.resolveHost ?? resolveNothing },
  }
  const runtime = await startRuntime(deps)
  const { app, syncRunner } = runtime
  // idle() here means settled: the runtime's idle() resolves when a loop finds nothing to claim,
  // which is also true while an event waits out a retry back-off (a transient database error,
  // say, on a loaded machine). Tests want every stored event applied and every marked customer
  // refreshed, so this waits until the tables say so too.
  const drainer: EventDrainer = {
    ...runtime.drainer,
    async idle() {
      await waitFor(
        async () => {
          await runtime.drainer.idle()
          return (await unsettledWork(deps.db, config)) === 0
        },
        { what: 'stored events applied and changed customers refreshed' }
      )
    },
  }
  if (emulator) {
    // Webhooks from the emulator go straight into the app: no port needed.
    emulator.webhooks.configure({
      transport: async (url, init) => {
        const res = await app.request(new URL(url).pathname, {
          method: 'POST',
          headers: init.headers,
          body: init.body,
        })
        return { status: res.status }
      },
    })
    await ensureWebhookEndpoints(deps, config.publicUrl)
  }

  const nowSeconds = () => Math.floor(deps.now().getTime() / 1000)
  const harness: Harness = {
    app,
    deps,
    emulator,
    stripeAs(accountId, mode = 'test') {
      if (!emulator || !emulatorServer) throw new Error('start the harness with { emulator: true }')
      return new Stripe(emulator.accountInfo(accountId).keys[mode].secret, {
        host: '127.0.0.1',
        port: emulatorServer.port,
        protocol: 'http',
        maxNetworkRetries: 0,
        telemetry: false,
      })
    },
    async installMerchant(opts = {}) {
      if (!emulator) throw new Error('start the harness with { emulator: true }')
      const mode = opts.mode ?? 'test'
      const install = await harness.request(`/oauth/install?mode=${mode}`)
      if (install.status !== 302)
        throw new Error(`install answered ${install.status}: ${JSON.stringify(install.body)}`)
      const authorize = new URL(install.headers.get('location')!)
      const redirect = emulator.authorize({
        mode,
        accountId: opts.accountId,
        clientId: authorize.searchParams.get('client_id') ?? undefined,
        redirectUri: authorize.searchParams.get('redirect_uri')!,
        state: authorize.searchParams.get('state')!,
      })
      const callback = new URL(redirect)
      const done = await harness.request(callback.pathname + callback.search)
      if (done.status !== 200)
        throw new Error(`callback answered ${done.status}: ${String(done.body)}`)
      const accountId = String(done.body).match(/Account (acct_\w+) is connected/)?.[1]
      if (!accountId) throw new Error('the callback page names no account')
      return { accountId, mode, livemode: mode === 'live' }
    },
    db: () => deps.db,
    drainer,
    syncRunner,
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
      const signature =
        opts.signature ?? signWebhook(payload, opts.secret, opts.timestamp ?? nowSeconds())
      return harness.request('/webhooks/stripe', {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      })
    },
    as(merchant) {
      return {
        get: (path) =>
          harness.request(path, { headers: extensionHeaders(merchant, undefined, nowSeconds()) }),
        post: (path, body) =>
          harness.request(path, {
            method: 'POST',
            body: body ?? {},
            headers: extensionHeaders(merchant, undefined, nowSeconds()),
          }),
      }
    },
    async close() {
      await emulator?.webhooks.idle()
      await emulatorServer?.close()
      await drainer.stop()
      await syncRunner.stop()
      await queue.stop(5_000)
      await database.close()
      await testDb.drop()
    },
  }
  return harness
}

/** Stored events not yet applied and customers not yet refreshed, where this process has workers for them. */
async function unsettledWork(db: AppDeps['db'], config: Config): Promise<number> {
  const counts = await db.execute(sql`
    select
      (select count(*) from stripe_events where processed_at is null) as events,
      (select count(*) from customer_refresh_queue) as customers`)
  const [row] = rowsOf<{ events: unknown; customers: unknown }>(counts)
  return (
    (config.webhookWorkers > 0 ? Number(row?.events ?? 0) : 0) +
    (config.traitsWorkers > 0 ? Number(row?.customers ?? 0) : 0)
  )
}

const resolveNothing: ResolveHost = async (hostname) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (test harness)`), {
    code: 'ENOTFOUND',
  })
}
