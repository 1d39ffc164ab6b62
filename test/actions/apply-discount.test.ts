// Apply a discount (offer coupon, existing coupon, promotion code) on top of the ones there.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import {
  arrange,
  emulatorSub,
  endpointCount,
  localSub,
  runsOf,
  send,
  sentToStripe,
  traitsOf,
  waitForLocal,
} from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

const couponOf = (h: Harness, accountId: string, discountId: string) =>
  h.emulator!.account(accountId, 'test').discounts.get(discountId)?.source.coupon

test('an offer coupon is added next to the existing discount; traits and MRR follow at once', async () => {
  const { m, sub, customer, stripe } = await arrange(h)
  const existing = await stripe.coupons.create({
    amount_off: 100,
    currency: 'usd',
    duration: 'forever',
  })
  await stripe.subscriptions.update(sub.id, { discounts: [{ coupon: existing.id }] })
  await waitForLocal(h, m, sub.id, (s) => s.discounts.length === 1, 'first discount synced')
  // …with its discount and coupon rows, so the MRR before the action counts it.
  await waitFor(async () => (await traitsOf(h, m, customer.id))?.['mrr.usd'] === 1900, {
    what: 'MRR with the first discount',
  })
  const keptId = emulatorSub(h, m, sub.id).discounts[0] as string

  const offer = await h.as(m).post('/api/v1/offers', {
    name: '25% for 3 months',
    kind: 'percent_off',
    percentOff: 25,
    duration: 'repeating',
    durationInMonths: 3,
  })
  expect(offer.status).toBe(201)
  const before = endpointCount(h, 'POST /v1/subscriptions/:id')
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'd1',
    offerId: offer.body.id,
  })
  expect(res.status).toBe(200)
  expect(res.body.offerId).toBe(offer.body.id)

  const discounts = emulatorSub(h, m, sub.id).discounts as string[]
  expect(discounts).toHaveLength(2)
  expect(discounts[0]).toBe(keptId)
  expect(couponOf(h, m.accountId, discounts[1]!)).toBe(offer.body.couponId)
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({
    discounts: [{ discount: keptId }, { coupon: offer.body.couponId }],
  })
  expect(res.body.subscription.discountIds).toEqual(discounts)
  expect((await localSub(h, m, sub.id))?.discounts).toEqual(discounts)
  // 2000 - 100 (forever amount) then 25 % off → 1425
  expect((await traitsOf(h, m, customer.id))?.['mrr.usd']).toBe(1425)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({
    kind: 'apply_discount',
    offerId: offer.body.id,
    mrrBefore: { usd: 1900 },
  })

  const replay = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'd1',
    offerId: offer.body.id,
  })
  expect(replay.body).toEqual(res.body)
  expect(endpointCount(h, 'POST /v1/subscriptions/:id') - before).toBe(1)
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(2)

  const twice = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'd2',
    offerId: offer.body.id,
  })
  expect(twice.status).toBe(409)
  expect(twice.body.error.message).toBe(
    `${sub.id} already has coupon ${offer.body.couponId}; it can't be applied twice.`
  )
})

test('an existing coupon and a promotion code by its code', async () => {
  const { m, sub, stripe } = await arrange(h)
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' })
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'c1',
    couponId: coupon.id,
  })
  expect(res.status).toBe(200)
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({
    discounts: [{ coupon: coupon.id }],
  })

  const other = await stripe.coupons.create({ amount_off: 300, currency: 'usd', duration: 'once' })
  const promo = await stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: other.id },
    code: 'STAY300',
  })
  const first = emulatorSub(h, m, sub.id).discounts[0] as string
  const viaCode = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'c2',
    promotionCode: 'STAY300',
  })
  expect(viaCode.status).toBe(200)
  expect(sentToStripe(h, m, viaCode.body.actionId)?.params).toEqual({
    discounts: [{ discount: first }, { promotion_code: promo.id }],
  })
  const discounts = emulatorSub(h, m, sub.id).discounts as string[]
  expect(discounts.map((d) => couponOf(h, m.accountId, d))).toEqual([coupon.id, other.id])
})

test('Stripe errors surface with Stripe message (unknown coupon → 422); unknown code → 422', async () => {
  const { m, sub } = await arrange(h)
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/apply-discount`, { clientKey: 'e1', couponId: 'NOPE' })
  expect(res.status).toBe(422)
  expect(res.body.error.message).toMatch(/No such coupon: 'NOPE'/)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ state: 'failed', error: res.body.error.message })
  expect(res.body.error.actionId).toBe(run!.id)
  expect(res.body.error.stripeRequestId).toBe(run!.stripeRequestId)
  const code = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'e2',
    promotionCode: 'NOTACODE',
  })
  expect(code.status).toBe(422)
  expect(code.body.error.message).toBe('No active promotion code "NOTACODE" in this account.')
  expect(emulatorSub(h, m, sub.id).discounts).toEqual([])
})

test('refusals: canceled subscription, offer of the wrong kind, archived offer, nothing to apply', async () => {
  const { m, sub, stripe } = await arrange(h)
  const pause = await h
    .as(m)
    .post('/api/v1/offers', { name: 'Pause 1 month', kind: 'pause', months: 1 })
  const wrong = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'w1',
    offerId: pause.body.id,
  })
  expect(wrong.status).toBe(409)
  expect(wrong.body.error.message).toBe(
    'Offer "Pause 1 month" is a pause offer; use it with pause-collection.'
  )

  const pct = await h
    .as(m)
    .post('/api/v1/offers', { name: 'Ten', kind: 'percent_off', percentOff: 10 })
  expect((await send(h, m, 'DELETE', `/api/v1/offers/${pct.body.id}`)).status).toBe(200)
  const archived = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/apply-discount`, {
    clientKey: 'w2',
    offerId: pct.body.id,
  })
  expect(archived.status).toBe(409)
  expect(archived.body.error.message).toBe('Offer "Ten" is archived; pick another offer.')

  const none = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/apply-discount`, { clientKey: 'w3' })
  expect(none.status).toBe(400)

  await stripe.subscriptions.cancel(sub.id)
  await waitForLocal(h, m, sub.id, (s) => s.status === 'canceled', 'canceled')
  const canceled = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/apply-discount`, { clientKey: 'w4', couponId: 'x' })
  expect(canceled.status).toBe(409)
  expect(canceled.body.error.message).toBe(
    `${sub.id} is canceled; it cannot be discounted. Create a new subscription instead.`
  )
  expect(await runsOf(h, m)).toHaveLength(0)
})

test("merchant B can't discount merchant A's subscription (404), nor with A's offer", async () => {
  const a = await arrange(h)
  const b = await arrange(h)
  const offer = await h
    .as(a.m)
    .post('/api/v1/offers', { name: 'A only', kind: 'percent_off', percentOff: 5 })
  const res = await h
    .as(b.m)
    .post(`/api/v1/subscriptions/${a.sub.id}/apply-discount`, { clientKey: 'x', couponId: 'x' })
  expect(res.status).toBe(404)
  const withOffer = await h.as(b.m).post(`/api/v1/subscriptions/${b.sub.id}/apply-discount`, {
    clientKey: 'y',
    offerId: offer.body.id,
  })
  expect(withOffer.status).toBe(404)
  expect(emulatorSub(h, a.m, a.sub.id).discounts).toEqual([])
  expect(emulatorSub(h, b.m, b.sub.id).discounts).toEqual([])
})

test('test/live separation: a test-mode offer is refused in live mode', async () => {
  const test = await arrange(h)
  const offer = await h
    .as(test.m)
    .post('/api/v1/offers', { name: 'Test 20', kind: 'percent_off', percentOff: 20 })
  const live = await arrange(h, { mode: 'live', accountId: test.m.accountId })
  const res = await h.as(live.m).post(`/api/v1/subscriptions/${live.sub.id}/apply-discount`, {
    clientKey: 'l1',
    offerId: offer.body.id,
  })
  expect(res.status).toBe(409)
  expect(res.body.error.message).toBe(
    'Offer "Test 20" is a test-mode offer; it cannot be used in live mode.'
  )
  expect(
    h.emulator!.account(live.m.accountId, 'live').subscriptions.get(live.sub.id)?.discounts
  ).toEqual([])
  // …and it is not listed there either.
  const listed = await h.as(live.m).get('/api/v1/offers')
  expect(listed.body.data).toEqual([])
})
