// Payment-method lists as Stripe allows them (docs/stripe-rules.md §6): without `customer`,
// GET /v1/payment_methods lists Treasury-flow methods only, never customers' cards; neither list
// accepts `created`. Requests go through the real stripe package, over HTTP.
import Stripe from 'stripe'
import { afterEach, beforeEach, expect, test } from 'vitest'
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

test('GET /v1/payment_methods without customer does not list customers’ cards', async () => {
  const customer = await stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const own = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' })
  expect(own.data).toHaveLength(1)
  expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1)
  const anyone = await stripe.paymentMethods.list({ type: 'card' })
  expect(anyone.data).toEqual([])
  expect(anyone.has_more).toBe(false)
  expect((await stripe.paymentMethods.list()).data).toEqual([])
})

test('neither payment-method list accepts created', async () => {
  const customer = await stripe.customers.create({ payment_method: 'pm_card_visa' })
  const created = { created: { gte: 0 } } as unknown as Stripe.PaymentMethodListParams
  for (const call of [
    stripe.paymentMethods.list({ customer: customer.id, ...created }),
    stripe.customers.listPaymentMethods(
      customer.id,
      created as Stripe.CustomerListPaymentMethodsParams
    ),
  ]) {
    const err = await refusal(call)
    expect(err.statusCode).toBe(400)
    expect(err.code).toBe('parameter_unknown')
    expect(err.param).toBe('created')
    expect(err.message).toBe('Received unknown parameter: created')
  }
})
