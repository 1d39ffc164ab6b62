import type Stripe from 'stripe'
import { afterEach, describe, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'
import type { Transport } from './webhooks'

type Received = { url: string; body: string; signature: string }

function recorder(): { transport: Transport; received: Received[] } {
  const received: Received[] = []
  return {
    received,
    transport: async (url, { headers, body }) => {
      received.push({ url, body, signature: headers['stripe-signature'] ?? '' })
      return { status: 200 }
    },
  }
}

let t: TestEmulator
afterEach(() => t.close())

async function subscriptionFixture(stripe: Stripe) {
  const customer = await stripe.customers.create({
    email: 'w@example.com',
    payment_method: 'pm_card_visa',
  })
  const pm = (await stripe.customers.listPaymentMethods(customer.id)).data[0]
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm?.id },
  })
  const product = await stripe.products.create({ name: 'Pro' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 2500,
    recurring: { interval: 'month' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  })
  return { customer, price, sub }
}

describe('webhooks', () => {
  test('a subscription update is delivered as customer.subscription.updated with previous_attributes, signed so constructEvent accepts it', async () => {
    const rec = recorder()
    t = await startTestEmulator({ webhooks: { transport: rec.transport } })
    const stripe = t.client()
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'https://hooks.example.com/stripe',
      enabled_events: ['customer.subscription.updated'],
      api_version: '2026-10-28.endive',
    })
    expect(endpoint.secret).toMatch(/^whsec_/)
    const { sub } = await subscriptionFixture(stripe)
    await t.emulator.webhooks.idle()
    rec.received.length = 0 // creation's own incomplete → active update is not what we test

    await stripe.subscriptions.update(sub.id, {
      metadata: { plan: 'gold' },
      pause_collection: { behavior: 'void' },
    })
    await t.emulator.webhooks.idle()

    expect(rec.received).toHaveLength(1) // only the enabled type, only once
    const got = rec.received[0] as Received
    expect(got.url).toBe('https://hooks.example.com/stripe')
    const event = stripe.webhooks.constructEvent(got.body, got.signature, endpoint.secret as string)
    expect(event.type).toBe('customer.subscription.updated')
    if (event.type !== 'customer.subscription.updated') throw new Error('wrong type')
    expect(event.data.object.id).toBe(sub.id)
    expect(event.data.object.pause_collection).toEqual({ behavior: 'void', resumes_at: null })
    expect(event.data.previous_attributes).toEqual({
      metadata: { plan: null },
      pause_collection: null,
    })
    expect(event.api_version).toBe('2026-10-28.endive')
    expect(event.request?.id).toMatch(/^req_/)
    expect(event.request?.idempotency_key).toMatch(/^stripe-node-retry-/)
    expect(() => stripe.webhooks.constructEvent(got.body, got.signature, 'whsec_wrong')).toThrow()

    // The same event is also listed and retrievable.
    const listed = await stripe.events.list({ type: 'customer.subscription.updated' })
    expect(listed.data.map((e) => e.id)).toContain(event.id)
    expect((await stripe.events.retrieve(event.id)).id).toBe(event.id)
  })

  test('connected accounts’ events reach the platform’s Connect endpoint with `account` set; the account’s own endpoint gets them too', async () => {
    const rec = recorder()
    t = await startTestEmulator({ webhooks: { transport: rec.transport } })
    const platform = t.client()
    const merchant = t.emulator.createAccount({ name: 'Merchant' })
    const connect = await platform.webhookEndpoints.create({
      url: 'https://platform.example.com/connect',
      enabled_events: ['*'],
      connect: true,
    })
    const own = await platform.webhookEndpoints.create({
      url: 'https://platform.example.com/own',
      enabled_events: ['customer.created'],
    })
    const merchantOwn = await t.client(merchant.keys.test.secret).webhookEndpoints.create({
      url: 'https://merchant.example.com/hook',
      enabled_events: ['customer.created', 'customer.updated'],
    })

    await platform.customers.create({ email: 'c@example.com' }, { stripeAccount: merchant.id })
    await platform.customers.create({ email: 'p@example.com' })
    await t.emulator.webhooks.idle()

    const byUrl = (url: string) => rec.received.filter((r) => r.url === url)
    const connectEvent = platform.webhooks.constructEvent(
      (byUrl(connect.url)[0] as Received).body,
      (byUrl(connect.url)[0] as Received).signature,
      connect.secret as string
    )
    expect(byUrl(connect.url)).toHaveLength(1)
    expect(connectEvent.account).toBe(merchant.id)
    expect(connectEvent.livemode).toBe(false)
    expect(byUrl(merchantOwn.url)).toHaveLength(1)
    const ownEvents = byUrl(own.url).map((r) =>
      platform.webhooks.constructEvent(r.body, r.signature, own.secret as string)
    )
    expect(ownEvents).toHaveLength(1)
    expect(ownEvents[0]?.account).toBeUndefined()
  })

  test('manual delivery with faults is deterministic from the seed: duplicates, drops, reorders', async () => {
    async function run() {
      const rec = recorder()
      const em = await startTestEmulator({
        webhooks: {
          transport: rec.transport,
          mode: 'manual',
          faults: { duplicate: 0.3, drop: 0.2, reorder: 0.3, seed: 42 },
        },
      })
      const stripe = em.client()
      await stripe.webhookEndpoints.create({
        url: 'https://x.example.com/h',
        enabled_events: ['customer.created'],
      })
      for (let i = 0; i < 20; i++) await stripe.customers.create({ email: `c${i}@example.com` })
      expect(em.emulator.webhooks.pending()).toBe(20)
      const deliveries = await em.emulator.webhooks.flush()
      await em.close()
      return {
        deliveries,
        received: rec.received.map(
          (r) => (JSON.parse(r.body) as { data: { object: { email: string } } }).data.object.email
        ),
      }
    }
    const a = await run()
    t = await startTestEmulator()
    const b = await run()
    expect(a.received).toEqual(b.received)
    expect(a.deliveries.filter((d) => d.dropped).length).toBeGreaterThan(0)
    expect(a.deliveries.filter((d) => d.duplicate).length).toBeGreaterThan(0)
    const inOrder = Array.from({ length: 20 }, (_, i) => `c${i}@example.com`)
    expect(a.received).not.toEqual(inOrder)
    expect(new Set(a.received).size).toBeLessThan(20) // some dropped
  })

  test('same-second pairs: two updated events for one object share `created`', async () => {
    const rec = recorder()
    t = await startTestEmulator({
      webhooks: { transport: rec.transport, faults: { sameSecondPairs: 1 } },
    })
    const stripe = t.client()
    await stripe.webhookEndpoints.create({
      url: 'https://x.example.com/h',
      enabled_events: ['customer.updated'],
    })
    const c = await stripe.customers.create({ email: 'a@example.com' })
    await stripe.customers.update(c.id, { name: 'Ann' })
    await t.emulator.webhooks.idle()
    const events = rec.received.map((r) => JSON.parse(r.body) as Stripe.Event)
    expect(events).toHaveLength(2)
    expect(events[0]?.id).not.toBe(events[1]?.id)
    expect(events[0]?.created).toBe(events[1]?.created)
    expect((events[1]?.data.object as Stripe.Customer).id).toBe(c.id)
  })

  test('the default transport posts to the endpoint URL over HTTP', async () => {
    t = await startTestEmulator()
    const sink = await startTestEmulator() // any HTTP server will do: we only need it to answer
    try {
      const stripe = t.client()
      await stripe.webhookEndpoints.create({
        url: `${sink.server.url}/hook`,
        enabled_events: ['product.created'],
      })
      await stripe.products.create({ name: 'Thing' })
      await t.emulator.webhooks.idle()
      const delivery = t.emulator.webhooks.deliveries[0]
      expect(delivery?.type).toBe('product.created')
      expect(delivery?.status).toBe(404) // the emulator answers unknown paths with Stripe's 404
    } finally {
      await sink.close()
    }
  })
})

describe('webhook retries', () => {
  test('retryFailed resends deliveries the endpoint refused, once they succeed they are not resent', async () => {
    let fail = true
    const statuses: number[] = []
    t = await startTestEmulator({
      webhooks: {
        transport: async () => {
          const status = fail ? 500 : 200
          statuses.push(status)
          return { status }
        },
      },
    })
    const stripe = t.client()
    await stripe.webhookEndpoints.create({
      url: 'https://x.example.com/h',
      enabled_events: ['coupon.created'],
    })
    await stripe.coupons.create({ percent_off: 10, duration: 'once' })
    await t.emulator.webhooks.idle()
    expect(statuses).toEqual([500])
    fail = false
    const retried = await t.emulator.webhooks.retryFailed()
    expect(retried.map((d) => d.status)).toEqual([200])
    expect(await t.emulator.webhooks.retryFailed()).toEqual([])
  })
})
