// Billing rules Stripe enforces on subscriptions (docs/stripe-rules.md §3), through the real stripe
// package over HTTP: each refusal with Stripe's status, code, param and message, and nothing changed.
import Stripe from 'stripe'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

const DAY = 86_400

let t: TestEmulator
let stripe: Stripe

beforeEach(async () => {
  t = await startTestEmulator()
  stripe = t.client()
})
afterEach(() => t.close())

async function refusal(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
  expect((err as Stripe.errors.StripeError).statusCode).toBe(400)
  return err as Stripe.errors.StripeError
}

async function setup() {
  const product = await stripe.products.create({ name: 'Usage' })
  const licensed = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
  })
  const metered = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 5,
    recurring: { interval: 'month', usage_type: 'metered' },
  })
  const customer = await stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: licensed.id }, { price: metered.id }],
  })
  return { licensed, metered, customer, sub }
}

test('quantity on a metered price is refused on create, update and preview', async () => {
  const { metered, customer, sub } = await setup()
  const message = (item: string) =>
    `Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`${item}\`.`
  const created = await refusal(
    stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: metered.id, quantity: 2 }],
    })
  )
  expect(created.code).toBe('parameter_invalid')
  expect(created.param).toBe('items[0][quantity]')
  expect(created.message).toBe(message('items[0]'))
  const meteredItem = sub.items.data.find((i) => i.price.id === metered.id)!
  const updated = await refusal(
    stripe.subscriptions.update(sub.id, { items: [{ id: meteredItem.id, quantity: 3 }] })
  )
  expect(updated.param).toBe('items[0][quantity]')
  const preview = await refusal(
    stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: meteredItem.id, quantity: 3 }] },
    })
  )
  expect(preview.param).toBe('subscription_details[items][0][quantity]')
  expect(preview.message).toBe(message('subscription_details[items][0]'))
  // Without quantity the metered item is fine.
  const ok = await stripe.subscriptions.update(sub.id, {
    items: [{ id: meteredItem.id, metadata: { k: 'v' } }],
  })
  expect(ok.items.data.find((i) => i.id === meteredItem.id)?.quantity).toBeUndefined()
})

test('pause_collection needs behavior, and resumes_at in the future', async () => {
  const { sub } = await setup()
  const missing = await refusal(
    stripe.subscriptions.update(sub.id, {
      pause_collection: { resumes_at: t.emulator.now() + DAY } as never,
    })
  )
  expect(missing.code).toBe('parameter_missing')
  expect(missing.param).toBe('pause_collection[behavior]')
  expect(missing.message).toBe('Missing required param: pause_collection[behavior].')
  const past = await refusal(
    stripe.subscriptions.update(sub.id, {
      pause_collection: { behavior: 'void', resumes_at: t.emulator.now() - 60 },
    })
  )
  expect(past.code).toBe('parameter_invalid')
  expect(past.param).toBe('pause_collection[resumes_at]')
  expect((await stripe.subscriptions.retrieve(sub.id)).pause_collection).toBeNull()
  const paused = await stripe.subscriptions.update(sub.id, {
    pause_collection: { behavior: 'void', resumes_at: t.emulator.now() + DAY },
  })
  expect(paused.pause_collection?.behavior).toBe('void')
})

test('trial_end more than two years from the billing cycle anchor is refused', async () => {
  const { licensed, customer, sub } = await setup()
  const far = sub.billing_cycle_anchor + 731 * DAY
  const updated = await refusal(stripe.subscriptions.update(sub.id, { trial_end: far }))
  expect(updated.code).toBe('parameter_invalid')
  expect(updated.param).toBe('trial_end')
  expect((await stripe.subscriptions.retrieve(sub.id)).trial_end).toBeNull()
  const created = await refusal(
    stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: licensed.id }],
      trial_end: t.emulator.now() + 731 * DAY,
    })
  )
  expect(created.param).toBe('trial_end')
  const within = await stripe.subscriptions.update(sub.id, {
    trial_end: sub.billing_cycle_anchor + 700 * DAY,
    proration_behavior: 'none',
  })
  expect(within.status).toBe('trialing')
})
