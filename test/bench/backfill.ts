// bench:backfill — the import of a big account, end to end. The emulator (own process) holds a live
// merchant seeded with 100,000 customers and their subscriptions, invoices, charges and payment
// methods, answers each request after 50 ms and enforces live limits (100 req/s per account, 25 per
// endpoint). The backend runs as `npm start` does (own process, real Postgres in a fresh database)
// and imports through POST /api/v1/sync/import.
//
// Prints objects/s, wall time, the lower bound no client can beat — max(requests ÷ 100, requests
// to the busiest endpoint ÷ 25) seconds, from the emulator's counters — wall ÷ bound, the
// backend's peak RSS and the 429s it received. Targets: wall ≤ 1.15 × bound, peak RSS ≤ 300 MB.
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { createSecretBox } from '../../backend/src/crypto/secret-box'
import { extensionHeaders } from '../support/signing'
import type { Counters } from '@holdfast/stripe-emulator'

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000)
const limitGlobal = Number(process.env.BENCH_LIMIT_GLOBAL ?? 100)
const limitEndpoint = Number(process.env.BENCH_LIMIT_ENDPOINT ?? 25)
const appSecret = 'absec_bench_' + randomBytes(12).toString('hex')
const encryptionKey = randomBytes(32)
const mib = (bytes: number) => bytes / 1024 / 1024

const dbName = `hf_bench_${randomBytes(4).toString('hex')}`
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
await admin.unsafe(`create database ${dbName}`)
const dbUrl = new URL(adminUrl)
dbUrl.pathname = `/${dbName}`

let emulator: ChildProcess | undefined
let backend: ChildProcess | undefined
let sql: postgres.Sql | undefined

type Ready = { url: string; accountId: string; secretKey: string; seeded: Record<string, number> }

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string } & T) => {
      if (m.type !== type) return
      child.off('message', onMessage)
      resolve(m)
    }
    child.on('message', onMessage)
    child.send({ type })
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** CPU seconds a process has used (user + system, Linux). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

/** Peak and current resident set of a process (Linux). */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+) kB`))?.[1] ?? 0)
  return { peak: kb('VmHWM') * 1024, now: kb('VmRSS') * 1024 }
}

/**
 * Requests per second per endpoint (the large list endpoints; the rest as "other"), backend CPU
 * share and RSS, per `step` seconds of the run: shows idle phases against the 100/s and 25/s limits.
 */
function printTimeline(
  samples: Array<{ t: number; byEndpoint: Record<string, number>; cpu: number; rss: number }>,
  cpuStart: number,
  step: number
) {
  if (step <= 0 || samples.length === 0) return
  const short = (e: string) =>
    e.replace(/^GET \/v1\//, '').replace(/\/:id\/payment_methods$/, '/:id/pm')
  const last = samples.at(-1)!.byEndpoint
  const columns = Object.entries(last)
    .filter(([, n]) => n >= 200)
    .sort((a, b) => b[1] - a[1])
    .map(([e]) => e)
  const width = Math.max(7, ...columns.map((e) => short(e).length + 1))
  console.log(
    `time-line (req/s per ${step} s):  ${'t'.padStart(5)} ${'all'.padStart(5)}${columns.map((e) => short(e).padStart(width)).join('')}${'other'.padStart(7)}  backend CPU  RSS`
  )
  let prev = { t: 0, byEndpoint: {} as Record<string, number>, cpu: cpuStart, rss: 0 }
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    if (s.t - prev.t < step - 0.25 && i < samples.length - 1) continue
    const dt = s.t - prev.t
    const delta = (e: string) => ((s.byEndpoint[e] ?? 0) - (prev.byEndpoint[e] ?? 0)) / dt
    const all = Object.keys(s.byEndpoint).reduce((n, e) => n + delta(e), 0)
    const shown = columns.reduce((n, e) => n + delta(e), 0)
    console.log(
      `                               ${s.t.toFixed(0).padStart(5)} ${all.toFixed(0).padStart(5)}${columns.map((e) => delta(e).toFixed(1).padStart(width)).join('')}${(all - shown).toFixed(1).padStart(7)}  ${((100 * (s.cpu - prev.cpu)) / dt).toFixed(0).padStart(9)} %  ${mib(s.rss).toFixed(0)} MB`
    )
    prev = s
  }
}

const loadBefore = loadavg()
try {
  // 1. The emulator, seeded, in its own process.
  const seedStarted = performance.now()
  emulator = fork(fileURLToPath(new URL('./backfill-emulator.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_CUSTOMERS: String(customers) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<Ready>((resolve, reject) => {
    emulator!.once('message', (m: Ready) => resolve(m))
    emulator!.once('exit', (code) => reject(new Error(`emulator exited (${code})`)))
  })
  const seedSeconds = (performance.now() - seedStarted) / 1000

  // 2. The backend, as `npm start` runs it, on a fresh Postgres database.
  const main = fileURLToPath(new URL('../../backend/src/main.ts', import.meta.url))
  // The flags `npm start` / `npm run serve` give the service (package.json): a smaller young
  // generation keeps the import's peak RSS ~35 MB lower for ~1–2 more backend CPU-seconds.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '--max-semi-space-size=4')
    .split(' ')
    .filter(Boolean)
  const port = await freePort()
  backend = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', main], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.toString(),
      PORT: String(port),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      STRIPE_API_URL: ready.url,
      STRIPE_APP_SECRET: appSecret,
      HOLDFAST_ENCRYPTION_KEY: encryptionKey.toString('base64'),
      SYNC_RATE_LIMIT_LIVE: String(limitGlobal),
      SYNC_RATE_LIMIT_PER_ENDPOINT: String(limitEndpoint),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  backend.stdout!.on('data', (d) => {
    if (process.env.BENCH_VERBOSE || process.env.BENCH_BACKEND_LOG) process.stderr.write(d)
    out = (out + d).slice(-10_000)
  })
  const baseUrl = `http://127.0.0.1:${port}`
  const exited = new Promise<never>((_, reject) =>
    backend!.once('exit', (code) => reject(new Error(`backend exited (${code}): ${out}`)))
  )
  for (;;) {
    const up = await Promise.race([
      fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false
      ),
      exited,
    ])
    if (up) break
    await new Promise((r) => setTimeout(r, 100))
  }

  // 3. The merchant's installation: an account and its key, sealed as the service does.
  sql = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} })
  const box = createSecretBox(encryptionKey)
  await sql`insert into accounts (account_id, livemode, status, connection)
            values (${ready.accountId}, true, 'active', 'api_key')`
  await sql`insert into credentials (account_id, livemode, kind, api_key_enc)
            values (${ready.accountId}, true, 'restricted_key', ${box.seal(ready.secretKey)})`
  const signed = () => ({
    ...extensionHeaders(
      { accountId: ready.accountId, userId: 'usr_bench', mode: 'live' },
      appSecret
    ),
    'content-type': 'application/json',
  })

  // 4. Import, watching health once a second.
  await ask(emulator, 'reset')
  const rssBefore = memoryOf(backend.pid!)
  const postgresPids = async () =>
    (await sql!`select pid from pg_stat_activity where datname = ${dbName}`).map((r) =>
      Number(r.pid)
    )
  const cpu = () => ({
    backend: cpuOf(backend!.pid!),
    emulator: cpuOf(emulator!.pid!),
  })
  const cpuBefore = cpu()
  let cpuAtEnd = cpuBefore
  let postgresCpu = 0
  const pgCpuBefore = new Map<number, number>()
  const started = performance.now()
  const res = await fetch(`${baseUrl}/api/v1/sync/import`, {
    method: 'POST',
    headers: signed(),
    body: JSON.stringify({ choice: 'existing' }),
  })
  if (res.status !== 202) throw new Error(`import answered ${res.status}: ${await res.text()}`)
  const { runId } = (await res.json()) as { runId: string }
  let peakRss = 0
  let sampledRss = 0
  // Time-line: the emulator's counters, the backend's CPU and RSS, sampled every 0.5 s.
  const samples: Array<{
    t: number
    byEndpoint: Record<string, number>
    cpu: number
    rss: number
  }> = []
  for (;;) {
    await new Promise((r) => setTimeout(r, 500))
    const rssNow = memoryOf(backend.pid!).now
    sampledRss = Math.max(sampledRss, rssNow)
    samples.push({
      t: (performance.now() - started) / 1000,
      byEndpoint: (await ask<{ counters: Counters }>(emulator, 'counters')).counters.byEndpoint,
      cpu: cpuOf(backend.pid!),
      rss: rssNow,
    })
    for (const pid of await postgresPids())
      if (!pgCpuBefore.has(pid)) pgCpuBefore.set(pid, cpuOf(pid))
    const [run] = await sql`select state from sync_runs where id = ${runId}`
    if (run && !['pending', 'running'].includes(run.state as string)) {
      // Measured now: after the run the service rebuilds traits, which is not the import.
      cpuAtEnd = cpu()
      for (const [pid, before] of pgCpuBefore) postgresCpu += Math.max(0, cpuOf(pid) - before)
      peakRss = Math.max(peakRss, memoryOf(backend.pid!).peak)
      break
    }
    if (process.env.BENCH_VERBOSE) {
      const h = await fetch(`${baseUrl}/api/v1/sync`, { headers: signed() })
      const body = (await h.json()) as { import?: { progress: number } }
      process.stderr.write(
        `  ${((performance.now() - started) / 1000).toFixed(0)} s: ${body.import?.progress}%\n`
      )
    }
  }
  const [timing] = await sql`
    select state, extract(epoch from finished_at - started_at)::float8 as seconds
    from sync_runs where id = ${runId}`
  const clientWall = (performance.now() - started) / 1000
  const wall = Number(timing!.seconds)
  const counters = (await ask<{ counters: Counters }>(emulator, 'counters')).counters
  const cpuAfter = cpuAtEnd
  const h = await fetch(`${baseUrl}/api/v1/sync`, { headers: signed() })
  const health = (await h.json()) as {
    state: string
    objects: Array<{ type: string; held: number; state: string }>
  }

  const objects = health.objects.reduce((n, o) => n + o.held, 0)
  const busiest = Object.entries(counters.byEndpoint).sort((a, b) => b[1] - a[1])[0] ?? ['-', 0]
  const bound = Math.max(counters.requests / limitGlobal, busiest[1] / limitEndpoint)
  const ratio = wall / bound
  const fmt = (n: number, d = 1) => n.toFixed(d)
  console.log(
    `bench:backfill  ${customers.toLocaleString('en-US')} customers (seeded in ${fmt(seedSeconds)} s), 50 ms latency, limits ${limitGlobal}/s per account and ${limitEndpoint}/s per endpoint, Postgres`
  )
  console.log(`run ${timing!.state}; per type held:`)
  for (const o of health.objects)
    console.log(`  ${o.type.padEnd(18)} ${String(o.held).padStart(8)}  ${o.state}`)
  console.log('requests by endpoint:')
  for (const [endpoint, n] of Object.entries(counters.byEndpoint).sort((a, b) => b[1] - a[1]))
    console.log(
      `  ${endpoint.padEnd(40)} ${String(n).padStart(6)}  (${fmt(n / limitEndpoint)} s at ${limitEndpoint}/s)`
    )
  printTimeline(samples, cpuBefore.backend, Number(process.env.BENCH_TIMELINE_SECONDS ?? 5))
  console.log(`objects imported      ${objects.toLocaleString('en-US')}`)
  console.log(`wall time             ${fmt(wall)} s (client-observed ${fmt(clientWall)} s)`)
  console.log(`objects/s             ${fmt(objects / wall, 0)}`)
  console.log(`requests              ${counters.requests} (429s received: ${counters.rateLimited})`)
  console.log(
    `lower bound           ${fmt(bound)} s = max(${counters.requests} ÷ ${limitGlobal}, ${busiest[1]} [${busiest[0]}] ÷ ${limitEndpoint})`
  )
  console.log(
    `wall ÷ bound          ${fmt(ratio, 3)}  (target ≤ 1.15: ${ratio <= 1.15 ? 'met' : 'NOT met'})`
  )
  console.log(
    `backend peak RSS      ${fmt(mib(peakRss), 0)} MB (VmHWM; highest sampled every 0.5 s ${fmt(mib(sampledRss), 0)} MB; at start ${fmt(mib(rssBefore.now), 0)} MB; target ≤ 300 MB: ${mib(peakRss) <= 300 ? 'met' : 'NOT met'})`
  )
  console.log(`429s received         ${counters.rateLimited}`)
  console.log(
    `CPU seconds           backend ${fmt(cpuAfter.backend - cpuBefore.backend)}, emulator ${fmt(cpuAfter.emulator - cpuBefore.emulator)}, Postgres ≥ ${fmt(postgresCpu)} (${availableParallelism()} cores; load average before ${loadBefore.map((l) => l.toFixed(1)).join(' ')})`
  )
  console.log(
    '@stripe/sync-engine   not run here (it has no host option; pointing it at the emulator means patching its client: see README, Benchmarks)'
  )
} finally {
  if (backend && backend.exitCode === null) {
    backend.kill('SIGTERM')
    await new Promise((r) => backend!.once('exit', r))
  }
  if (emulator && emulator.exitCode === null) {
    emulator.kill('SIGTERM')
    await new Promise((r) => emulator!.once('exit', r))
  }
  await sql?.end({ timeout: 2 })
  if (process.env.BENCH_KEEP_DB) console.log(`kept database ${dbUrl.toString()}`)
  else await admin.unsafe(`drop database if exists ${dbName} with (force)`)
  await admin.end({ timeout: 2 })
}
