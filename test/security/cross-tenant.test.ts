// Merchant B can never read or change merchant A's data through any /api route. Every route of the
// app is listed here: a new /api route without an entry fails this test until someone adds one.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { eq } from 'drizzle-orm'
import { stripeSubscriptions, syncRuns } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

type Ids = Record<
  'customer' | 'subscription' | 'segment' | 'offer' | 'endpoint' | 'price' | 'run',
  string
>
type Probe = { body?: (ids: Ids) => unknown; query?: string }

/** Routes addressing one of A's objects by id: B must get 404. */
const byId: Record<string, Probe> = {
  'GET /api/v1/customers/:id': {},
  'GET /api/v1/subscriptions/:id': {},
  'GET /api/v1/subscriptions/:id/plan-options': {},
  'GET /api/v1/subscriptions/:id/discount-options': { query: '?kind=coupon' },
  'GET /api/v1/segments/:id': {},
  'PATCH /api/v1/segments/:id': { body: () => ({ name: 'Taken over' }) },
  'DELETE /api/v1/segments/:id': {},
  'GET /api/v1/segments/:id/customers': {},
  'GET /api/v1/segments/:id/export.csv': {},
  'PATCH /api/v1/outbound/endpoints/:id': { body: () => ({ enabled: false }) },
  'DELETE /api/v1/outbound/endpoints/:id': {},
  'GET /api/v1/outbound/endpoints/:id/deliveries': {},
  'POST /api/v1/subscriptions/:id/pause-collection': {
    body: () => ({ clientKey: 'x-pause', months: 1 }),
  },
  'POST /api/v1/subscriptions/:id/resume-collection': { body: () => ({ clientKey: 'x-resume' }) },
  'POST /api/v1/subscriptions/:id/pause-subscription': { body: () => ({ clientKey: 'x-spause' }) },
  'POST /api/v1/subscriptions/:id/resume-subscription': {
    body: () => ({ clientKey: 'x-sresume' }),
  },
  'POST /api/v1/subscriptions/:id/apply-discount': {
    body: () => ({ clientKey: 'x-disc', couponId: 'any_coupon' }),
  },
  'POST /api/v1/subscriptions/:id/change-plan/preview': { body: (ids) => ({ priceId: ids.price }) },
  'POST /api/v1/subscriptions/:id/apply-discount/check': {
    body: () => ({ couponId: 'any_coupon' }),
  },
  'POST /api/v1/subscriptions/:id/change-plan': {
    body: (ids) => ({ clientKey: 'x-plan', priceId: ids.price }),
  },
  'POST /api/v1/subscriptions/:id/cancel': { body: () => ({ clientKey: 'x-cancel', when: 'now' }) },
  'POST /api/v1/subscriptions/:id/reactivate': { body: () => ({ clientKey: 'x-react' }) },
  'POST /api/v1/subscriptions/:id/extend-trial': {
    body: () => ({ clientKey: 'x-trial', days: 3 }),
  },
  'GET /api/v1/offers/:id': {},
  'PATCH /api/v1/offers/:id': { body: () => ({ name: 'Taken over' }) },
  'DELETE /api/v1/offers/:id': {},
  'GET /api/v1/sync/runs/:runId': {},
}

/** Routes without an id: they act on the caller's own account only; B's answer shows none of A's ids. */
const own = new Set([
  'GET /api/v1/account',
  'POST /api/v1/account/api-key/check',
  'POST /api/v1/account/api-key',
  'POST /api/v1/account/disconnect',
  'GET /api/v1/segments',
  'POST /api/v1/segments',
  'POST /api/v1/segments/preview',
  'GET /api/v1/stages/settings',
  'PUT /api/v1/stages/settings',
  'GET /api/v1/settings/ingest-key',
  'POST /api/v1/settings/ingest-key',
  'PUT /api/v1/settings/identity',
  'GET /api/v1/settings/guardrails',
  'PUT /api/v1/settings/guardrails',
  // :role is a Dashboard role name, not an object id: each account has its own overrides
  // (test/security/roles.test.ts checks another account keeps the default).
  'GET /api/v1/settings/roles',
  'PUT /api/v1/settings/roles/:role',
  'DELETE /api/v1/settings/roles/:role',
  'GET /api/v1/outbound/endpoints',
  'POST /api/v1/outbound/endpoints',
  'GET /api/v1/actions/summary',
  'GET /api/v1/actions',
  'GET /api/v1/offers',
  'POST /api/v1/offers',
  'GET /api/v1/sync',
  'POST /api/v1/sync/import',
  'POST /api/v1/sync/reconcile',
])
const readsOwn = [
  'GET /api/v1/segments',
  'GET /api/v1/outbound/endpoints',
  'GET /api/v1/actions',
  'GET /api/v1/offers',
  'GET /api/v1/actions/summary',
]

let h: Harness
let a: { accountId: string }
let b: { accountId: string }
let ids: Ids

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  a = await h.installMerchant()
  b = await h.installMerchant()
  const stripe = h.stripeAs(a.accountId)
  const product = await stripe.products.create({ name: 'Pro' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 2000,
    recurring: { interval: 'month' },
  })
  const other = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 4000,
    recurring: { interval: 'month' },
  })
  const customer = await stripe.customers.create({
    email: 'a@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  })
  await waitFor(
    async () => (await h.db().select().from(stripeSubscriptions)).some((s) => s.id === sub.id),
    { what: 'subscription synced' }
  )
  const segments = (await h.as(a).get('/api/v1/segments')).body.segments
  const offer = (
    await h.as(a).post('/api/v1/offers', { name: 'Ten off', kind: 'percent_off', percentOff: 10 })
  ).body
  const endpoint = (
    await h.as(a).post('/api/v1/outbound/endpoints', { url: 'https://hooks.example.com/a' })
  ).body
  const [run] = await h.db().select().from(syncRuns).where(eq(syncRuns.accountId, a.accountId))
  ids = {
    customer: customer.id,
    subscription: sub.id,
    segment: segments[0].id,
    offer: offer.id,
    endpoint: endpoint.id,
    price: other.id,
    run: run!.id,
  }
  for (const [k, v] of Object.entries(ids)) expect(v, k).toBeTruthy()
})

afterAll(async () => {
  await h?.close()
})

function apiRoutes(): string[] {
  const seen = new Set<string>()
  for (const r of h.app.routes)
    if (r.method !== 'ALL' && r.path.startsWith('/api/')) seen.add(`${r.method} ${r.path}`)
  return [...seen].sort()
}

test('every /api route is covered by this test', () => {
  const missing = apiRoutes().filter((r) => !(r in byId) && !own.has(r))
  expect(missing, 'add these routes to test/security/cross-tenant.test.ts').toEqual([])
})

test.each(Object.keys(byId))(
  "%s with A's id answers 404 to B and changes nothing",
  async (route) => {
    expect(apiRoutes(), 'a listed route no longer exists').toContain(route)
    const [method, pattern] = route.split(' ') as [string, string]
    const idFor: Array<[string, string]> = [
      ['/api/v1/customers/', ids.customer],
      ['/api/v1/subscriptions/', ids.subscription],
      ['/api/v1/segments/', ids.segment],
      ['/api/v1/offers/', ids.offer],
      ['/api/v1/outbound/endpoints/', ids.endpoint],
      ['/api/v1/sync/runs/', ids.run],
    ]
    const param = idFor.find(([prefix]) => pattern.startsWith(prefix))?.[1]
    expect(param, `no id for ${route}`).toBeDefined()
    const path = pattern.replace(/:\w+/, param!) + (byId[route]!.query ?? '')
    const body = byId[route]!.body?.(ids)
    const { extensionHeaders } = await import('../support/signing')
    const res = await h.request(path, {
      method,
      headers: extensionHeaders(b, undefined, Math.floor(h.deps.now().getTime() / 1000)),
      ...(body !== undefined
        ? { body }
        : method === 'GET' || method === 'DELETE'
          ? {}
          : { body: {} }),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(404)
    expect(JSON.stringify(res.body ?? '')).not.toContain('a@example.com')

    // A's objects are untouched.
    const sub = h.emulator!.account(a.accountId, 'test').subscriptions.get(ids.subscription)!
    expect(sub.status).toBe('active')
    expect(sub.pause_collection).toBeNull()
    expect(sub.cancel_at_period_end).toBe(false)
    expect((await h.as(a).get(`/api/v1/offers/${ids.offer}`)).status).toBe(200)
    expect((await h.as(a).get(`/api/v1/segments/${ids.segment}`)).status).toBe(200)
  }
)

test.each(readsOwn)("%s shows B none of A's objects", async (route) => {
  const res = await h.as(b).get(route.split(' ')[1]!)
  expect(res.status).toBe(200)
  const text = JSON.stringify(res.body)
  for (const id of Object.values(ids)) expect(text).not.toContain(id)
})
