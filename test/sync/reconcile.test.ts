// Reconciliation finds what the webhooks missed while we were offline: through the Events API
// within 30 days, by a full re-list beyond them, deletes included, and says what it fixed.
import { and, eq, isNotNull } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { stripeCustomers, stripeEvents } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import {
  expectMirrors,
  installSeeded,
  syncTestEnv,
  waitForRun,
  type SeededMerchant,
} from './support/kit'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function importedMerchant(customers: number, seed: number) {
  h = await startHarness({ emulator: true, env: syncTestEnv })
  const merchant = await installSeeded(h, { customers, seed })
  expect((await waitForRun(h, merchant.scope)).state).toBe('done')
  return merchant
}

/** We go offline: the webhooks Stripe sends from now on never reach us. */
function goOffline(h: Harness) {
  h.emulator!.webhooks.configure({ transport: async () => ({ status: 200 }) })
}

async function reconcile(h: Harness, merchant: SeededMerchant) {
  const res = await h.as(merchant).post('/api/v1/sync/reconcile')
  expect(res.status).toBe(202)
  expect(res.body.started).toBe(true)
  const run = await waitForRun(h, merchant.scope, 'reconcile')
  await h.drainer.idle()
  return { run, health: (await h.as(merchant).get('/api/v1/sync')).body }
}

async function tombstoned(h: Harness, merchant: SeededMerchant, id: string) {
  const [row] = await h
    .db()
    .select({ deletedAt: stripeCustomers.deletedAt })
    .from(stripeCustomers)
    .where(
      and(
        eq(stripeCustomers.accountId, merchant.accountId),
        eq(stripeCustomers.livemode, false),
        eq(stripeCustomers.id, id)
      )
    )
  return row?.deletedAt != null
}

test('a customer deleted at Stripe while we were offline becomes a tombstone (Events API)', async () => {
  const merchant = await importedMerchant(60, 21)
  const stripe = h!.stripeAs(merchant.accountId)
  const state = h!.emulator!.account(merchant.accountId, 'test')
  const [gone, renamed] = [...state.customers.values()].map((c) => c.id)
  goOffline(h!)
  h!.emulator!.advance(10)
  await stripe.customers.del(gone!)
  await stripe.customers.update(renamed!, { name: 'Renamed offline' })
  const created = await stripe.customers.create({ email: 'offline@example.com' })
  await h!.emulator!.webhooks.idle()
  expect(await tombstoned(h!, merchant, gone!)).toBe(false)

  const { run, health } = await reconcile(h!, merchant)
  expect(run.state).toBe('done')
  expect(await tombstoned(h!, merchant, gone!)).toBe(true)
  await expectMirrors(h!, merchant)
  // Stored from the Events API and applied like a webhook.
  const fromApi = await h!
    .db()
    .select({ type: stripeEvents.type })
    .from(stripeEvents)
    .where(and(eq(stripeEvents.source, 'events_api'), isNotNull(stripeEvents.processedAt)))
  expect(fromApi.map((e) => e.type)).toEqual(
    expect.arrayContaining(['customer.deleted', 'customer.updated', 'customer.created'])
  )
  expect(health.reconciliation).toMatchObject({ state: 'done', mode: 'events' })
  expect(health.reconciliation.fixed.missedEvents['customer.deleted']).toBeGreaterThanOrEqual(1)
  expect(health.reconciliation.fixed.total).toBeGreaterThanOrEqual(3)
  expect(health.done).toBe(true)
  expect(created.id).toBeTruthy()
})

test('nothing missed: a reconciliation fixes nothing', async () => {
  const merchant = await importedMerchant(200, 22)
  const { run, health } = await reconcile(h!, merchant)
  expect(run.state).toBe('done')
  expect(health.reconciliation.mode).toBe('events')
  expect(health.reconciliation.fixed).toMatchObject({
    missedEvents: {},
    added: {},
    updated: {},
    deleted: {},
    total: 0,
  })
})

test('offline beyond the 30 days of events: a full re-list finds the delete and the drift', async () => {
  const merchant = await importedMerchant(60, 23)
  const stripe = h!.stripeAs(merchant.accountId)
  const state = h!.emulator!.account(merchant.accountId, 'test')
  // Customers without subscriptions: deleting one changes nothing else.
  const [gone, renamed] = [...state.customers.values()]
    .filter((c) => ![...state.subscriptions.values()].some((s) => s.customer === c.id))
    .map((c) => c.id)
  const product = [...state.products.values()][0]!
  goOffline(h!)
  await stripe.customers.del(gone!)
  await stripe.customers.update(renamed!, { name: 'Renamed long ago' })
  await stripe.products.update(product.id, { name: 'Renamed product' })
  await h!.emulator!.webhooks.idle()
  // 31 days later the events of that day are gone from the Events API.
  h!.emulator!.advance(31 * 86_400)

  const { run, health } = await reconcile(h!, merchant)
  expect(run.state).toBe('done')
  expect(health.reconciliation.mode).toBe('full')
  expect(await tombstoned(h!, merchant, gone!)).toBe(true)
  await expectMirrors(h!, merchant)
  // Exactly what drifted, nothing else.
  expect(health.reconciliation.fixed).toMatchObject({
    added: {},
    updated: { customer: 1, product: 1 },
    deleted: { customer: 1 },
  })
  const customerObjects = health.objects.find((o: { type: string }) => o.type === 'customer')
  expect(customerObjects.held).toBe(state.customers.size)
  expect(customerObjects.atStripe).toBe(state.customers.size)
})

test('a subscription item removed and a discount deleted while offline are retired by a full re-list', async () => {
  const merchant = await importedMerchant(80, 24)
  const stripe = h!.stripeAs(merchant.accountId)
  const state = h!.emulator!.account(merchant.accountId, 'test')
  const sub = [...state.subscriptions.values()].find(
    (s) => s.status === 'active' && s.items.data.length >= 2
  )!
  const withDiscount = [...state.subscriptions.values()].find(
    (s) => s.status === 'active' && s.discounts.length > 0 && s.id !== sub.id
  )!
  goOffline(h!)
  const removed = sub.items.data[1]!.id
  await stripe.subscriptions.update(sub.id, {
    items: [{ id: removed, deleted: true }],
    proration_behavior: 'none',
  })
  await stripe.subscriptions.deleteDiscount(withDiscount.id)
  await h!.emulator!.webhooks.idle()
  h!.emulator!.advance(31 * 86_400)

  const { run, health } = await reconcile(h!, merchant)
  expect(run.state).toBe('done')
  await expectMirrors(h!, merchant)
  expect(health.reconciliation.fixed.deleted).toEqual({ subscription_item: 1, discount: 1 })
})

test('the nightly job reconciles every active installation', async () => {
  const merchant = await importedMerchant(20, 25)
  // What pg-boss sends on the schedule: an empty job.
  await h!.queue.send('reconcile', {})
  const run = await waitForRun(h!, merchant.scope, 'reconcile')
  expect(run.state).toBe('done')
  expect((run.summary as { mode?: string }).mode).toBe('events')
})
