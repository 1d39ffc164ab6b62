// The import: after install, our copy equals Stripe's (the emulator's state), object for object;
// health tells the truth per object type.
import { afterEach, expect, test } from 'vitest'
import { saveApiKey } from '../../backend/src/accounts/credentials'
import { syncTasks } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { emulatorObjects, unlistable } from '../support/mirror'
import { waitFor } from '../support/wait'
import {
  emulatorCounts,
  expectMirrors,
  heldObjects,
  installSeeded,
  listedCounts,
  runsOf,
  syncTestEnv,
  waitForRun,
} from './support/kit'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('install imports everything: equal to the emulator object for object, health done', async () => {
  h = await startHarness({ emulator: true, env: syncTestEnv })
  const merchant = await installSeeded(h, { customers: 250, seed: 3 })
  const run = await waitForRun(h, merchant.scope)
  expect(run.state).toBe('done')
  await expectMirrors(h, merchant)

  // Each object listed once: tasks split and resumed, but no page was counted twice.
  const expected = emulatorCounts(h.emulator!, merchant.accountId, 'test')
  expect(await listedCounts(h.db(), run.id)).toEqual(expected)

  const health = await h.as(merchant).get('/api/v1/sync')
  expect(health.status).toBe(200)
  expect(health.body).toMatchObject({
    state: 'done',
    done: true,
    import: { state: 'done', choice: 'existing', progress: 100 },
  })
  const cards = emulatorObjects(h.emulator!, merchant.accountId, 'test').payment_method!.size
  const unlisted = unlistable(h.emulator!, merchant.accountId, 'test').size
  for (const o of health.body.objects) {
    expect(o.state).toBe('done')
    expect(o.failures).toEqual([])
    if (o.type === 'payment_method') {
      // The defaults, which ride in customer and subscription pages (a card may be seen twice).
      expect(o.held).toBe(cards - unlisted)
      continue
    }
    expect(o.held).toBe(expected[o.type] ?? 0)
    expect(o.atStripe).toBe(expected[o.type] ?? 0)
  }

  // The run in detail (several windows per big type, all done).
  const detail = await h.as(merchant).get(`/api/v1/sync/runs/${run.id}`)
  expect(detail.status).toBe(200)
  expect(detail.body.tasks.length).toBeGreaterThan(9)
  expect(detail.body.tasks.every((t: { state: string }) => t.state === 'done')).toBe(true)
})

test('a second import request while one runs returns the running one', async () => {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const merchant = await installSeeded(h, { customers: 20 })
  const first = await h.as(merchant).post('/api/v1/sync/import', { choice: 'existing' })
  const second = await h.as(merchant).post('/api/v1/sync/import', {})
  expect(first.status).toBe(202)
  expect(second.body).toMatchObject({ runId: first.body.runId, started: false })
})

test('"only changes from now on" imports nothing and health says so', async () => {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const merchant = await installSeeded(h, { customers: 30 })
  const res = await h.as(merchant).post('/api/v1/sync/import', { choice: 'changes_only' })
  expect(res.status).toBe(202)
  expect(res.body).toMatchObject({ started: true, state: 'done' })
  const health = await h.as(merchant).get('/api/v1/sync')
  expect(health.body).toMatchObject({
    state: 'changes_only',
    done: true,
    import: { choice: 'changes_only' },
  })
  expect(health.body.objects.every((o: { state: string }) => o.state === 'skipped')).toBe(true)
  expect(health.body.objects.find((o: { type: string }) => o.type === 'customer').held).toBe(0)
})

test('default payment methods come inside the customer and subscription pages: no payment-method list', async () => {
  h = await startHarness({ emulator: true, env: syncTestEnv })
  const merchant = await installSeeded(h, { customers: 120, seed: 5 })
  const run = await waitForRun(h, merchant.scope)
  expect(run.state).toBe('done')
  await expectMirrors(h, merchant)
  const requests = h.emulator!.counters().byEndpoint
  expect(Object.keys(requests).filter((e) => e.includes('payment_methods'))).toEqual([])
  // Stored as ids, the shape webhooks carry.
  const customers = [...(await heldObjects(h.db(), merchant.scope, 'customer')).values()]
  expect(customers.some((c) => typeof c.invoice_settings.default_payment_method === 'string')).toBe(
    true
  )
})

test('a type Stripe refuses fails with its reason; health never says done', async () => {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const em = h.emulator!
  const account = em.createAccount({})
  em.seed(account.id, 'test', { customers: 40 })
  // A key without charge access, saved as-is (the settings check would have refused it).
  const key = em.createRestrictedKey(account.id, 'test', {
    customers: 'read',
    subscriptions: 'read',
    products: 'read',
    prices: 'read',
    coupons: 'read',
    promotion_codes: 'read',
    invoices: 'read',
    payment_methods: 'read',
    events: 'read',
  })
  const scope = { accountId: account.id, livemode: false }
  await saveApiKey(h.deps, scope, key)
  await h.queue.send('sync-task', { kind: 'initial-import', ...scope })
  const { startSyncRunner } = await import('../../backend/src/sync/backfill-runner')
  const runner = startSyncRunner(h.deps, { workers: 4 })
  try {
    const run = await waitForRun(h, scope)
    expect(run.state).toBe('failed')
    expect(run.error).toContain('charge')
  } finally {
    await runner.stop()
  }
  const health = await h.as({ accountId: account.id }).get('/api/v1/sync')
  expect(health.body.state).toBe('failed')
  expect(health.body.done).toBe(false)
  const charge = health.body.objects.find((o: { type: string }) => o.type === 'charge')
  expect(charge.state).toBe('failed')
  expect(charge.failures[0]).toMatchObject({ retrying: false, during: 'import' })
  expect(charge.failures[0].reason).toMatch(/permission|charge/i)
  const customer = health.body.objects.find((o: { type: string }) => o.type === 'customer')
  expect(customer.state).toBe('done')
})

test('disconnecting during the import stops it: tasks canceled, data purged, nothing written after', async () => {
  h = await startHarness({ emulator: true, env: syncTestEnv })
  h.emulator!.faults.setLatency({ fixedMs: 30 })
  const merchant = await installSeeded(h, { customers: 200, seed: 6 })
  await waitFor(async () => (await heldObjects(h!.db(), merchant.scope, 'customer')).size > 0, {
    what: 'the import under way',
  })
  expect((await h.as(merchant).post('/api/v1/account/disconnect')).status).toBe(200)
  // Test mode has no grace period: the purge follows at once.
  const gone = async () =>
    (await runsOf(h!.db(), merchant.scope)).length === 0 &&
    (await heldObjects(h!.db(), merchant.scope, 'customer')).size === 0 &&
    (await h!.db().select().from(syncTasks)).length === 0
  await waitFor(gone, { what: 'the account purged' })
  // A page in flight when the tasks were canceled must not write anything afterwards.
  await new Promise((r) => setTimeout(r, 1_500))
  expect(await gone()).toBe(true)
  for (const type of ['subscription', 'invoice', 'charge', 'payment_method'])
    expect((await heldObjects(h.db(), merchant.scope, type)).size).toBe(0)
})

test('while importing, health says importing with progress per type, never done', async () => {
  h = await startHarness({ emulator: true, env: syncTestEnv })
  h.emulator!.faults.setLatency({ fixedMs: 25 })
  const merchant = await installSeeded(h, { customers: 250, seed: 12 })
  let midway: { state: string; done: boolean; import: { progress: number } } | undefined
  await waitFor(
    async () => {
      const body = (await h!.as(merchant).get('/api/v1/sync')).body
      const progress = body.import?.progress
      if (body.state === 'importing' && progress > 10 && progress < 90) midway = body
      return midway !== undefined || body.state === 'done'
    },
    { what: 'health midway', intervalMs: 100 }
  )
  expect(midway).toBeDefined()
  expect(midway!.done).toBe(false)
  const customer = (
    midway as unknown as { objects: Array<{ type: string; progress: number }> }
  ).objects.find((o) => o.type === 'customer')!
  expect(customer.progress).toBeGreaterThan(0)
  await waitForRun(h, merchant.scope)
  const after = (await h.as(merchant).get('/api/v1/sync')).body
  expect(after).toMatchObject({ state: 'done', done: true, import: { progress: 100 } })
})
