// npm run chaos — faults against the real parts, then a count of what survived them.
//
// The emulator (this process, over HTTP) holds a seeded merchant; the backend runs as two child
// processes on a fresh Postgres database (HOLDFAST_ROLE=web takes the webhooks, HOLDFAST_ROLE=worker
// applies them and runs the import), both reaching Postgres through a TCP proxy this script can cut.
//   1. Import: the merchant's account is imported while the worker is SIGKILLed at 5 random points
//      (and started again at once).
//   2. Storm: customers and subscriptions are updated at the emulator at 500/s (real API calls,
//      so every event is a real one the emulator delivers, signed, over HTTP) while the worker is
//      SIGKILLed at random points and the database is cut off for a few seconds. Deliveries that
//      failed are sent again afterwards, as Stripe retries them.
//   3. Once everything is applied: every stored object must equal the emulator's, every
//      acknowledged event must be applied once (stored, finished, its timeline entry written once,
//      no segment or stage transition repeated), and every customer's traits must equal a fresh
//      recompute from the stored objects. Prints the figures; exits 1 if any of that fails.
//
// Not in CI: about 5 minutes on 2 cores. Run it alone (flock /tmp/heavy.lock npm run chaos).
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { and, eq, sql } from 'drizzle-orm'
import postgres from 'postgres'
import Stripe from 'stripe'
import { computeTraits } from '@holdfast/shared/traits/compute-traits'
import { Emulator, Random } from '@holdfast/stripe-emulator'
import { createSecretBox } from '../../backend/src/crypto/secret-box'
import { openDatabase, rowsOf } from '../../backend/src/db/client'
import { customerTraits, stripeCustomers } from '../../backend/src/db/schema'
import { loadStripeCustomersData } from '../../backend/src/traits/refresh-traits'
import { snapshotFromStripe } from '../../backend/src/traits/snapshot-from-stripe'
import {
  startBackendProcess,
  stopBackendProcess,
  type BackendProcess,
} from '../support/backend-process'
import { compareMirror, isDeepEqual } from '../support/mirror'
import { extensionHeaders } from '../support/signing'
import { startTcpProxy } from '../support/tcp-proxy'
import { waitFor } from '../support/wait'

const env = process.env
const adminUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const seed = Number(env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9))
const customers = Number(env.CHAOS_CUSTOMERS ?? 1_000)
const rate = Number(env.CHAOS_RATE ?? 500)
const stormSeconds = Number(env.CHAOS_STORM_SECONDS ?? 60)
const importKills = Number(env.CHAOS_IMPORT_KILLS ?? 5)
const stormKills = Number(env.CHAOS_STORM_KILLS ?? 4)
const cutSeconds = Number(env.CHAOS_CUT_SECONDS ?? 4)
// Customers the storm updates: few enough that one object gets several events a second (the
// same-second ties the backend settles by asking the emulator).
const hotCustomers = Number(env.CHAOS_HOT_CUSTOMERS ?? 300)
const pageSize = 10
const verbose = Boolean(env.CHAOS_VERBOSE)
const random = new Random(seed)
const started = performance.now()
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1)
const say = (line: string) => console.log(`[${elapsed().padStart(6)} s] ${line}`)

const appSecret = 'absec_chaos_' + randomBytes(12).toString('hex')
const encryptionKey = randomBytes(32)
const dbName = `hf_chaos_${randomBytes(4).toString('hex')}`
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
const direct = new URL(adminUrl)
direct.pathname = `/${dbName}`

const emulator = new Emulator({ seed, rateLimits: false })
const emulatorServer = await emulator.listen(0)
const merchant = emulator.createAccount({ name: 'Chaos merchant' })
const mode = 'test' as const
const scope = { accountId: merchant.id, livemode: false }
const seeded = emulator.seed(merchant.id, mode, { customers, seed })

const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) })
const viaProxy = new URL(direct)
viaProxy.port = String(proxy.port)

let web: BackendProcess | undefined
let worker: BackendProcess | undefined
let database: Awaited<ReturnType<typeof openDatabase>> | undefined
const unexpectedExits: string[] = []
/** Why the run fails, if it does. */
const problems: string[] = []

const backendEnv = (webhookSecret: string): Record<string, string> => ({
  DATABASE_URL: viaProxy.toString(),
  STRIPE_API_URL: emulatorServer.url,
  STRIPE_APP_SECRET: appSecret,
  STRIPE_WEBHOOK_SECRETS_TEST: webhookSecret,
  HOLDFAST_ENCRYPTION_KEY: encryptionKey.toString('base64'),
  SYNC_RATE_LIMIT_TEST: '60',
  SYNC_RATE_LIMIT_PER_ENDPOINT: '30',
  SYNC_PAGE_SIZE: String(pageSize),
  // A killed worker's tasks are taken over this soon (its claimed events after 60 s).
  SYNC_TASK_LEASE_SECONDS: '3',
})

/**
 * Starts the worker and notes it if it ever ends without being killed by us. Like a supervisor
 * (systemd's Restart=on-failure), it starts it again when it exits before it is ready: a worker
 * started while the database is cut off exits 1 ("could not start"), which is not a lost event.
 */
let failedStarts = 0
async function startWorker(webhookSecret: string): Promise<BackendProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startWorkerOnce(webhookSecret)
    } catch (err) {
      if (attempt >= 30) throw err
      failedStarts++
      say(`worker could not start (attempt ${attempt}), starting it again in 1 s`)
      await new Promise((r) => setTimeout(r, 1_000))
    }
  }
}
async function startWorkerOnce(webhookSecret: string) {
  const started = await startBackendProcess(
    { ...backendEnv(webhookSecret), HOLDFAST_ROLE: 'worker' },
    { forwardOutput: verbose }
  )
  void started.exited.then((code) => {
    if (!killedByUs.has(started))
      unexpectedExits.push(`worker exited (${code}): ${started.recentOutput().slice(-2000)}`)
  })
  return started
}
const killedByUs = new Set<BackendProcess>()
let workerKills = 0
async function killWorker(webhookSecret: string, pauseMs = 0) {
  const victim = worker!
  killedByUs.add(victim)
  await stopBackendProcess(victim, 'SIGKILL')
  workerKills++
  if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs))
  worker = await startWorker(webhookSecret)
}

try {
  await admin.unsafe(`create database ${dbName}`)
  say(
    `chaos seed ${seed}: emulator ${emulatorServer.url}, merchant ${merchant.id} seeded with ${seeded.customers} customers, ${seeded.subscriptions} subscriptions, ${seeded.invoices} invoices, ${seeded.charges} charges`
  )

  // The Connect endpoint Stripe would deliver to: the web process's webhook route.
  const platform = new Stripe(emulator.platform.keys.test.secret, {
    host: '127.0.0.1',
    port: emulatorServer.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  })
  // Its URL is known once the web process listens; the secret is needed before it starts.
  const endpoint = await platform.webhookEndpoints.create({
    url: 'http://127.0.0.1:1/webhooks/stripe',
    enabled_events: ['*'],
    connect: true,
  })
  const webhookSecret = endpoint.secret!
  web = await startBackendProcess(
    { ...backendEnv(webhookSecret), HOLDFAST_ROLE: 'web' },
    { forwardOutput: verbose }
  )
  void web.exited.then((code) => {
    unexpectedExits.push(`web exited (${code}): ${web!.recentOutput().slice(-2000)}`)
  })
  await platform.webhookEndpoints.update(endpoint.id, { url: `${web.url}/webhooks/stripe` })
  worker = await startWorker(webhookSecret)
  say(`backend: web ${web.url} and a worker, Postgres ${dbName} through a TCP proxy`)

  database = await openDatabase({ kind: 'postgres', url: direct.toString(), maxConnections: 4 })
  const db = database.db
  // The merchant's installation: an account and its key, sealed as the service does.
  await db.execute(sql`insert into accounts (account_id, livemode, status, connection)
    values (${merchant.id}, false, 'active', 'api_key')`)
  await db.execute(sql`insert into credentials (account_id, livemode, kind, api_key_enc)
    values (${merchant.id}, false, 'restricted_key',
      ${createSecretBox(encryptionKey).seal(merchant.keys.test.secret)})`)

  // 1. Import, the worker killed at random points of it (by the emulator's request count).
  const listed = ['customers', 'subscriptions', 'invoices', 'charges']
  const state = emulator.account(merchant.id, mode)
  const sizes = [
    state.customers.size,
    state.subscriptions.size,
    state.invoices.size,
    state.charges.size,
  ]
  const pages = sizes.reduce((n, size) => n + Math.ceil(size / pageSize), 0)
  const killAt = Array.from({ length: importKills }, () =>
    Math.floor((0.05 + random.next() * 0.8) * pages)
  ).sort((a, b) => a - b)
  emulator.faults.setLatency({ fixedMs: 30 })
  emulator.faults.resetCounters()
  const headers = {
    ...extensionHeaders({ accountId: merchant.id, mode }, appSecret),
    'content-type': 'application/json',
  }
  const importStarted = performance.now()
  const res = await fetch(`${web.url}/api/v1/sync/import`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ choice: 'existing' }),
  })
  if (res.status !== 202) throw new Error(`import answered ${res.status}: ${await res.text()}`)
  const { runId } = (await res.json()) as { runId: string }
  say(`import ${runId}: ~${pages} pages of ${listed.join(', ')}; kills at requests ${killAt}`)
  let importKilled = 0
  for (;;) {
    const [run] = rowsOf<{ state: string }>(
      await db.execute(sql`select state from sync_runs where id = ${runId}`)
    )
    if (run && !['pending', 'running'].includes(run.state)) {
      say(`import ${run.state} after ${((performance.now() - importStarted) / 1000).toFixed(1)} s`)
      if (run.state !== 'done') problems.push(`the import ended ${run.state}`)
      break
    }
    const requests = emulator.counters().requests
    if (importKilled < killAt.length && requests >= killAt[importKilled]!) {
      await killWorker(webhookSecret)
      importKilled++
      say(`import: worker SIGKILLed at ${requests} requests, started again`)
      // The next kill only once the new worker has made progress (no kill while it starts).
      const progressed = emulator.counters().requests + 5
      for (let k = importKilled; k < killAt.length; k++)
        killAt[k] = Math.max(killAt[k]!, progressed + (k - importKilled) * 5)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  if (importKilled < importKills) {
    problems.push(`the import finished after ${importKilled} of ${importKills} kills`)
  }
  emulator.faults.setLatency(undefined)
  // The rebuild of every customer's traits the import queued (a pg-boss job), before the storm.
  await waitFor(
    async () => {
      const [row] = rowsOf<{ open: number; done: number }>(
        await db.execute(sql`select
          count(*) filter (where state in ('created', 'retry', 'active'))::int as open,
          count(*) filter (where state = 'completed')::int as done
          from pgboss.job where name = 'traits-rebuild'`)
      )
      return row!.open === 0 && row!.done > 0
    },
    { timeoutMs: 120_000, intervalMs: 200, what: "the import's traits rebuild" }
  )
  say('traits rebuilt after the import')

  // 2. The storm: open loop, `rate` updates a second at the emulator, each one an event.
  const merchantStripe = new Stripe(merchant.keys.test.secret, {
    host: '127.0.0.1',
    port: emulatorServer.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  })
  const hot = [...state.customers.values()].slice(0, hotCustomers).map((c) => c.id)
  const hotSet = new Set(hot)
  const liveStatuses = new Set(['active', 'trialing', 'past_due'])
  const hotSubs = () =>
    [...state.subscriptions.values()].filter(
      (s) => hotSet.has(String(s.customer)) && liveStatuses.has(s.status)
    )
  let subs = hotSubs()
  let n = 0
  const mutationErrors = new Map<string, number>()
  const mutate = async () => {
    const i = ++n
    const r = random.next()
    try {
      if (r < 0.5 || subs.length === 0) {
        await merchantStripe.customers.update(random.pick(hot), {
          metadata: { chaos: String(i) },
        })
      } else {
        const sub = random.pick(subs)
        await merchantStripe.subscriptions.update(
          sub.id,
          r < 0.85
            ? { metadata: { chaos: String(i) } }
            : { cancel_at_period_end: !state.subscriptions.get(sub.id)!.cancel_at_period_end }
        )
      }
    } catch (err) {
      const key = err instanceof Error ? err.message.slice(0, 120) : String(err)
      mutationErrors.set(key, (mutationErrors.get(key) ?? 0) + 1)
    }
  }
  const killTimes = Array.from(
    { length: stormKills },
    () => (0.1 + random.next() * 0.8) * stormSeconds
  ).sort((a, b) => a - b)
  const cutAt = (0.3 + random.next() * 0.3) * stormSeconds
  say(
    `storm: ${rate}/s for ${stormSeconds} s over ${hot.length} customers and ${subs.length} subscriptions; worker SIGKILLs at ${killTimes.map((t) => t.toFixed(1)).join(', ')} s, database cut at ${cutAt.toFixed(1)} s for ${cutSeconds} s`
  )
  const faults: Promise<void>[] = []
  const stormStarted = performance.now()
  const stormAt = () => (performance.now() - stormStarted) / 1000
  for (const t of killTimes)
    faults.push(
      (async () => {
        await new Promise((r) => setTimeout(r, t * 1000))
        await killWorker(webhookSecret, 200 + random.next() * 1800)
        say(
          `storm: worker SIGKILLed at ${t.toFixed(1)} s, started again at ${stormAt().toFixed(1)} s`
        )
      })()
    )
  faults.push(
    (async () => {
      await new Promise((r) => setTimeout(r, cutAt * 1000))
      proxy.cut()
      say(`storm: database cut off at ${stormAt().toFixed(1)} s`)
      await new Promise((r) => setTimeout(r, cutSeconds * 1000))
      proxy.restore()
      say(`storm: database back at ${stormAt().toFixed(1)} s`)
    })()
  )
  const inFlight = new Set<Promise<void>>()
  const total = rate * stormSeconds
  let begun = 0
  let second = 0
  while (begun < total) {
    const due = Math.min(total, Math.floor(stormAt() * rate))
    while (begun < due && inFlight.size < 256) {
      begun++
      const p = mutate().finally(() => inFlight.delete(p))
      inFlight.add(p)
    }
    if (Math.floor(stormAt()) !== second) {
      second = Math.floor(stormAt())
      subs = hotSubs()
    }
    await new Promise((r) => setTimeout(r, 2))
  }
  await Promise.all(inFlight)
  const stormWall = stormAt()
  await Promise.all(faults)
  await emulator.webhooks.idle()
  say(
    `storm done: ${total} updates in ${stormWall.toFixed(1)} s (${(total / stormWall).toFixed(0)}/s)`
  )

  // Stripe retries what was not acknowledged; so do we, until every event is.
  const ours = () => emulator.webhooks.deliveries.filter((d) => d.endpointId === endpoint.id)
  const ok = (status: number | null) => status !== null && status >= 200 && status < 300
  const firstTry = ours()
  const failedFirst = new Set(firstTry.filter((d) => !ok(d.status)).map((d) => d.eventId))
  for (let round = 0; round < 20; round++) {
    const retried = await emulator.webhooks.retryFailed()
    if (retried.length === 0) break
    say(`retried ${retried.length} unacknowledged deliveries`)
    await new Promise((r) => setTimeout(r, 1000))
  }
  const deliveries = ours()
  const sent = new Set(deliveries.map((d) => d.eventId))
  const acknowledged = new Set(deliveries.filter((d) => ok(d.status)).map((d) => d.eventId))
  const answers = new Map<string, number>()
  for (const d of deliveries.filter((d) => !ok(d.status))) {
    const key = d.status === null ? `no answer (${d.error?.slice(0, 60)})` : String(d.status)
    answers.set(key, (answers.get(key) ?? 0) + 1)
  }

  // 3. Wait until everything stored is applied and every marked customer refreshed.
  const drainStarted = performance.now()
  await waitFor(
    async () => {
      const [row] = rowsOf<{ events: number; refresh: number }>(
        await db.execute(sql`select
          (select count(*)::int from stripe_events where processed_at is null) as events,
          (select count(*)::int from customer_refresh_queue) as refresh`)
      )
      return row!.events === 0 && row!.refresh === 0
    },
    // A killed worker's claimed events are taken over after 60 s.
    { timeoutMs: 240_000, intervalMs: 250, what: 'every event applied and customer refreshed' }
  )
  say(`drained ${((performance.now() - drainStarted) / 1000).toFixed(1)} s after the storm`)

  // Every acknowledged event: stored, finished (not given up on), its timeline entry once.
  const events = rowsOf<{
    id: string
    type: string
    processed: boolean
    outcome: string | null
    attempts: number
    timeline: number
  }>(
    await db.execute(sql`
      select e.id, e.type, e.processed_at is not null as processed, e.outcome, e.attempts,
        (select count(*)::int from timeline_entries t
         where t.account_id = e.account_id and t.livemode = e.livemode and t.source_id = e.id) as timeline
      from stripe_events e where e.account_id = ${merchant.id}`)
  )
  const stored = new Map(events.map((e) => [e.id, e]))
  // The storm's two event types; each one applied earns the customer a timeline entry.
  const withTimeline = new Set(['customer.updated', 'customer.subscription.updated'])
  const lost: string[] = []
  const appliedTwice: string[] = []
  let applied = 0
  const outcomes = new Map<string, number>()
  for (const id of acknowledged) {
    const e = stored.get(id)
    const wasApplied = e?.processed && e.outcome !== null && e.outcome !== 'failed'
    if (!e || !wasApplied) {
      lost.push(`${id} (${e ? `outcome ${e.outcome}` : 'not stored'})`)
      continue
    }
    applied++
    outcomes.set(e.outcome!, (outcomes.get(e.outcome!) ?? 0) + 1)
    // Applied to the object: the customer's timeline says so, exactly once.
    if (e.outcome!.startsWith('applied') && withTimeline.has(e.type) && e.timeline === 0)
      lost.push(`${id} (no timeline entry)`)
    if (e.timeline > 1) appliedTwice.push(`${id} (${e.timeline} timeline entries)`)
  }
  const retriedStale = events.filter((e) => e.outcome === 'ignored_stale' && e.attempts > 1).length
  // A refresh applied twice shows as the same transition twice in a row.
  const repeated = rowsOf<{ what: string; customer_id: string; n: number }>(
    await db.execute(sql`
      with s as (
        select 'segment ' || segment_id || ' ' || kind as what, customer_id,
          kind = lag(kind) over (partition by segment_id, customer_id order by id) as again
        from segment_transitions where account_id = ${merchant.id}
      ), t as (
        select 'stage ' || to_stage as what, customer_id,
          to_stage = lag(to_stage) over (partition by customer_id order by id) as again
        from stage_transitions where account_id = ${merchant.id}
      )
      select what, customer_id, count(*)::int as n from (select * from s union all select * from t) x
      where again group by what, customer_id`)
  )
  for (const r of repeated)
    appliedTwice.push(`${r.customer_id}: ${r.what} ${r.n + 1} times in a row`)

  // Every stored object equals the emulator's.
  const mirror = await compareMirror(db, emulator, merchant.id, mode)
  const objectsOff = mirror.reduce(
    (n, m) => n + m.missing.length + m.extra.length + m.differing.length,
    0
  )

  // Every customer's traits equal a fresh recompute from what we hold (at the time they were computed).
  const ids = (
    await db
      .select({ id: stripeCustomers.id })
      .from(stripeCustomers)
      .where(and(eq(stripeCustomers.accountId, merchant.id), eq(stripeCustomers.livemode, false)))
  ).map((r) => r.id)
  const traitRows = new Map(
    (
      await db
        .select()
        .from(customerTraits)
        .where(and(eq(customerTraits.accountId, merchant.id), eq(customerTraits.livemode, false)))
    ).map((r) => [r.customerId, r])
  )
  const traitsOff: string[] = []
  for (let i = 0; i < ids.length; i += 200) {
    const data = await loadStripeCustomersData(db, scope, ids.slice(i, i + 200))
    for (const [id, customer] of data) {
      const row = traitRows.get(id)
      if (!row) {
        traitsOff.push(`${id} (no traits)`)
        continue
      }
      const fresh = computeTraits(
        snapshotFromStripe({
          ...customer,
          lastActivityAt: row.lastActivityAt
            ? Math.floor(row.lastActivityAt.getTime() / 1000)
            : null,
        }),
        row.computedAt
      )
      if (!isDeepEqual(row.traits, fresh)) {
        // Which traits, stored → recomputed, so a difference says where to look.
        const stored = row.traits as Record<string, unknown>
        const keys = [...new Set([...Object.keys(stored), ...Object.keys(fresh)])].filter(
          (k) => !isDeepEqual(stored[k], (fresh as Record<string, unknown>)[k])
        )
        traitsOff.push(
          `${id} (${keys.map((k) => `${k}: ${JSON.stringify(stored[k])} → ${JSON.stringify((fresh as Record<string, unknown>)[k])}`).join(', ')})`
        )
      }
    }
  }

  const list = (items: string[]) => (items.length ? ` e.g. ${items.slice(0, 3).join('; ')}` : '')
  const fmtMap = (m: Map<string, number>) =>
    [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'
  console.log('')
  console.log(`npm run chaos  (seed ${seed}, ${elapsed()} s)`)
  console.log(
    `faults         worker SIGKILLed ${importKilled}× during the import, ${workerKills - importKilled}× during the storm; database cut ${cutSeconds} s; worker starts refused while it was cut ${failedStarts}; unexpected exits ${unexpectedExits.length}`
  )
  console.log(
    `storm          ${total} updates in ${stormWall.toFixed(1)} s (${(total / stormWall).toFixed(0)}/s); update errors: ${fmtMap(mutationErrors)}`
  )
  console.log(`events sent    ${sent.size}  (deliveries ${deliveries.length}, incl. retries)`)
  console.log(
    `acknowledged   ${acknowledged.size}  (${failedFirst.size} needed a retry; failed answers: ${fmtMap(answers)})`
  )
  console.log(
    `applied        ${applied}  (${fmtMap(outcomes)}; stale after a retry ${retriedStale})`
  )
  console.log(`lost           ${lost.length + (sent.size - acknowledged.size)}${list(lost)}`)
  console.log(`applied twice  ${appliedTwice.length}${list(appliedTwice)}`)
  console.log(
    `objects        ${mirror.reduce((n, m) => n + m.expected, 0)} at the emulator, ${objectsOff} differ${list(
      mirror
        .filter((m) => m.missing.length + m.extra.length + m.differing.length > 0)
        .map(
          (m) =>
            `${m.type}: ${m.missing.length} missing, ${m.extra.length} extra, ${m.differing.length} differ (${[...m.missing, ...m.differing].slice(0, 2).join(' ')})`
        )
    )}`
  )
  console.log(
    `traits         ${ids.length} customers, ${traitsOff.length} differ from a recompute${list(traitsOff)}`
  )
  for (const e of unexpectedExits) console.log(`unexpected exit: ${e}`)
  if (lost.length > 0) problems.push(`${lost.length} events lost`)
  if (sent.size !== acknowledged.size)
    problems.push(`${sent.size - acknowledged.size} events never acknowledged`)
  if (appliedTwice.length > 0) problems.push(`${appliedTwice.length} applied twice`)
  if (objectsOff > 0) problems.push(`${objectsOff} objects differ from the emulator's`)
  if (traitsOff.length > 0) problems.push(`${traitsOff.length} customers' traits differ`)
  if (unexpectedExits.length > 0) problems.push(`${unexpectedExits.length} unexpected exits`)
  console.log(problems.length ? `FAILED: ${problems.join('; ')}` : 'OK: 0 lost, 0 applied twice')
} catch (err) {
  problems.push(String(err))
  console.error(err)
  if (worker) console.error(`worker output:\n${worker.recentOutput().slice(-4000)}`)
} finally {
  unexpectedExits.length = 0
  if (web) killedByUs.add(web)
  for (const p of [worker, web]) if (p) await stopBackendProcess(p).catch(() => {})
  await database?.close().catch(() => {})
  await proxy.close()
  await emulatorServer.close()
  if (env.CHAOS_KEEP_DB) console.log(`kept database ${direct.toString()}`)
  else await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {})
  await admin.end({ timeout: 2 })
}
process.exit(problems.length > 0 ? 1 : 0)
