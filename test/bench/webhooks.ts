// bench:webhooks — signed events posted over loopback to a real backend process on Postgres at
// rising rates. Prints sustained events/s, p50/p99 time to 2xx, p99 receipt → applied (the event's
// object stored, the customer marked for a refresh) and p99 receipt → traits (the customer's traits,
// segments and stage recomputed by the refresh workers). Every event is a new customer: the most
// expensive refresh. Targets (2-core machine): ≥ 2,000 events/s sustained, p99 ack ≤ 25 ms at
// 500/s, p99 applied ≤ 1 s.
// Two layouts (BENCH_LAYOUTS, default both): `single`, one process doing everything, as `npm start`
// runs; `split`, a web process that only stores events (HOLDFAST_ROLE=web) beside a worker process
// (HOLDFAST_ROLE=worker) that applies them, woken by NOTIFY, at a lower CPU
// priority (BENCH_WORKER_NICE, default 10), as a deployment gives intake priority over background work.
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import Stripe from 'stripe'

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const secret = 'whsec_bench_' + randomBytes(12).toString('hex')
const accountId = 'acct_1BenchWebhooks'
const stepSeconds = Number(process.env.BENCH_STEP_SECONDS ?? 5)
const rates = (process.env.BENCH_RATES ?? '250,500,1000,2000,3000').split(',').map(Number)

const layouts = (process.env.BENCH_LAYOUTS ?? 'single,split').split(',')
for (const layout of layouts) {
  if (layout !== 'single' && layout !== 'split') throw new Error(`unknown layout ${layout}`)
}
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
const main = fileURLToPath(new URL('../../backend/src/main.ts', import.meta.url))

/** Starts one backend process on `dbUrl`; resolves with its URL once it listens. */
async function startBackend(dbUrl: string, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF]
        : []),
      '--import',
      'tsx',
      main,
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        PORT: '0',
        LOG_LEVEL: 'info',
        STRIPE_WEBHOOK_SECRETS_TEST: secret,
        HOLDFAST_ENCRYPTION_KEY: encryptionKey,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  )
  child.stdout!.on('data', (d) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(d)
  })
  const url = await new Promise<URL>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const m = out.match(/"msg":"listening","url":"([^"]+)"/)
      if (m) resolve(new URL(m[1]!))
      if (out.includes('"msg":"worker ready"')) resolve(new URL('http://worker.invalid')) // no HTTP
    })
    child.on('exit', (code) => reject(new Error(`backend exited (${code})`)))
  })
  return { child, url }
}
const workerNice = Number(process.env.BENCH_WORKER_NICE ?? 10)
const encryptionKey = randomBytes(32).toString('base64')
const workerEnv = {
  ...(process.env.WEBHOOK_WORKERS ? { WEBHOOK_WORKERS: process.env.WEBHOOK_WORKERS } : {}),
  ...(process.env.TRAITS_WORKERS ? { TRAITS_WORKERS: process.env.TRAITS_WORKERS } : {}),
}

let baseUrl: URL
let sql: postgres.Sql
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 })
let seq = 0
function nextEvent(): string {
  seq++
  const now = Math.floor(Date.now() / 1000)
  return JSON.stringify({
    id: `evt_bench_${seq}_${randomBytes(4).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: now,
    livemode: false,
    account: accountId,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'customer.updated',
    data: {
      object: {
        id: `cus_bench_${seq}`,
        object: 'customer',
        created: now,
        email: `c${seq}@example.com`,
        name: `Customer ${seq}`,
        metadata: { plan: 'pro' },
      },
      previous_attributes: { name: 'Old' },
    },
  })
}

function post(body: string): Promise<{ ms: number; status: number }> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret })
  const started = performance.now()
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        path: '/webhooks/stripe',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signature,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 })
        )
      }
    )
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0 }))
    req.end(body)
  })
}

const pct = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function waitApplied() {
  for (;;) {
    const [row] = await sql`select count(*)::int as n from stripe_events where processed_at is null`
    if (row!.n === 0) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function waitRefreshed() {
  for (;;) {
    const [row] = await sql`select count(*)::int as n from customer_refresh_queue`
    if (row!.n === 0) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

type StepResult = {
  rate: number
  sent: number
  ok: number
  achieved: number
  p50: number
  p99: number
  appliedP99: number
  traitsP99: number
  drainSeconds: number
  traitsDrainSeconds: number
}

async function runStep(rate: number, seconds = stepSeconds): Promise<StepResult> {
  const firstSeq = seq + 1
  const results: Promise<{ ms: number; status: number }>[] = []
  // Open loop: by each moment, rate × elapsed requests have been started, whatever the answers do.
  const started = performance.now()
  const total = rate * seconds
  while (results.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
    while (results.length < due) results.push(post(nextEvent()))
    await new Promise((r) => setTimeout(r, 2))
  }
  const done = await Promise.all(results)
  const elapsed = (performance.now() - started) / 1000
  const drainStart = performance.now()
  await waitApplied()
  const drainSeconds = (performance.now() - drainStart) / 1000
  await waitRefreshed()
  const traitsDrainSeconds = (performance.now() - drainStart) / 1000
  const lags = await sql`
    select extract(epoch from (e.processed_at - e.received_at)) * 1000 as ms,
      extract(epoch from (t.computed_at - e.received_at)) * 1000 as traits_ms
    from stripe_events e
    left join customer_traits t on t.customer_id = 'cus_bench_' || split_part(e.id, '_', 3)
    where e.id like 'evt_bench_%' and split_part(e.id, '_', 3)::int >= ${firstSeq}`
  const ok = done.filter((r) => r.status === 200)
  return {
    rate,
    sent: done.length,
    ok: ok.length,
    achieved: ok.length / elapsed,
    p50: pct(
      ok.map((r) => r.ms),
      50
    ),
    p99: pct(
      ok.map((r) => r.ms),
      99
    ),
    appliedP99: pct(
      lags.map((r) => Number(r.ms)),
      99
    ),
    traitsP99: pct(
      lags.map((r) => (r.traits_ms === null ? Infinity : Number(r.traits_ms))),
      99
    ),
    drainSeconds,
    traitsDrainSeconds,
  }
}

async function closedLoop(concurrency: number, seconds: number) {
  const started = performance.now()
  let ok = 0
  const latencies: number[] = []
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < seconds * 1000) {
        const r = await post(nextEvent())
        if (r.status === 200) {
          ok++
          latencies.push(r.ms)
        }
      }
    })
  )
  const elapsed = (performance.now() - started) / 1000
  await waitApplied()
  await waitRefreshed()
  return { eventsPerSecond: ok / elapsed, p50: pct(latencies, 50), p99: pct(latencies, 99) }
}

/** One layout on a fresh database: its processes, the rising rates, then a closed loop. */
async function runLayout(layout: 'single' | 'split') {
  const dbName = `hf_bench_${randomBytes(4).toString('hex')}`
  await admin.unsafe(`create database ${dbName}`)
  const dbUrl = new URL(adminUrl)
  dbUrl.pathname = `/${dbName}`
  const processes: ChildProcess[] = []
  let db: postgres.Sql | undefined
  try {
    // The web process (or the only one) migrates first; a worker joins the same database.
    const web = await startBackend(
      dbUrl.toString(),
      layout === 'split' ? { HOLDFAST_ROLE: 'web' } : workerEnv
    )
    processes.push(web.child)
    if (layout === 'split') {
      const worker = await startBackend(dbUrl.toString(), { ...workerEnv, HOLDFAST_ROLE: 'worker' })
      processes.push(worker.child)
      // Intake first: a deployment gives the web process priority over background work.
      if (workerNice > 0) setPriority(worker.child.pid!, workerNice)
    }
    baseUrl = web.url
    sql = db = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} })
    await sql`insert into accounts (account_id, livemode, status, connection) values (${accountId}, false, 'active', 'oauth')`

    // Warm up connections, the JIT (a few thousand calls before V8 optimises the hot paths) and
    // the database, as a service that has been running is: 4 s at 500/s, not reported.
    await runStep(500, 4)
    const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-')
    console.log(
      `bench:webhooks  layout ${layout === 'split' ? `split (web process + worker process at nice ${workerNice})` : 'single (one process)'}, backend on Postgres, ${stepSeconds}s per step, ${process.env.WEBHOOK_WORKERS ?? 'default (4)'} apply workers, ${process.env.TRAITS_WORKERS ?? 'default (4)'} refresh workers`
    )
    console.log(
      'target/s  sent    2xx     achieved/s  p50 ack ms  p99 ack ms  p99 receipt→applied ms  p99 receipt→traits ms  drain s (applied/traits)'
    )
    let sustained = 0
    for (const rate of rates) {
      const r = await runStep(rate)
      console.log(
        `${String(r.rate).padEnd(9)} ${String(r.sent).padEnd(7)} ${String(r.ok).padEnd(7)} ${fmt(r.achieved).padEnd(11)} ${fmt(r.p50).padEnd(11)} ${fmt(r.p99).padEnd(11)} ${fmt(r.appliedP99).padEnd(23)} ${fmt(r.traitsP99).padEnd(22)} ${fmt(r.drainSeconds)}/${fmt(r.traitsDrainSeconds)}`
      )
      if (r.ok === r.sent && r.achieved >= r.rate * 0.95)
        sustained = Math.max(sustained, r.achieved)
    }
    const burst = await closedLoop(64, stepSeconds)
    console.log(
      `closed loop (64 concurrent): ${fmt(burst.eventsPerSecond)} events/s acknowledged, p50 ${fmt(burst.p50)} ms, p99 ${fmt(burst.p99)} ms`
    )
    console.log(`sustained (open loop, all 2xx, ≥95% of target): ${fmt(sustained)} events/s\n`)
  } finally {
    for (const child of processes) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    await db?.end({ timeout: 2 })
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
  }
}

try {
  for (const layout of layouts) await runLayout(layout as 'single' | 'split')
} finally {
  await admin.end({ timeout: 2 })
  agent.destroy()
}
