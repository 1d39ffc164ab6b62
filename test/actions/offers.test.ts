// Offers CRUD: discount offers create their coupon at Stripe; offers stay in their account + mode.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { send } from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

test('discount offers create their coupon in the merchant account', async () => {
  const m = await h.installMerchant()
  const state = () => h.emulator!.account(m.accountId, 'test')
  const pct = await h.as(m).post('/api/v1/offers', {
    name: '30% off for 2 months',
    kind: 'percent_off',
    percentOff: 30,
    duration: 'repeating',
    durationInMonths: 2,
  })
  expect(pct.status).toBe(201)
  expect(pct.body).toMatchObject({ kind: 'percent_off', mode: 'test', archived: false })
  expect(state().coupons.get(pct.body.couponId)).toMatchObject({
    percent_off: 30,
    duration: 'repeating',
    duration_in_months: 2,
    metadata: { holdfast_offer: pct.body.id },
  })
  const amount = await h.as(m).post('/api/v1/offers', {
    name: '$5 off',
    kind: 'amount_off',
    amountOff: 500,
    currency: 'USD',
    duration: 'forever',
  })
  expect(state().coupons.get(amount.body.couponId)).toMatchObject({
    amount_off: 500,
    currency: 'usd',
    duration: 'forever',
  })
  const free = await h
    .as(m)
    .post('/api/v1/offers', { name: 'Free quarter', kind: 'free_period', months: 3 })
  expect(state().coupons.get(free.body.couponId)).toMatchObject({
    percent_off: 100,
    duration: 'repeating',
    duration_in_months: 3,
  })
  const pause = await h
    .as(m)
    .post('/api/v1/offers', { name: 'Pause', kind: 'pause', months: 2, behavior: 'void' })
  expect(pause.body).toMatchObject({ couponId: null, params: { months: 2, behavior: 'void' } })

  const list = await h.as(m).get('/api/v1/offers')
  expect(list.body.data.map((o: { name: string }) => o.name).sort()).toEqual(
    ['$5 off', '30% off for 2 months', 'Free quarter', 'Pause'].sort()
  )
  const renamed = await send(h, m, 'PATCH', `/api/v1/offers/${pause.body.id}`, { name: 'Pause 2' })
  expect(renamed.body.name).toBe('Pause 2')
  const archived = await send(h, m, 'DELETE', `/api/v1/offers/${pause.body.id}`)
  expect(archived.body.archived).toBe(true)
  expect((await h.as(m).get('/api/v1/offers')).body.data).toHaveLength(3)
  expect((await h.as(m).get('/api/v1/offers?includeArchived=true')).body.data).toHaveLength(4)
  expect((await h.as(m).get(`/api/v1/offers/${pause.body.id}`)).body.name).toBe('Pause 2')
})

test('invalid offers are refused with what to fix', async () => {
  const m = await h.installMerchant()
  const repeating = await h.as(m).post('/api/v1/offers', {
    name: 'x',
    kind: 'percent_off',
    percentOff: 10,
    duration: 'repeating',
  })
  expect(repeating.status).toBe(400)
  expect(repeating.body.error.message).toMatch(/durationInMonths/)
  const tooMuch = await h
    .as(m)
    .post('/api/v1/offers', { name: 'x', kind: 'percent_off', percentOff: 120 })
  expect(tooMuch.status).toBe(400)
  const price = await h
    .as(m)
    .post('/api/v1/offers', { name: 'x', kind: 'switch_price', priceId: 'price_nope' })
  expect(price.status).toBe(422)
  expect(price.body.error.message).toMatch(/No such price/)
  expect(h.emulator!.account(m.accountId, 'test').coupons.size).toBe(0)
})

test("merchant B can't read, rename or archive merchant A's offers (404)", async () => {
  const a = await h.installMerchant()
  const b = await h.installMerchant()
  const offer = await h.as(a).post('/api/v1/offers', { name: 'A', kind: 'extend_trial', days: 7 })
  expect((await h.as(b).get(`/api/v1/offers/${offer.body.id}`)).status).toBe(404)
  expect((await send(h, b, 'PATCH', `/api/v1/offers/${offer.body.id}`, { name: 'B' })).status).toBe(
    404
  )
  expect((await send(h, b, 'DELETE', `/api/v1/offers/${offer.body.id}`)).status).toBe(404)
  expect((await h.as(b).get('/api/v1/offers')).body.data).toEqual([])
  expect((await h.as(a).get(`/api/v1/offers/${offer.body.id}`)).body).toMatchObject({
    name: 'A',
    archived: false,
  })
})

test('a live-mode offer creates its coupon in live mode and is invisible in test mode', async () => {
  const testMode = await h.installMerchant()
  const live = await h.installMerchant({ mode: 'live', accountId: testMode.accountId })
  const offer = await h
    .as(live)
    .post('/api/v1/offers', { name: 'Live 10', kind: 'percent_off', percentOff: 10 })
  expect(offer.body.mode).toBe('live')
  expect(h.emulator!.account(live.accountId, 'live').coupons.get(offer.body.couponId)).toBeDefined()
  expect(h.emulator!.account(live.accountId, 'test').coupons.size).toBe(0)
  expect((await h.as(testMode).get(`/api/v1/offers/${offer.body.id}`)).status).toBe(404)
})
