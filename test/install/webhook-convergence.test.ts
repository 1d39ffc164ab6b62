// Stripe delivers out of order, more than once, and with several events in one second. Whatever
// the order, once every delivery has arrived our copy must equal Stripe's.
import { and, eq } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { stripeCustomers, stripeEvents, stripeSubscriptions } from '../../backend/src/db/schema'
import { Random } from '@holdfast/stripe-emulator'
import { startHarness, type Harness } from '../support/harness'
import { testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

type Captured = { headers: Record<string, string>; body: string }

// Each seed is one delivery order. The freshness guard's SQL is the same on both databases, so
// each order runs once, on one of them: PGlite (the slower) one, Postgres two.
const seeds = testDbKind() === 'pglite' ? [1] : [2, 3]

test.each(seeds)(
  '200+ events shuffled, duplicated and same-second converge to Stripe (seed %i)',
  async (seed) => {
    h = await startHarness({
      emulator: { seed, webhooks: { faults: { sameSecondPairs: 0.3, seed } } },
    })
    const merchant = await h.installMerchant()
    const captured: Captured[] = []
    h.emulator!.webhooks.configure({
      transport: async (_url, init) => {
        captured.push(init)
        return { status: 200 }
      },
    })

    const stripe = h.stripeAs(merchant.accountId)
    const random = new Random(seed)
    const product = await stripe.products.create({ name: 'Pro' })
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1500,
      recurring: { interval: 'month' },
    })
    const customers = []
    for (let i = 0; i < 12; i++) {
      customers.push(
        await stripe.customers.create({ email: `c${i}@example.com`, metadata: { n: '0' } })
      )
    }
    const subs = []
    for (const customer of customers.slice(0, 6)) {
      subs.push(
        await stripe.subscriptions.create({
          customer: customer.id,
          items: [{ price: price.id, quantity: 1 }],
        })
      )
    }
    while (captured.length < 200) {
      const customer = customers[random.int(0, customers.length - 1)]!
      await stripe.customers.update(customer.id, {
        metadata: { n: String(random.int(1, 1000)) },
        name: `Name ${random.int(1, 99)}`,
      })
      const sub = subs[random.int(0, subs.length - 1)]!
      const current = await stripe.subscriptions.retrieve(sub.id)
      if (current.status !== 'canceled') {
        await stripe.subscriptions.update(sub.id, {
          items: [{ id: current.items.data[0]!.id, quantity: random.int(1, 9) }],
          proration_behavior: 'none',
          ...(random.chance(0.3)
            ? { pause_collection: { behavior: 'void' as const } }
            : { pause_collection: '' as const }),
        })
      }
    }
    await stripe.customers.del(customers[11]!.id)
    await stripe.subscriptions.cancel(subs[5]!.id)
    await h.emulator!.webhooks.idle()

    // Shuffle, and deliver a third of them twice.
    const deliveries = [...captured, ...captured.filter(() => random.chance(0.33))]
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = random.int(0, i)
      ;[deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!]
    }
    for (const d of deliveries) {
      const res = await h.request('/webhooks/stripe', {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      })
      expect(res.status).toBe(200)
    }
    const uniqueEvents = new Set(captured.map((d) => JSON.parse(d.body).id)).size
    await waitFor(
      async () =>
        (await h!.db().select().from(stripeEvents)).filter((e) => e.processedAt !== null).length ===
        uniqueEvents + 1, // + the install's account.application.authorized
      { what: 'every event processed' }
    )

    const state = h.emulator!.account(merchant.accountId, 'test')
    const scope = and(
      eq(stripeCustomers.accountId, merchant.accountId),
      eq(stripeCustomers.livemode, false)
    )
    const ours = new Map(
      (await h.db().select().from(stripeCustomers).where(scope)).map((r) => [r.id, r])
    )
    for (const customer of customers) {
      const row = ours.get(customer.id)
      if (state.deletedCustomers.has(customer.id)) {
        expect(row?.deletedAt, `${customer.id} deleted`).not.toBeNull()
        continue
      }
      const truth = state.customers.get(customer.id)!
      expect(row?.data, customer.id).toEqual(
        JSON.parse(JSON.stringify(await stripe.customers.retrieve(customer.id)))
      )
      expect(row?.name).toBe(truth.name)
    }
    const ourSubs = new Map((await h.db().select().from(stripeSubscriptions)).map((r) => [r.id, r]))
    for (const sub of subs) {
      const truth = await stripe.subscriptions.retrieve(sub.id)
      const row = ourSubs.get(sub.id)!
      expect(row.status).toBe(truth.status)
      const data = row.data as typeof truth
      expect(data.items.data[0]!.quantity, sub.id).toBe(truth.items.data[0]!.quantity)
      expect(data.pause_collection, sub.id).toEqual(truth.pause_collection)
    }
  }
)
