// POST /v1/track: the merchant's product reports activity with an ingest key; the customer is
// found by id, email, a metadata value or the configured identity key, and slipping segments
// follow last activity.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { api, installSettled, settle, traitsWhen, type Installed } from './api'

const DAY = 86_400
let h: Harness
let merchant: Installed
let key: string
let customerId: string

const track = (body: unknown, ingestKey = key) =>
  h.request('/v1/track', {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${ingestKey}` },
  })

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  merchant = await installSettled(h)
  const stripe = h.stripeAs(merchant.accountId)
  const customer = await stripe.customers.create({
    email: 'kim@example.com',
    metadata: { app_user: 'u-7' },
  })
  customerId = customer.id
  await settle(h)
  await traitsWhen(h, merchant, customerId, (t) => t['customer.email'] === 'kim@example.com')
  const created = await api(h, merchant).post('/api/v1/settings/ingest-key')
  expect(created.status).toBe(201)
  key = created.body.key
})

afterAll(async () => {
  await h?.close()
})

test('the key is shown once; afterwards only that one exists', async () => {
  expect(key).toMatch(/^hf_ik_test_/)
  const status = await api(h, merchant).get('/api/v1/settings/ingest-key')
  expect(status.body).toMatchObject({ exists: true, identity: { kind: 'email' } })
  expect(JSON.stringify(status.body)).not.toContain(key)
})

test.each([
  ['customer id', () => ({ customerId })],
  ['email', () => ({ email: 'kim@example.com' })],
  ['metadata', () => ({ metadata: { key: 'app_user', value: 'u-7' } })],
  ['userId by the default identity (email)', () => ({ userId: 'kim@example.com' })],
])('tracking by %s sets last activity', async (_name, who) => {
  const at = Math.floor(h.deps.now().getTime() / 1000)
  const res = await track({ ...who(), event: 'login', timestamp: at })
  expect(res.status).toBe(202)
  expect(res.body.customerId).toBe(customerId)
  const traits = await traitsWhen(h, merchant, customerId, (t) => t['activity.last_at'] === at)
  expect(traits['activity.last_at']).toBe(at)
})

test('the identity key setting makes userId a metadata lookup', async () => {
  const set = await api(h, merchant).put('/api/v1/settings/identity', {
    kind: 'metadata',
    key: 'app_user',
  })
  expect(set.status).toBe(200)
  expect((await track({ userId: 'u-7', event: 'open' })).body.customerId).toBe(customerId)
  expect((await track({ userId: 'kim@example.com', event: 'open' })).status).toBe(404)
})

test('activity never moves backwards', async () => {
  const before = (await track({ customerId, event: 'x' })).body.lastActivityAt
  const old = await track({ customerId, event: 'x', timestamp: 1_000_000 })
  expect(old.body.lastActivityAt).toBe(before)
})

test('bad requests say what is wrong', async () => {
  expect((await track({ event: 'x' })).status).toBe(400)
  expect((await track({ customerId, email: 'a@b.c', event: 'x' })).status).toBe(400)
  expect((await track({ customerId: 'cus_nope', event: 'x' })).status).toBe(404)
  const none = await h.request('/v1/track', { method: 'POST', body: { customerId, event: 'x' } })
  expect(none.status).toBe(401)
})

test('rotating the key revokes the old one', async () => {
  const rotated = await api(h, merchant).post('/api/v1/settings/ingest-key')
  expect((await track({ customerId, event: 'x' })).status).toBe(401)
  expect((await track({ customerId, event: 'x' }, rotated.body.key)).status).toBe(202)
  key = rotated.body.key
})

test('an active customer stops slipping when activity arrives', async () => {
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'P' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 900,
    recurring: { interval: 'month' },
  })
  const c = await stripe.customers.create({
    email: 'slip@example.com',
    payment_method: 'pm_card_visa',
  })
  const [pm] = (await stripe.customers.listPaymentMethods(c.id)).data
  await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm!.id } })
  await stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] })
  await settle(h)
  h.emulator!.simulate.advance(merchant.accountId, 'test', 16 * DAY)
  await settle(h)
  await traitsWhen(h, merchant, c.id, (t) => t['subscription.status'] === 'active')
  const { recomputeAllSegments } = await import('../../backend/src/segments/refresh-all')
  await recomputeAllSegments(h.deps, merchant)
  const keysOf = async () =>
    (await api(h, merchant).get(`/api/v1/customers/${c.id}`)).body.segments.map(
      (s: { predefinedKey: string }) => s.predefinedKey
    )
  expect(await keysOf()).toContain('slipping_customers')
  expect((await track({ customerId: c.id, event: 'login' })).status).toBe(202)
  expect(await keysOf()).not.toContain('slipping_customers')
})

test("another account cannot read or rotate this account's key, and its key reaches only its customers", async () => {
  const other = await installSettled(h)
  const status = await api(h, other).get('/api/v1/settings/ingest-key')
  expect(status.body.exists).toBe(false)
  const otherKey = (await api(h, other).post('/api/v1/settings/ingest-key')).body.key
  expect((await track({ customerId, event: 'x' }, otherKey)).status).toBe(404)
  expect((await track({ customerId, event: 'x' })).status).toBe(202)
})

test('after the app is disconnected the key stops working', async () => {
  expect((await api(h, merchant).post('/api/v1/account/disconnect')).status).toBe(200)
  expect((await track({ customerId, event: 'x' })).status).toBe(401)
})
