// GET /subscriptions/:id/plan-options: what the plan-change picker (and `npm run demo:act`)
// chooses from: the subscription's items, and the synced active recurring prices in its currency
// grouped by product. A price in another currency, a one-time price or an archived one is never
// offered (Stripe would refuse it on this subscription: the demo's 409s).
import { afterAll, beforeAll, expect, test } from 'vitest'
import { inArray } from 'drizzle-orm'
import type Stripe from 'stripe'
import { PlanOptions } from '@holdfast/shared/api/actions'
import { stripePrices } from '../../backend/src/db/schema'
import { waitFor } from '../support/wait'
import { startHarness, type Harness } from '../support/harness'
import { arrange } from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

test('items of the subscription, and same-currency active recurring prices by product', async () => {
  const { m, stripe, sub, price, bigger, product } = await arrange(h)
  const basic = await stripe.products.create({ name: 'Basic' })
  const yearly = await stripe.prices.create({
    product: basic.id,
    currency: 'usd',
    unit_amount: 9900,
    recurring: { interval: 'year' },
  })
  const euro = await stripe.prices.create({
    product: basic.id,
    currency: 'eur',
    unit_amount: 900,
    recurring: { interval: 'month' },
  })
  const oneTime = await stripe.prices.create({
    product: basic.id,
    currency: 'usd',
    unit_amount: 100,
  })
  const archived = await stripe.prices.create({
    product: basic.id,
    currency: 'usd',
    unit_amount: 500,
    recurring: { interval: 'month' },
  })
  await stripe.prices.update(archived.id, { active: false })
  const get = () => h.as(m).get(`/api/v1/subscriptions/${sub.id}/plan-options`)
  // The new prices arrive by webhook, in any order: wait until all four are stored and the archived
  // one is stored inactive (an absent price would pass a check on the picker's answer alone).
  const created = [yearly.id, euro.id, oneTime.id, archived.id]
  await waitFor(
    async () => {
      const rows = await h
        .db()
        .select({ id: stripePrices.id, data: stripePrices.data })
        .from(stripePrices)
        .where(inArray(stripePrices.id, created))
      const archivedRow = rows.find((r) => r.id === archived.id)
      return rows.length === created.length && (archivedRow?.data as Stripe.Price).active === false
    },
    { what: 'the new prices synced' }
  )
  const res = await get()
  expect(res.status).toBe(200)
  const options = PlanOptions.parse(res.body)
  expect(options.currency).toBe('usd')
  expect(options.items).toEqual([
    expect.objectContaining({
      itemId: sub.items.data[0]!.id,
      priceId: price.id,
      productName: 'Pro',
      unitAmount: 2000,
      interval: 'month',
      quantity: 1,
    }),
  ])
  expect(options.products.map((p) => [p.productName, p.prices.map((x) => x.priceId)])).toEqual([
    ['Basic', [yearly.id]],
    [product.name, [price.id, bigger.id]],
  ])
  const offered = options.products.flatMap((p) => p.prices.map((x) => x.priceId))
  for (const never of [euro.id, oneTime.id, archived.id]) expect(offered).not.toContain(never)

  // Another merchant's subscription is not found here.
  const other = await h.installMerchant()
  expect((await h.as(other).get(`/api/v1/subscriptions/${sub.id}/plan-options`)).status).toBe(404)
})
