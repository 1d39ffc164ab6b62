// Applying a webhook marks the customer for a refresh; refresh workers recompute traits off the
// apply path. Marks for one customer fold into one row, a mark that arrives during a refresh is
// not lost, and an event whose first attempt died after writing its object still gets its
// customer refreshed.
import { and, eq } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import {
  accounts,
  customerRefreshQueue,
  customerStages,
  customerTraits,
  segmentMemberships,
  stripeEvents,
  timelineEntries,
} from '../../backend/src/db/schema'
import { refreshCustomer, refreshCustomers } from '../../backend/src/traits/on-customer-changed'
import { applyEvent } from '../../backend/src/sync/apply-event'
import { startEventDrainer } from '../../backend/src/sync/event-drainer'
import { claimEvents } from '../../backend/src/sync/event-store'
import { upsertObjects } from '../../backend/src/sync/upsert-objects'
import {
  claimCustomers,
  finishCustomers,
  markCustomersChanged,
} from '../../backend/src/traits/refresh-queue'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import { eventFor } from '../support/signing'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const accountId = 'acct_1RefreshQueueA'
const scope = { accountId, livemode: false }
const customer = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  object: 'customer',
  created: 1_760_000_000,
  email: `${id}@example.com`,
  name: id,
  metadata: {},
  ...fields,
})

async function install(harness: Harness) {
  await harness
    .db()
    .insert(accounts)
    .values({ ...scope, status: 'active', connection: 'oauth' })
}

async function traitsOf(harness: Harness, customerId: string, account = accountId) {
  const [row] = await harness
    .db()
    .select()
    .from(customerTraits)
    .where(and(eq(customerTraits.accountId, account), eq(customerTraits.customerId, customerId)))
  return row
}

test('a burst of events for one customer leaves one refreshed customer and an empty queue', async () => {
  h = await startHarness()
  await install(h)
  const created = Math.floor(h.deps.now().getTime() / 1000) - 100
  for (let i = 0; i < 30; i++) {
    const event = eventFor('customer.updated', customer('cus_burst', { name: `Name ${i}` }), {
      account: accountId,
      created: created + i,
    })
    expect((await h.postWebhook(event)).status).toBe(200)
  }
  await h.drainer.idle()
  expect(await h.db().select().from(customerRefreshQueue)).toEqual([])
  const row = await traitsOf(h, 'cus_burst')
  expect(row).toBeDefined()
  expect(row!.traits).toMatchObject({ 'customer.name': 'Name 29' })
})

test('a mark that arrives while the customer is being refreshed keeps it queued', async () => {
  // No refresh workers: the test plays the worker.
  h = await startHarness({ env: { TRAITS_WORKERS: '0' } })
  const db = h.db()
  await markCustomersChanged(db, [
    { ...scope, customerId: 'cus_a' },
    { ...scope, customerId: 'cus_b' },
    { ...scope, customerId: 'cus_a' },
  ])
  const first = await claimCustomers(db, 10)
  expect(first.map((c) => [c.customerId, c.version]).sort()).toEqual([
    ['cus_a', 1],
    ['cus_b', 1],
  ])
  // Claimed rows are not handed to a second worker.
  expect(await claimCustomers(db, 10)).toEqual([])

  // cus_a changes again mid-refresh.
  await markCustomersChanged(db, [{ ...scope, customerId: 'cus_a' }])
  await finishCustomers(db, first)
  const left = await db.select().from(customerRefreshQueue)
  expect(left.map((r) => [r.customerId, r.version, r.claimedUntil])).toEqual([['cus_a', 2, null]])

  const again = await claimCustomers(db, 10)
  expect(again.map((c) => [c.customerId, c.version])).toEqual([['cus_a', 2]])
  await finishCustomers(db, again)
  expect(await db.select().from(customerRefreshQueue)).toEqual([])
})

test('an event whose first attempt died after writing its object still refreshes its customer', async () => {
  h = await startHarness({ env: { WEBHOOK_WORKERS: '0', TRAITS_WORKERS: '0' } })
  await install(h)
  const event = eventFor('customer.created', customer('cus_resumed'), { account: accountId })
  expect((await h.postWebhook(event)).status).toBe(200)

  // First attempt: the object is written, then the process dies (no mark, event not finished).
  const [claimed] = await claimEvents(h.db(), 10)
  expect(claimed!.id).toBe(event.id)
  await applyEvent({ ...h.deps }, claimed!)
  await h.db().update(stripeEvents).set({ claimedUntil: null }).where(eq(stripeEvents.id, event.id))

  const drainer = startEventDrainer(h.deps, { workers: 1 })
  try {
    await drainer.idle()
  } finally {
    await drainer.stop()
  }
  const [stored] = await h.db().select().from(stripeEvents).where(eq(stripeEvents.id, event.id))
  expect(stored).toMatchObject({ outcome: 'applied', attempts: 2 })
  expect(stored!.processedAt).not.toBeNull()
  expect((await h.db().select().from(customerRefreshQueue)).map((r) => r.customerId)).toEqual([
    'cus_resumed',
  ])
  const timeline = await h
    .db()
    .select()
    .from(timelineEntries)
    .where(eq(timelineEntries.customerId, 'cus_resumed'))
  expect(timeline).toHaveLength(1)
})

test('customers refreshed together end up exactly as when refreshed one by one', async () => {
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant()
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'Pro' })
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 2_000,
    recurring: { interval: 'month' },
  })
  const yearly = await stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: 20_000,
    recurring: { interval: 'year' },
  })
  const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' })
  const ids: string[] = []
  for (let i = 0; i < 8; i++) {
    const c = await stripe.customers.create({ email: `batch${i}@example.com`, metadata: { n: i } })
    ids.push(c.id)
    if (i % 4 === 0) continue // no subscription
    const sub = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: (i % 2 ? monthly : yearly).id, quantity: i }],
      ...(i % 4 === 1 ? { trial_period_days: 14 } : {}),
      ...(i % 4 === 2 ? { discounts: [{ coupon: coupon.id }] } : {}),
    })
    if (i % 4 === 3) await stripe.subscriptions.cancel(sub.id)
  }
  await stripe.customers.del(ids[7]!)
  await h.drainer.idle()

  const scope = { accountId: merchant.accountId, livemode: merchant.livemode }
  const db = h.db()
  const derived = async () => ({
    traits: (await db.select().from(customerTraits)).map((r) => [r.customerId, r.traits]).sort(),
    memberships: (await db.select().from(segmentMemberships))
      .map((r) => [r.customerId, r.segmentId])
      .sort(),
    stages: (await db.select().from(customerStages)).map((r) => [r.customerId, r.stage]).sort(),
  })
  const wipe = async () => {
    await db.delete(customerTraits)
    await db.delete(segmentMemberships)
    await db.delete(customerStages)
  }
  await wipe()
  for (const id of ids) await refreshCustomer(h.deps, scope, id)
  const oneByOne = await derived()
  expect(oneByOne.traits).toHaveLength(7)
  expect(oneByOne.memberships.length).toBeGreaterThan(3)
  expect(new Set(oneByOne.stages.map(([, stage]) => stage)).size).toBeGreaterThan(2)

  await wipe()
  const together = await refreshCustomers(h.deps, scope, [...ids, 'cus_never_synced'])
  expect(await derived()).toEqual(oneByOne)
  expect(together.get(ids[7]!)!.exists).toBe(false)
  expect(together.get('cus_never_synced')!.exists).toBe(false)
  expect(together.get(ids[1]!)!.stage).toMatchObject({ from: null, to: 'trial' })
})

test('a customer whose refresh fails does not hold back the others of its batch', async () => {
  h = await startHarness()
  await install(h)
  const db = h.db()
  const version = { at: 1_760_000_000, eventId: null }
  await upsertObjects(
    db,
    scope,
    'customer',
    ['cus_ok_1', 'cus_broken', 'cus_ok_2'].map((id) => customer(id)),
    version
  )
  // A subscription row without its items: loading this customer's data throws.
  await upsertObjects(
    db,
    scope,
    'subscription',
    [{ id: 'sub_broken', object: 'subscription', customer: 'cus_broken', status: 'active' }],
    version
  )
  await markCustomersChanged(
    db,
    ['cus_ok_1', 'cus_broken', 'cus_ok_2'].map((customerId) => ({ ...scope, customerId }))
  )
  h.drainer.kick()
  // Not h.drainer.idle(): that waits for an empty queue, and the broken customer stays in it.
  const queuedIds = async () =>
    (await db.select().from(customerRefreshQueue)).map((r) => r.customerId)
  await waitFor(async () => (await queuedIds()).join() === 'cus_broken', {
    what: 'the two good customers refreshed and finished',
  })
  expect(await traitsOf(h, 'cus_ok_1')).toBeDefined()
  expect(await traitsOf(h, 'cus_ok_2')).toBeDefined()
  expect(await traitsOf(h, 'cus_broken')).toBeUndefined()
  // The failed one stays queued (claimed until its claim expires), the others are done.
  const queued = await db.select().from(customerRefreshQueue)
  expect(queued.map((r) => r.customerId)).toEqual(['cus_broken'])
  expect(queued[0]!.claimedUntil).not.toBeNull()
})

test('sync health counts the customers still waiting for their traits', async () => {
  // No refresh workers here: what the events changed stays waiting.
  h = await startHarness({ emulator: true, env: { TRAITS_WORKERS: '0' } })
  const merchant = await h.installMerchant()
  const stripe = h.stripeAs(merchant.accountId)
  await stripe.customers.create({ email: 'waiting1@example.com' })
  await stripe.customers.create({ email: 'waiting2@example.com' })
  await h.emulator!.webhooks.idle()
  await h.drainer.idle()
  const health = await h.as(merchant).get('/api/v1/sync')
  expect(health.status).toBe(200)
  expect(health.body.webhooks).toMatchObject({ pending: 0, traitsPending: 2 })
})

test('renaming a product or changing a coupon refreshes the customers who use them', async () => {
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant()
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'Pro' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1_000,
    recurring: { interval: 'month' },
  })
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever', name: 'Ten' })
  const users: string[] = []
  for (let i = 0; i < 3; i++) {
    const c = await stripe.customers.create({ email: `user${i}@example.com` })
    users.push(c.id)
    await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: price.id }],
      discounts: [{ coupon: coupon.id }],
    })
  }
  const bystander = await stripe.customers.create({ email: 'bystander@example.com' })
  await h.emulator!.webhooks.idle()
  await h.drainer.idle()
  for (const id of users)
    expect((await traitsOf(h, id, merchant.accountId))!.traits).toMatchObject({
      'subscription.product_name': 'Pro',
      'subscription.coupon_name': 'Ten',
    })
  const bystanderBefore = (await traitsOf(h, bystander.id, merchant.accountId))!.computedAt

  // One at a time, so each change has to bring its own refresh.
  await stripe.products.update(product.id, { name: 'Pro Plus' })
  await h.emulator!.webhooks.idle()
  await h.drainer.idle()
  await stripe.coupons.update(coupon.id, { name: 'Loyalty ten' })
  await h.emulator!.webhooks.idle()
  await h.drainer.idle()
  for (const id of users)
    expect((await traitsOf(h, id, merchant.accountId))!.traits).toMatchObject({
      'subscription.product_name': 'Pro Plus',
      'subscription.coupon_name': 'Loyalty ten',
    })
  expect((await traitsOf(h, bystander.id, merchant.accountId))!.computedAt).toEqual(bystanderBefore)
})
