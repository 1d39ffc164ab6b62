// Embedded lists carry their first page only (docs/stripe-rules.md §4): a subscription's items and an
// invoice's lines show 10 with a real has_more and url; the rest is paged from the url's endpoint.
import type Stripe from 'stripe'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

let t: TestEmulator
let stripe: Stripe

beforeEach(async () => {
  t = await startTestEmulator()
  stripe = t.client()
})
afterEach(() => t.close())

async function twelveItemSubscription() {
  const product = await stripe.products.create({ name: 'Seats' })
  const prices: Stripe.Price[] = []
  for (let i = 0; i < 12; i++) {
    prices.push(
      await stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 100 + i,
        recurring: { interval: 'month' },
      })
    )
  }
  const customer = await stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: prices.map((p) => ({ price: p.id })),
  })
  return { sub, prices }
}

test('subscription items: 10 embedded with has_more, the rest paged from subscription_items', async () => {
  const { sub } = await twelveItemSubscription()
  expect(sub.items.data).toHaveLength(10)
  expect(sub.items.has_more).toBe(true)
  expect(sub.items.url).toBe(`/v1/subscription_items?subscription=${sub.id}`)
  const again = await stripe.subscriptions.retrieve(sub.id)
  expect(again.items.data).toHaveLength(10)
  const listed = await stripe.subscriptions.list({ limit: 1 })
  expect(listed.data[0]!.items.has_more).toBe(true)
  const all = await stripe.subscriptionItems.list({ subscription: sub.id }).autoPagingToArray({
    limit: 100,
  })
  expect(new Set(all.map((i) => i.id)).size).toBe(12)
  // Webhook payloads carry the first page too.
  const events = await stripe.events.list({ type: 'customer.subscription.created' })
  const payload = events.data[0]!.data.object as Stripe.Subscription
  expect(payload.items.data).toHaveLength(10)
  expect(payload.items.has_more).toBe(true)
})

test('invoice lines: 10 embedded with has_more; GET /v1/invoices/:id/lines pages', async () => {
  const { sub } = await twelveItemSubscription()
  const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string)
  expect(invoice.lines.data).toHaveLength(10)
  expect(invoice.lines.has_more).toBe(true)
  expect(invoice.lines.url).toBe(`/v1/invoices/${invoice.id}/lines`)
  const first = await stripe.invoices.listLineItems(invoice.id, { limit: 5 })
  expect(first.data).toHaveLength(5)
  expect(first.has_more).toBe(true)
  const rest = await stripe.invoices.listLineItems(invoice.id, {
    limit: 100,
    starting_after: first.data.at(-1)!.id,
  })
  expect(rest.data).toHaveLength(7)
  expect(rest.has_more).toBe(false)
  const ids = [...first.data, ...rest.data].map((l) => l.id)
  expect(new Set(ids).size).toBe(12)
  expect(ids.slice(0, 10)).toEqual(invoice.lines.data.map((l) => l.id))
})
