// Every trait, computed from objects created at the (emulated) Stripe and delivered by webhook,
// read back through GET /api/v1/customers/:id and GET /api/v1/subscriptions/:id.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { api, installSettled, flatTraits, settle, traitsWhen, type Installed } from './api'

let h: Harness
let merchant: Installed
let customerId: string
let subscriptionId: string
let profileTraits: Record<string, unknown>
let created: number

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  merchant = await installSettled(h)
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'Pro plan' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1500,
    nickname: 'Pro monthly',
    recurring: { interval: 'month', interval_count: 1 },
  })
  const coupon = await stripe.coupons.create({
    percent_off: 20,
    duration: 'forever',
    name: 'Loyal',
  })
  const customer = await stripe.customers.create({
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    phone: '+441234567890',
    description: 'Founding customer',
    address: {
      line1: '1 Analytical Way',
      line2: 'Floor 2',
      city: 'London',
      state: 'LDN',
      postal_code: 'N1 9GU',
      country: 'GB',
    },
    metadata: { plan: 'gold', user_id: 'u_42' },
    payment_method: 'pm_card_visa',
  })
  // Set as a separate update: the emulator's customer.created carries no default payment method
  // when it is given at creation (it emits before setting it).
  const [card] = (await stripe.customers.listPaymentMethods(customer.id)).data
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: card!.id },
  })
  customerId = customer.id
  created = customer.created
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id, quantity: 2 }],
    discounts: [{ coupon: coupon.id }],
  })
  subscriptionId = sub.id
  await settle(h)
  await traitsWhen(h, merchant, customerId, (t) => t['subscription.status'] === 'active')
  const res = await api(h, merchant).get(`/api/v1/customers/${customerId}`)
  expect(res.status).toBe(200)
  profileTraits = flatTraits(res.body)
})

afterAll(async () => {
  await h?.close()
})

test.each([
  ['customer.id', () => customerId],
  ['customer.email', 'ada@example.com'],
  ['customer.name', 'Ada Lovelace'],
  ['customer.phone', '+441234567890'],
  ['customer.description', 'Founding customer'],
  ['customer.created', () => created],
  ['address.line1', '1 Analytical Way'],
  ['address.line2', 'Floor 2'],
  ['address.city', 'London'],
  ['address.state', 'LDN'],
  ['address.postal_code', 'N1 9GU'],
  ['address.country', 'GB'],
  ['metadata.plan', 'gold'],
  ['metadata.user_id', 'u_42'],
  ['customer.delinquent', false],
  ['subscription.has_active', true],
  ['subscription.count', 1],
  ['subscription.id', () => subscriptionId],
  ['subscription.status', 'active'],
  ['subscription.age_days', 0],
  ['subscription.cancel_at_period_end', false],
  ['subscription.currency', 'usd'],
  // 2 × $15.00 less 20% forever
  ['subscription.mrr', 2400],
  ['mrr.usd', 2400],
  ['subscription.item_count', 1],
  ['subscription.price_nickname', 'Pro monthly'],
  ['subscription.product_name', 'Pro plan'],
  ['subscription.unit_amount', 1500],
  ['subscription.quantity', 2],
  ['subscription.interval', 'month'],
  ['subscription.interval_count', 1],
  ['subscription.coupon_name', 'Loyal'],
  ['subscription.coupon_percent_off', 20],
  ['subscription.coupon_duration', 'forever'],
  ['card.brand', 'visa'],
  ['card.country', 'US'],
  ['payment_method.type', 'card'],
] as const)('trait %s', (key, expected) => {
  const want = typeof expected === 'function' ? expected() : expected
  expect(profileTraits[key]).toEqual(want)
})

test.each([
  'subscription.created',
  'subscription.current_period_start',
  'subscription.current_period_end',
  'subscription.price_id',
  'subscription.product_id',
  'subscription.coupon_id',
  'card.exp_month',
  'card.exp_year',
  'card.expires_at',
])('trait %s is present', (key) => {
  expect(profileTraits[key]).not.toBeNull()
  expect(profileTraits[key]).toBeDefined()
})

test('the profile lists the actions the active subscription allows', async () => {
  const res = await api(h, merchant).get(`/api/v1/customers/${customerId}`)
  const kinds = res.body.actions
    .filter((a: { subscriptionId: string }) => a.subscriptionId === subscriptionId)
    .map((a: { kind: string }) => a.kind)
  expect(kinds).toEqual(expect.arrayContaining(['pause_collection', 'apply_discount', 'cancel']))
  expect(kinds).not.toContain('resume_collection')
  expect(kinds).not.toContain('reactivate')
})

test('a month on: renewal paid, lifetime value and last payment follow', async () => {
  h.emulator!.simulate.advance(merchant.accountId, 'test', 31 * 86_400)
  await settle(h)
  const traits = await traitsWhen(
    h,
    merchant,
    customerId,
    (t) => typeof t['payment.last_amount'] === 'number',
    'last payment'
  )
  expect(traits['payment.last_amount']).toBe(2400)
  expect(traits['payment.last_currency']).toBe('usd')
  expect(typeof traits['payment.last_at']).toBe('number')
  expect(traits['ltv.usd']).toBeGreaterThanOrEqual(2400)
})

test('trialing subscription: trial traits, no MRR, trial stage', async () => {
  const stripe = h.stripeAs(merchant.accountId)
  const price = (await stripe.prices.list({ limit: 1 })).data[0]!
  const customer = await stripe.customers.create({ email: 'trial@example.com' })
  await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: 14,
  })
  await settle(h)
  const traits = await traitsWhen(
    h,
    merchant,
    customer.id,
    (t) => t['subscription.status'] === 'trialing'
  )
  expect(traits['subscription.trial_end']! as number).toBe(
    (traits['subscription.trial_start'] as number) + 14 * 86_400
  )
  expect(traits['mrr.usd']).toBeUndefined()
  const profile = await api(h, merchant).get(`/api/v1/customers/${customer.id}`)
  expect(profile.body.stage.stage).toBe('trial')
  expect(profile.body.segments.map((s: { predefinedKey: string }) => s.predefinedKey)).toContain(
    'current_trials'
  )
})

test('canceled at period end, then canceled: flags, canceled_at, churned stage with history', async () => {
  const stripe = h.stripeAs(merchant.accountId)
  await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true })
  await settle(h)
  await traitsWhen(h, merchant, customerId, (t) => t['subscription.cancel_at_period_end'] === true)
  await stripe.subscriptions.cancel(subscriptionId)
  await settle(h)
  const traits = await traitsWhen(
    h,
    merchant,
    customerId,
    (t) => t['subscription.status'] === 'canceled'
  )
  expect(typeof traits['subscription.canceled_at']).toBe('number')
  expect(traits['subscription.has_active']).toBe(false)
  const profile = await api(h, merchant).get(`/api/v1/customers/${customerId}`)
  expect(profile.body.stage.stage).toBe('churned')
  expect(profile.body.segments.map((s: { predefinedKey: string }) => s.predefinedKey)).toContain(
    'churned'
  )
})

test('GET /api/v1/subscriptions/:id gives that subscription its own traits', async () => {
  const res = await api(h, merchant).get(`/api/v1/subscriptions/${subscriptionId}`)
  expect(res.status).toBe(200)
  expect(res.body.customerId).toBe(customerId)
  const traits = flatTraits(res.body)
  expect(traits['subscription.id']).toBe(subscriptionId)
  expect(traits['subscription.product_name']).toBe('Pro plan')
  expect(
    Object.keys(traits).every((k) => k.startsWith('subscription.') || k.startsWith('mrr.'))
  ).toBe(true)
})

test('cross-tenant: another merchant gets 404 for the customer and the subscription', async () => {
  const other = await installSettled(h)
  expect((await api(h, other).get(`/api/v1/customers/${customerId}`)).status).toBe(404)
  expect((await api(h, other).get(`/api/v1/subscriptions/${subscriptionId}`)).status).toBe(404)
})
