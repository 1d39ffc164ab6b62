// Merchant B can never read or touch merchant A's customers, segments, settings or endpoints:
// every route answers 404 (or shows B's own, empty, data), one test per route.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { api, installSettled, settle, traitsWhen, type Installed } from '../traits/api'

let h: Harness
let a: Installed
let b: Installed
let customerId: string
let subscriptionId: string
let segmentId: string
let endpointId: string

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  a = await installSettled(h)
  b = await installSettled(h)
  const stripe = h.stripeAs(a.accountId)
  const product = await stripe.products.create({ name: 'P' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 500,
    recurring: { interval: 'month' },
  })
  const customer = await stripe.customers.create({
    email: 'a@example.com',
    metadata: { tier: 'x' },
  })
  customerId = customer.id
  subscriptionId = (
    await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 3,
    })
  ).id
  await settle(h)
  await traitsWhen(h, a, customerId, (t) => t['subscription.status'] === 'trialing')
  const segment = await api(h, a).post('/api/v1/segments', {
    name: 'Tier x',
    rule: { match: 'all', rules: [{ trait: 'metadata.tier', op: 'equals', value: 'x' }] },
  })
  segmentId = segment.body.id
  endpointId = (
    await api(h, a).post('/api/v1/outbound/endpoints', { url: 'https://example.com/h' })
  ).body.id
})

afterAll(async () => {
  await h?.close()
})

test('GET /api/v1/customers/:id', async () => {
  expect((await api(h, a).get(`/api/v1/customers/${customerId}`)).status).toBe(200)
  expect((await api(h, b).get(`/api/v1/customers/${customerId}`)).status).toBe(404)
})

test('GET /api/v1/subscriptions/:id', async () => {
  expect((await api(h, a).get(`/api/v1/subscriptions/${subscriptionId}`)).status).toBe(200)
  expect((await api(h, b).get(`/api/v1/subscriptions/${subscriptionId}`)).status).toBe(404)
})

test("GET /api/v1/segments lists only the caller's segments", async () => {
  const list = await api(h, b).get('/api/v1/segments')
  expect(list.status).toBe(200)
  expect(list.body.segments.some((s: { id: string }) => s.id === segmentId)).toBe(false)
  expect(list.body.segments.every((s: { members: number }) => s.members === 0)).toBe(true)
})

test('GET /api/v1/segments/:id', async () => {
  expect((await api(h, b).get(`/api/v1/segments/${segmentId}`)).status).toBe(404)
})

test('GET /api/v1/segments/:id/customers', async () => {
  expect((await api(h, b).get(`/api/v1/segments/${segmentId}/customers`)).status).toBe(404)
})

test('GET /api/v1/segments/:id/export.csv', async () => {
  expect((await api(h, b).get(`/api/v1/segments/${segmentId}/export.csv`)).status).toBe(404)
})

test('PATCH /api/v1/segments/:id', async () => {
  expect((await api(h, b).patch(`/api/v1/segments/${segmentId}`, { name: 'mine' })).status).toBe(
    404
  )
  expect((await api(h, a).get(`/api/v1/segments/${segmentId}`)).body.name).toBe('Tier x')
})

test('DELETE /api/v1/segments/:id', async () => {
  expect((await api(h, b).delete(`/api/v1/segments/${segmentId}`)).status).toBe(404)
  expect((await api(h, a).get(`/api/v1/segments/${segmentId}`)).status).toBe(200)
})

test("POST /api/v1/segments creates in the caller's account only", async () => {
  const res = await api(h, b).post('/api/v1/segments', {
    name: 'B tier x',
    rule: { match: 'all', rules: [{ trait: 'metadata.tier', op: 'equals', value: 'x' }] },
  })
  expect(res.status).toBe(201)
  expect(res.body.members).toBe(0)
})

test("PUT /api/v1/stages/settings changes only the caller's mapping", async () => {
  const mapping = { trial: [], customer: ['trialing'], churned: [] }
  expect((await api(h, b).put('/api/v1/stages/settings', { mapping })).status).toBe(200)
  expect((await api(h, a).get('/api/v1/stages/settings')).body.mapping.trial).toEqual(['trialing'])
  expect((await api(h, a).get(`/api/v1/customers/${customerId}`)).body.stage.stage).toBe('trial')
})

test('GET /api/v1/stages/settings', async () => {
  expect((await api(h, b).get('/api/v1/stages/settings')).body.mapping.customer).toEqual([
    'trialing',
  ])
  expect((await api(h, a).get('/api/v1/stages/settings')).body.mapping.customer).not.toContain(
    'trialing'
  )
})

test('PUT /api/v1/settings/identity', async () => {
  await api(h, b).put('/api/v1/settings/identity', { kind: 'metadata', key: 'b_id' })
  expect((await api(h, a).get('/api/v1/settings/ingest-key')).body.identity).toEqual({
    kind: 'email',
  })
})

test('GET and POST /api/v1/settings/ingest-key', async () => {
  await api(h, a).post('/api/v1/settings/ingest-key')
  // B sees no key of A's, and B's own key cannot reach A's customer.
  expect((await api(h, b).get('/api/v1/settings/ingest-key')).body.exists).toBe(false)
  const key = (await api(h, b).post('/api/v1/settings/ingest-key')).body.key
  const res = await h.request('/v1/track', {
    method: 'POST',
    body: { customerId, event: 'x' },
    headers: { authorization: `Bearer ${key}` },
  })
  expect(res.status).toBe(404)
})

test('POST /v1/track', async () => {
  const key = (await api(h, b).post('/api/v1/settings/ingest-key')).body.key
  const res = await h.request('/v1/track', {
    method: 'POST',
    body: { email: 'a@example.com', event: 'x' },
    headers: { authorization: `Bearer ${key}` },
  })
  expect(res.status).toBe(404)
})

test('GET /api/v1/outbound/endpoints', async () => {
  expect((await api(h, b).get('/api/v1/outbound/endpoints')).body.endpoints).toEqual([])
})

test('POST /api/v1/outbound/endpoints', async () => {
  const res = await api(h, b).post('/api/v1/outbound/endpoints', { url: 'https://b.example.com/h' })
  expect(res.status).toBe(201)
  const own = await api(h, a).get('/api/v1/outbound/endpoints')
  expect(own.body.endpoints.map((e: { id: string }) => e.id)).toEqual([endpointId])
})

test('PATCH /api/v1/outbound/endpoints/:id', async () => {
  expect(
    (await api(h, b).patch(`/api/v1/outbound/endpoints/${endpointId}`, { enabled: false })).status
  ).toBe(404)
})

test('DELETE /api/v1/outbound/endpoints/:id', async () => {
  expect((await api(h, b).delete(`/api/v1/outbound/endpoints/${endpointId}`)).status).toBe(404)
})

test('GET /api/v1/outbound/endpoints/:id/deliveries', async () => {
  expect((await api(h, b).get(`/api/v1/outbound/endpoints/${endpointId}/deliveries`)).status).toBe(
    404
  )
  expect((await api(h, a).get(`/api/v1/outbound/endpoints/${endpointId}/deliveries`)).status).toBe(
    200
  )
})
