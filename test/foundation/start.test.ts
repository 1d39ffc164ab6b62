// Starts the service the way `npm start` does (node + tsx on backend/src/main.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test } from 'vitest'
import { accounts, stripeCustomers, stripeEvents } from '../../backend/src/db/schema'
import { eventFor, signWebhook, testWebhookSecret } from '../support/signing'
import { createTestDatabase, testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'

const main = fileURLToPath(new URL('../../backend/src/main.ts', import.meta.url))
let cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
})

type Started = {
  child: ChildProcess
  url: Promise<string>
  exit: Promise<number | null>
  stderr: () => string
}

function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d
      const match = stdout.match(/"msg":"listening","url":"([^"]+)"/)
      if (match) resolve(match[1]!)
      if (stdout.includes('"msg":"worker ready"')) resolve('') // a worker serves no HTTP
    })
    child.on('exit', () => reject(new Error(`exited before listening: ${stderr}`)))
  })
  url.catch(() => {})
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  return { child, url, exit, stderr: () => stderr }
}

test('a bad configuration exits non-zero with one clear line', async () => {
  const started = startMain({ DATABASE_URL: 'nonsense', PORT: 'eighty' })
  expect(await started.exit).toBe(1)
  const lines = started.stderr().trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^holdfast: Invalid configuration: /)
  expect(lines[0]).toContain('PORT must be a port number')
  expect(lines[0]).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL')
})

test.runIf(testDbKind() === 'pglite')(
  'with no DATABASE_URL it serves /healthz on PGlite and stops cleanly on SIGTERM',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-start-'))
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }))
    const started = startMain({ HOLDFAST_DATA_DIR: dataDir })
    const url = await started.url
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, db: true })

    started.child.kill('SIGTERM')
    expect(await started.exit).toBe(0)
  }
)

test.runIf(testDbKind() === 'postgres')(
  'two processes starting at the same moment on one Postgres both come up',
  async () => {
    const testDb = await createTestDatabase()
    cleanup.push(() => testDb.drop())
    if (testDb.target.kind !== 'postgres') throw new Error('unreachable')
    const env = { DATABASE_URL: testDb.target.url }
    const [a, b] = [startMain(env), startMain(env)]
    for (const started of [a, b]) {
      const res = await fetch(`${await started.url}/healthz`)
      expect(await res.json()).toEqual({ ok: true, db: true })
    }
    for (const started of [a, b]) {
      started.child.kill('SIGTERM')
      expect(await started.exit).toBe(0)
    }
  }
)

test.runIf(testDbKind() === 'postgres')(
  'split roles: a web process stores webhooks, a worker process (no HTTP) applies them',
  async () => {
    const testDb = await createTestDatabase()
    cleanup.push(() => testDb.drop())
    if (testDb.target.kind !== 'postgres') throw new Error('unreachable')
    const env = {
      DATABASE_URL: testDb.target.url,
      STRIPE_WEBHOOK_SECRETS_LIVE: testWebhookSecret,
      HOLDFAST_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    }
    const web = startMain({ ...env, HOLDFAST_ROLE: 'web' })
    const webUrl = await web.url
    const database = await testDb.open()
    cleanup.push(() => database.close())
    const db = database.db
    await db.insert(accounts).values({
      accountId: 'acct_1SplitRoles',
      livemode: false,
      status: 'active',
      connection: 'oauth',
    })
    const event = eventFor(
      'customer.created',
      { id: 'cus_split', object: 'customer', created: 1_760_000_000, email: 'split@example.com' },
      { account: 'acct_1SplitRoles' }
    )
    const body = JSON.stringify(event)
    const answer = await fetch(`${webUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(body) },
      body,
    })
    expect(answer.status).toBe(200)
    // The web process stored it and applies nothing.
    const [stored] = await db.select().from(stripeEvents)
    expect(stored).toMatchObject({ id: event.id, processedAt: null, attempts: 0 })

    const worker = startMain({ ...env, HOLDFAST_ROLE: 'worker' })
    expect(await worker.url).toBe('')
    // The customer row and the event's outcome are written in separate steps: wait for the last.
    await waitFor(async () => (await db.select().from(stripeEvents))[0]?.outcome === 'applied', {
      what: 'the worker to apply the event',
    })
    const [applied] = await db.select().from(stripeEvents)
    expect(applied).toMatchObject({ outcome: 'applied', attempts: 1 })
    expect(await db.select().from(stripeCustomers)).toHaveLength(1)
    for (const started of [web, worker]) {
      started.child.kill('SIGTERM')
      expect(await started.exit).toBe(0)
    }
  }
)
