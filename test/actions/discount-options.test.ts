// GET /subscriptions/:id/discount-options: what the discount picker offers instead of a typed
// coupon id: the account's synced coupons (or promotion codes) that Stripe would accept on this
// subscription, one page at a time, searchable, per account and mode.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { and, eq, inArray, isNotNull } from 'drizzle-orm'
import { DiscountOptions } from '@holdfast/shared/api/actions'
import { stripeCoupons, stripePromotionCodes } from '../../backend/src/db/schema'
import { waitFor } from '../support/wait'
import { startHarness, type Harness } from '../support/harness'
import { arrange } from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

test('valid coupons in the currency, active codes with their terms; paged, searchable, scoped', async () => {
  const { m, stripe, sub } = await arrange(h)
  const spring = await stripe.coupons.create({
    name: 'Spring 20',
    percent_off: 20,
    duration: 'repeating',
    duration_in_months: 3,
  })
  const fiver = await stripe.coupons.create({
    name: 'Five off',
    amount_off: 500,
    currency: 'usd',
    duration: 'once',
  })
  const euro = await stripe.coupons.create({
    name: 'Euro 5',
    amount_off: 500,
    currency: 'eur',
    duration: 'once',
  })
  const gone = await stripe.coupons.create({ name: 'Gone 50', percent_off: 50, duration: 'once' })
  await stripe.coupons.del(gone.id)
  const code = await stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: spring.id },
    code: 'COMEBACK20',
  } as never)
  const off = await stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: fiver.id },
    code: 'OLDCODE',
  } as never)
  await stripe.promotionCodes.update(off.id, { active: false })
  // Coupons and codes arrive by webhook, in any order.
  await waitFor(
    async () => {
      const coupons = await h
        .db()
        .select({ id: stripeCoupons.id })
        .from(stripeCoupons)
        .where(inArray(stripeCoupons.id, [spring.id, fiver.id, euro.id]))
      const deleted = await h
        .db()
        .select({ id: stripeCoupons.id })
        .from(stripeCoupons)
        .where(and(eq(stripeCoupons.id, gone.id), isNotNull(stripeCoupons.deletedAt)))
      const codes = await h
        .db()
        .select({ id: stripePromotionCodes.id, data: stripePromotionCodes.data })
        .from(stripePromotionCodes)
        .where(inArray(stripePromotionCodes.id, [code.id, off.id]))
      const offRow = codes.find((c) => c.id === off.id)
      return (
        coupons.length === 3 &&
        deleted.length === 1 &&
        codes.length === 2 &&
        (offRow?.data as { active?: boolean }).active === false
      )
    },
    { what: 'coupons and promotion codes synced' }
  )
  const get = async (query: string, as: Parameters<Harness['as']>[0] = m) => {
    const res = await h.as(as).get(`/api/v1/subscriptions/${sub.id}/discount-options?${query}`)
    return {
      status: res.status,
      body: res.status === 200 ? DiscountOptions.parse(res.body) : res.body,
    }
  }

  const coupons = await get('kind=coupon')
  expect(coupons.status).toBe(200)
  const page = coupons.body as DiscountOptions
  expect(page.currency).toBe('usd')
  expect(page.nextCursor).toBeNull()
  expect(page.data).toEqual(
    [
      {
        kind: 'coupon',
        id: spring.id,
        name: 'Spring 20',
        percentOff: 20,
        amountOff: null,
        currency: null,
        duration: 'repeating',
        durationInMonths: 3,
      },
      {
        kind: 'coupon',
        id: fiver.id,
        name: 'Five off',
        percentOff: null,
        amountOff: 500,
        currency: 'usd',
        duration: 'once',
        durationInMonths: null,
      },
    ].sort((a, b) => (a.id < b.id ? -1 : 1))
  )
  // A EUR amount off (Stripe refuses it on a USD subscription) and a deleted coupon never show.
  const ids = page.data.map((o) => o.id)
  expect(ids).not.toContain(euro.id)
  expect(ids).not.toContain(gone.id)

  const codes = (await get('kind=promotion_code')).body as DiscountOptions
  expect(codes.data).toEqual([
    expect.objectContaining({
      kind: 'promotion_code',
      id: code.id,
      name: 'COMEBACK20',
      percentOff: 20,
    }),
  ])

  // Search by part of a name (case-insensitive) or code; LIKE wildcards are literal.
  expect(
    ((await get('kind=coupon&q=spring')).body as DiscountOptions).data.map((o) => o.id)
  ).toEqual([spring.id])
  expect(((await get('kind=promotion_code&q=back')).body as DiscountOptions).data).toHaveLength(1)
  expect(((await get('kind=coupon&q=%25')).body as DiscountOptions).data).toEqual([])

  // One per page: the cursor walks both, then stops.
  const first = (await get('kind=coupon&limit=1')).body as DiscountOptions
  expect(first.data).toHaveLength(1)
  expect(first.nextCursor).toBe(first.data[0]!.id)
  const second = (await get(`kind=coupon&limit=1&cursor=${first.nextCursor}`))
    .body as DiscountOptions
  expect(second.data.map((o) => o.id)).toEqual(ids.filter((i) => i !== first.data[0]!.id))
  expect(second.nextCursor).toBeNull()

  // Input limits.
  for (const bad of [
    '',
    'kind=gift',
    'kind=coupon&limit=0',
    'kind=coupon&limit=101',
    `kind=coupon&q=${'a'.repeat(101)}`,
  ])
    expect((await get(bad)).status, bad).toBe(400)

  // Another merchant, and this merchant in live mode, see none of it.
  const other = await h.installMerchant()
  expect((await get('kind=coupon', other)).status).toBe(404)
  const live = await arrange(h, { mode: 'live', accountId: m.accountId })
  const liveRes = await h
    .as(live.m)
    .get(`/api/v1/subscriptions/${live.sub.id}/discount-options?kind=coupon`)
  expect(liveRes.status).toBe(200)
  expect(DiscountOptions.parse(liveRes.body).data).toEqual([])
  expect((await get('kind=coupon', live.m)).status).toBe(404)
})
