// Offer guardrails end to end: the merchant's limits in settings, the check the sheet shows before
// Confirm, and the refusal on Confirm (409 cooldown / maximum, 403 above the approval limit),
// with nothing sent to Stripe and no audit row for a refused discount.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { extensionHeaders } from '../support/signing'
import { arrange, emulatorSub, endpointCount, runsOf, type Merchant } from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

const UPDATE = 'POST /v1/subscriptions/:id'
const OFF = {
  cooldownDays: null,
  maxDiscountsPerCustomer: null,
  approvalAbovePercentOff: null,
  approvalAboveMonths: null,
}

function as(m: Merchant, roles: string[]) {
  const headers = () =>
    extensionHeaders({ ...m, roles }, undefined, Math.floor(h.deps.now().getTime() / 1000))
  return {
    post: (path: string, body: unknown) =>
      h.request(path, { method: 'POST', body, headers: headers() }),
    put: (path: string, body: unknown) =>
      h.request(path, { method: 'PUT', body, headers: headers() }),
    get: (path: string) => h.request(path, { method: 'GET', headers: headers() }),
  }
}

test('settings: administrators set the guardrails, a support specialist may not; bad values are 400', async () => {
  const { m } = await arrange(h)
  const admin = as(m, ['admin'])
  expect((await admin.get('/api/v1/settings/guardrails')).body).toEqual(OFF)
  const set = { ...OFF, cooldownDays: 30, approvalAbovePercentOff: 25 }
  const saved = await admin.put('/api/v1/settings/guardrails', set)
  expect(saved.status).toBe(200)
  expect((await admin.get('/api/v1/settings/guardrails')).body).toEqual(set)
  const agent = await as(m, ['support_specialist']).put('/api/v1/settings/guardrails', OFF)
  expect(agent.status).toBe(403)
  const bad = await admin.put('/api/v1/settings/guardrails', { ...OFF, cooldownDays: -1 })
  expect(bad.status).toBe(400)
  expect((await admin.get('/api/v1/settings/guardrails')).body).toEqual(set)
})

test('cooldown: a second discount within N days is refused (409) with the date it is allowed again', async () => {
  const { m, sub, stripe } = await arrange(h)
  await as(m, ['admin']).put('/api/v1/settings/guardrails', { ...OFF, cooldownDays: 30 })
  const agent = as(m, ['support_specialist'])
  const first = await stripe.coupons.create({ percent_off: 10, duration: 'once' })
  const second = await stripe.coupons.create({ percent_off: 15, duration: 'once' })
  const path = `/api/v1/subscriptions/${sub.id}/apply-discount`
  const ok = await agent.post(path, { clientKey: 'g1', couponId: first.id })
  expect(ok.status, JSON.stringify(ok.body)).toBe(200)

  const check = await agent.post(`${path}/check`, { couponId: second.id })
  expect(check.status).toBe(200)
  const until = new Date(h.deps.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10)
  expect(check.body).toMatchObject({ allowed: false, status: 409 })
  expect(check.body.reason).toMatch(new RegExp(`next one is allowed from ${until}`))
  const before = endpointCount(h, UPDATE)
  const refused = await agent.post(path, { clientKey: 'g2', couponId: second.id })
  expect(refused.status).toBe(409)
  expect(refused.body.error.message).toBe(check.body.reason)
  expect(endpointCount(h, UPDATE)).toBe(before)
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(1)
  expect((await runsOf(h, m)).map((r) => r.clientKey)).toEqual(['g1'])
})

test('maximum per customer counts the discounts Holdfast gave across the customer', async () => {
  const { m, sub, stripe } = await arrange(h)
  await as(m, ['admin']).put('/api/v1/settings/guardrails', { ...OFF, maxDiscountsPerCustomer: 1 })
  const agent = as(m, ['support_specialist'])
  const path = `/api/v1/subscriptions/${sub.id}/apply-discount`
  const a = await stripe.coupons.create({ percent_off: 10, duration: 'once' })
  const b = await stripe.coupons.create({ percent_off: 10, duration: 'once' })
  const before = await agent.post(`${path}/check`, { couponId: a.id })
  expect(before.body).toEqual({
    allowed: true,
    reason: null,
    status: null,
    notes: ['Discount 1 of at most 1 for this customer.'],
  })
  expect((await agent.post(path, { clientKey: 'm1', couponId: a.id })).status).toBe(200)
  const refused = await agent.post(path, { clientKey: 'm2', couponId: b.id })
  expect(refused.status).toBe(409)
  expect(refused.body.error.message).toBe(
    'This customer already had 1 discount from Holdfast; the limit is 1 per customer.'
  )
})

test('approval: deeper or longer than the limit needs an administrator (403 for others), offers and coupons alike', async () => {
  const { m, sub, stripe } = await arrange(h)
  const admin = as(m, ['admin'])
  await admin.put('/api/v1/settings/guardrails', {
    ...OFF,
    approvalAbovePercentOff: 20,
    approvalAboveMonths: 3,
  })
  const agent = as(m, ['support_specialist'])
  const path = `/api/v1/subscriptions/${sub.id}/apply-discount`
  const deep = await stripe.coupons.create({ percent_off: 50, duration: 'once' })
  const refused = await agent.post(path, { clientKey: 'a1', couponId: deep.id })
  expect(refused.status).toBe(403)
  expect(refused.body.error.message).toBe(
    'This discount needs an administrator: 50% off is deeper than 20%, the limit set in Holdfast settings.'
  )
  const offer = await admin.post('/api/v1/offers', {
    name: 'Six free months',
    kind: 'free_period',
    months: 6,
  })
  expect(offer.status).toBe(201)
  const check = await agent.post(`${path}/check`, { offerId: offer.body.id })
  expect(check.body).toMatchObject({ allowed: false, status: 403 })
  expect(check.body.reason).toMatch(/100% off is deeper than 20% and 6 months is longer than 3/)
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(0)

  const adminCheck = await admin.post(`${path}/check`, { couponId: deep.id })
  expect(adminCheck.body.allowed).toBe(true)
  expect(adminCheck.body.notes[0]).toMatch(/allowed because you are an administrator/)
  const byAdmin = await admin.post(path, { clientKey: 'a2', couponId: deep.id })
  expect(byAdmin.status).toBe(200)
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(1)
  const runs = await runsOf(h, m)
  expect(runs.map((r) => [r.clientKey, r.userRoles])).toEqual([['a2', ['admin']]])
})
