// The emulator refuses parameters Stripe refuses, with Stripe's status, type, code, param and message
// (docs/stripe-rules.md §1). Requests go through the real stripe package, over HTTP.
import Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

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
  return err as Stripe.errors.StripeError
}

async function subscription() {
  const product = await stripe.products.create({ name: 'Pro' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
  })
  const customer = await stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  })
  return { price, customer, sub }
}

function expectUnknown(err: Stripe.errors.StripeError, name: string) {
  expect(err.statusCode).toBe(400)
  expect(err.type).toBe('StripeInvalidRequestError')
  expect(err.code).toBe('parameter_unknown')
  expect(err.param).toBe(name)
  expect(err.message).toBe(`Received unknown parameter: ${name}`)
}

describe('unknown parameters', () => {
  test('removed subscription params (coupon, promotion_code) are refused; discounts is accepted', async () => {
    const { sub } = await subscription()
    const coupon = await stripe.coupons.create({ percent_off: 10 })
    const params = { coupon: coupon.id } as Stripe.SubscriptionUpdateParams
    expectUnknown(await refusal(stripe.subscriptions.update(sub.id, params)), 'coupon')
    const promo = { promotion_code: 'promo_x' } as Stripe.SubscriptionUpdateParams
    expectUnknown(await refusal(stripe.subscriptions.update(sub.id, promo)), 'promotion_code')
    // Nothing applied by the refused calls.
    expect((await stripe.subscriptions.retrieve(sub.id)).discounts).toEqual([])
    const updated = await stripe.subscriptions.update(sub.id, {
      discounts: [{ coupon: coupon.id }],
    })
    expect(updated.discounts).toHaveLength(1)
  })

  test('nested unknown params are named in bracket notation', async () => {
    const { price, customer, sub } = await subscription()
    const items = [
      { price: price.id, foo: 'x' },
    ] as unknown as Stripe.SubscriptionCreateParams.Item[]
    expectUnknown(
      await refusal(stripe.subscriptions.create({ customer: customer.id, items })),
      'items[0][foo]'
    )
    const pause = { behavior: 'void', until: 1 } as Stripe.SubscriptionUpdateParams.PauseCollection
    expectUnknown(
      await refusal(stripe.subscriptions.update(sub.id, { pause_collection: pause })),
      'pause_collection[until]'
    )
  })

  test('query-string params of GET and DELETE are checked too', async () => {
    const { sub } = await subscription()
    const list = { colour: 'red' } as Stripe.CustomerListParams
    expectUnknown(await refusal(stripe.customers.list(list)), 'colour')
    const cancel = { refund: true } as Stripe.SubscriptionCancelParams
    expectUnknown(await refusal(stripe.subscriptions.cancel(sub.id, cancel)), 'refund')
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
  })

  test('metadata takes any key (and "" unsets one); expand takes paths', async () => {
    const customer = await stripe.customers.create({ metadata: { any_key: 'a', other: 'b' } })
    const updated = await stripe.customers.update(customer.id, {
      metadata: { any_key: '', third: 'c' },
      expand: ['invoice_settings.default_payment_method'],
    })
    expect(updated.metadata).toEqual({ other: 'b', third: 'c' })
    const cleared = await stripe.customers.update(customer.id, { metadata: '' })
    expect(cleared.metadata).toEqual({})
  })
})

describe('empty strings', () => {
  test("'' where the parameter cannot be unset is parameter_invalid_empty", async () => {
    const { price } = await subscription()
    const err = await refusal(
      stripe.subscriptions.create({ customer: '', items: [{ price: price.id }] })
    )
    expect(err.statusCode).toBe(400)
    expect(err.code).toBe('parameter_invalid_empty')
    expect(err.param).toBe('customer')
    expect(err.message).toBe(
      "You passed an empty string for 'customer'. We assume empty values are an attempt to unset a parameter; however 'customer' cannot be unset. You should remove 'customer' from your request or supply a non-empty value."
    )
    const nested = await refusal(
      stripe.subscriptions.create({ customer: 'cus_x', items: [{ price: '' }] })
    )
    expect(nested.code).toBe('parameter_invalid_empty')
    expect(nested.param).toBe('items[0][price]')
  })

  test("'' where Stripe allows unsetting is accepted (pause_collection, description)", async () => {
    const { sub } = await subscription()
    await stripe.subscriptions.update(sub.id, { pause_collection: { behavior: 'void' } })
    const resumed = await stripe.subscriptions.update(sub.id, { pause_collection: '' })
    expect(resumed.pause_collection).toBeNull()
  })

  test('an unknown parameter is reported before an empty one', async () => {
    const params = { customer: '', colour: 'red' } as unknown as Stripe.SubscriptionCreateParams
    expectUnknown(await refusal(stripe.subscriptions.create(params)), 'colour')
  })
})

describe('expand', () => {
  test('at most 4 levels, counting data', async () => {
    const err = await refusal(
      stripe.subscriptions.list({ expand: ['data.items.data.price.product'] })
    )
    expect(err.statusCode).toBe(400)
    expect(err.code).toBe('property_expansion_max_depth')
    expect(err.message).toBe(
      'You cannot expand more than 4 levels of a property. Property: data.items.data.price.product'
    )
  })

  test("list expansions need the 'data.' prefix", async () => {
    const err = await refusal(stripe.customers.list({ expand: ['default_source'] }))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(
      "This property cannot be expanded (default_source). You may want to try expanding 'data.default_source' instead."
    )
    const page = await stripe.customers.list({
      expand: ['data.invoice_settings.default_payment_method'],
    })
    expect(page.object).toBe('list')
  })

  test('a field that is no id cannot be expanded; expandable and includable ones can', async () => {
    const { sub } = await subscription()
    for (const path of ['metadata', 'items.data.price', 'customer.email']) {
      const err = await refusal(stripe.subscriptions.retrieve(sub.id, { expand: [path] }))
      expect(err.statusCode).toBe(400)
      expect(err.message).toBe(`This property cannot be expanded (${path}).`)
    }
    const full = await stripe.subscriptions.retrieve(sub.id, {
      expand: ['customer', 'latest_invoice.payments', 'items.data.price.product', 'discounts'],
    })
    expect((full.customer as Stripe.Customer).object).toBe('customer')
    const price = full.items.data[0]!.price
    expect((price.product as Stripe.Product).object).toBe('product')
    const prices = await stripe.prices.list({ expand: ['data.tiers'] })
    expect(prices.data.length).toBeGreaterThan(0)
  })
})
