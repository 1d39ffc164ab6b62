// Starts `npm start` exactly as a newcomer does (no configuration: PGlite + emulator demo) and checks
// that the demo merchant reaches "synced" with segment counts matching the emulator's own data, then
// that `npm run demo:act` (demo/src/act.ts, what the start banner tells a newcomer to try) exits 0
// against it: the run that once ended in a 409 on a three-item subscription (issue 16).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Stripe from 'stripe'
import { afterEach, expect, test } from 'vitest'
import { testDbKind } from '../support/test-database'

const start = fileURLToPath(new URL('../../demo/src/start.ts', import.meta.url))
const act = fileURLToPath(new URL('../../demo/src/act.ts', import.meta.url))
let cleanup: Array<() => void> = []
afterEach(() => {
  for (const fn of cleanup.reverse()) fn()
  cleanup = []
})

type Ready = {
  accountId: string
  synced: boolean
  customers: number
  segments: Array<{ key: string | null; name: string; members: number }>
  emulatorUrl: string
  merchantKey: string
}

test.runIf(testDbKind() === 'pglite')(
  'npm start with no configuration: the demo merchant is synced and its segments match the emulator',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-demo-'))
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const child = spawn(process.execPath, ['--import', 'tsx', start], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        EMULATOR_PORT: '0',
        HOLDFAST_DATA_DIR: dataDir,
        DEMO_CUSTOMERS: '150',
        DEMO_TRICKLE_MS: '3600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    cleanup.push(() => child.kill('SIGKILL'))
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d
        const line = out.split('\n').find((l) => l.includes('"msg":"demo ready"'))
        if (line) resolve(JSON.parse(line) as Ready)
      })
      child.on('exit', (code) => reject(new Error(`demo exited (${code}): ${err || out}`)))
    })
    expect(out).toContain('installed through OAuth')
    // The preview URL is printed first and serves the frame around the app's views.
    const previewUrl = /preview {3}(http:\/\/127\.0\.0\.1:\d+\/preview\/)#customer\/cus_\w+/.exec(
      out
    )?.[1]
    expect(previewUrl, out).toBeTruthy()
    const page = await fetch(previewUrl!)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/preview/host.js')
    expect((await fetch(new URL('host.js', previewUrl))).status).toBe(200)
    expect(ready.synced).toBe(true)

    // The emulator's truth, read through the real stripe package.
    const url = new URL(ready.emulatorUrl)
    const stripe = new Stripe(ready.merchantKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
    })
    const customers: Stripe.Customer[] = []
    for await (const c of stripe.customers.list({ limit: 100 })) customers.push(c)
    const subs: Stripe.Subscription[] = []
    for await (const s of stripe.subscriptions.list({ limit: 100, status: 'all' })) subs.push(s)
    // "The" subscription of a customer: the newest live one (active, past_due, trialing), else the newest.
    const chosen = new Map<string, Stripe.Subscription>()
    const live = new Set(['active', 'past_due', 'trialing'])
    const better = (x: Stripe.Subscription, y: Stripe.Subscription) =>
      live.has(x.status) !== live.has(y.status)
        ? live.has(x.status)
        : x.created !== y.created
          ? x.created > y.created
          : x.id > y.id
    for (const s of subs) {
      const owner = typeof s.customer === 'string' ? s.customer : s.customer.id
      const held = chosen.get(owner)
      if (!held || better(s, held)) chosen.set(owner, s)
    }
    const count = (...statuses: string[]) =>
      [...chosen.values()].filter((s) => statuses.includes(s.status)).length
    const expected: Record<string, number> = {
      all_customers: customers.length,
      active_subscribers: count('active'),
      current_trials: count('trialing'),
      customers: count('active', 'past_due'),
      churned: count('canceled', 'incomplete_expired', 'unpaid'),
      past_due: count('past_due'),
    }
    const actual = Object.fromEntries(
      ready.segments.filter((s) => s.key && s.key in expected).map((s) => [s.key, s.members])
    )
    expect(ready.customers).toBe(customers.length)
    expect(actual).toEqual(expected)
    // Money by each currency's exponent: the seed has JPY prices, and ¥ amounts have no decimals.
    expect(out).not.toMatch(/\d\.\d+ JPY|¥[\d,]*\.\d/)

    // `npm run demo:act` runs `tsx src/act.ts` with the same environment (the data folder).
    const acted = spawn(process.execPath, ['--import', 'tsx', act], {
      env: { PATH: process.env.PATH ?? '', HOLDFAST_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    cleanup.push(() => acted.kill('SIGKILL'))
    let actOut = ''
    let actErr = ''
    acted.stdout.on('data', (d) => (actOut += d))
    acted.stderr.on('data', (d) => (actErr += d))
    const actCode = await new Promise((r) => acted.once('exit', r))
    expect(actCode, `${actErr}\n${actOut}`).toBe(0)
    expect(actOut).toContain('Offer created by an administrator')
    expect(actOut).toMatch(/Paused collection for a month: /)
    expect(actOut).toMatch(/Applied "Stay with us: 20% off for 3 months": /)
    expect(actOut).toMatch(/Plan change preview for .*: due now /)
    expect(actOut).toMatch(/Changed plan \(\d+ items?\): /)
    // The audit trail lists the three actions, succeeded, newest first.
    expect(actOut).toMatch(/change_plan\s+sub_\w+\s+succeeded/)
    expect(actOut).toMatch(/apply_discount\s+sub_\w+\s+succeeded/)
    expect(actOut).toMatch(/pause_collection\s+sub_\w+\s+succeeded/)
    expect(actOut).toContain('Outcome summary: ')
    expect(actOut).not.toMatch(/\d\.\d+ JPY|¥[\d,]*\.\d/)

    child.kill('SIGTERM')
    expect(await new Promise((r) => child.once('exit', r))).toBe(0)
  },
  180_000
)
