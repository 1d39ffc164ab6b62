// Change plan: preview (invoices.createPreview) then confirm with the same proration date.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import {
  arrange,
  emulatorSub,
  endpointCount,
  localSub,
  runsOf,
  sentToStripe,
  traitsOf,
  waitForLocal,
} from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

test('preview then change plan: quantity kept, proration date reused, everything updated', async () => {
  const { m, sub, customer, bigger, price } = await arrange(h, { quantity: 3 })
  const itemId = sub.items.data[0]!.id
  h.emulator!.advance(10 * 86_400) // a third of the way into the period
  const preview = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/change-plan/preview`, { priceId: bigger.id })
  expect(preview.status).toBe(200)
  expect(preview.body).toMatchObject({
    subscriptionId: sub.id,
    itemId,
    fromPriceId: price.id,
    toPriceId: bigger.id,
    quantity: 3,
    prorationBehavior: 'create_prorations',
    dueNow: { amount: 0, currency: 'usd' },
  })
  // Prorations: credit for unused 2000×3, charge for 5000×3, for ~2/3 of the period.
  expect(preview.body.prorations.amount).toBeGreaterThan(5000)
  expect(preview.body.prorations.amount).toBeLessThan(3 * 3000)
  expect(preview.body.nextInvoice.amount).toBe(15000 + preview.body.prorations.amount)
  // The preview was no write at Stripe.
  expect(emulatorSub(h, m, sub.id).items.data[0]!.price.id).toBe(price.id)

  h.emulator!.advance(30) // the agent reads, then confirms
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'cp-1',
    priceId: bigger.id,
    prorationDate: preview.body.prorationDate,
  })
  expect(res.status).toBe(200)
  const item = emulatorSub(h, m, sub.id).items.data[0]!
  expect(item.price.id).toBe(bigger.id)
  expect(item.quantity).toBe(3)
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({
    items: [{ id: itemId, price: bigger.id, quantity: '3' }],
    proration_behavior: 'create_prorations',
    proration_date: String(preview.body.prorationDate),
    billing_cycle_anchor: { type: 'unchanged' },
  })
  expect(res.body.subscription.items).toEqual([{ id: itemId, priceId: bigger.id, quantity: 3 }])
  expect((await localSub(h, m, sub.id))?.items.data[0]?.price.id).toBe(bigger.id)
  const traits = await traitsOf(h, m, customer.id)
  expect(traits?.['subscription.price_id']).toBe(bigger.id)
  expect(traits?.['mrr.usd']).toBe(15000)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ kind: 'change_plan', state: 'succeeded', mrrBefore: { usd: 6000 } })

  const before = endpointCount(h, 'POST /v1/subscriptions/:id')
  const replay = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'cp-1',
    priceId: bigger.id,
    prorationDate: preview.body.prorationDate,
  })
  expect(replay.body).toEqual(res.body)
  expect(endpointCount(h, 'POST /v1/subscriptions/:id')).toBe(before)
})

test('always_invoice: the preview says what is due now; none sends no proration date', async () => {
  const { m, sub, bigger } = await arrange(h)
  h.emulator!.advance(15 * 86_400)
  const preview = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan/preview`, {
    priceId: bigger.id,
    prorationBehavior: 'always_invoice',
  })
  expect(preview.status).toBe(200)
  expect(preview.body.dueNow.amount).toBeGreaterThan(0)
  expect(preview.body.dueNow.amount).toBe(preview.body.prorations.amount)
  expect(preview.body.nextInvoice.amount).toBe(5000)

  const none = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'n1',
    priceId: bigger.id,
    prorationBehavior: 'none',
  })
  expect(none.status).toBe(200)
  expect(sentToStripe(h, m, none.body.actionId)?.params).toEqual({
    items: [{ id: sub.items.data[0]!.id, price: bigger.id, quantity: '1' }],
    proration_behavior: 'none',
    billing_cycle_anchor: { type: 'unchanged' },
  })
})

test('a switch-price offer carries the price and the proration choice', async () => {
  const { m, sub, bigger } = await arrange(h)
  const offer = await h.as(m).post('/api/v1/offers', {
    name: 'Upgrade, no prorations',
    kind: 'switch_price',
    priceId: bigger.id,
    prorationBehavior: 'none',
  })
  expect(offer.status).toBe(201)
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'o1',
    offerId: offer.body.id,
  })
  expect(res.status).toBe(200)
  expect(sentToStripe(h, m, res.body.actionId)?.params).toMatchObject({
    proration_behavior: 'none',
    items: [{ price: bigger.id }],
  })
})

test('refusals: same price, other currency, one-time price, canceled', async () => {
  const { m, sub, price, product, stripe } = await arrange(h)
  const path = `/api/v1/subscriptions/${sub.id}/change-plan`
  const same = await h.as(m).post(path, { clientKey: 'r1', priceId: price.id })
  expect(same.status).toBe(409)
  expect(same.body.error.message).toBe(`${sub.id} is already on price ${price.id}.`)
  const eur = await stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: 1800,
    recurring: { interval: 'month' },
  })
  const currency = await h.as(m).post(path, { clientKey: 'r2', priceId: eur.id })
  expect(currency.status).toBe(409)
  expect(currency.body.error.message).toBe(
    `Price ${eur.id} is in EUR but ${sub.id} bills in USD; pick a USD price.`
  )
  const once = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 500,
  })
  const oneTime = await h.as(m).post(`${path}/preview`, { priceId: once.id })
  expect(oneTime.status).toBe(409)
  expect(oneTime.body.error.message).toBe(
    `Price ${once.id} is a one-time price; a subscription needs a recurring price.`
  )
  const missing = await h.as(m).post(path, { clientKey: 'r3', priceId: 'price_missing' })
  expect(missing.status).toBe(422)
  expect(missing.body.error.message).toMatch(/No such price: 'price_missing'/)
  await stripe.subscriptions.cancel(sub.id)
  await waitForLocal(h, m, sub.id, (s) => s.status === 'canceled', 'canceled')
  const canceled = await h.as(m).post(path, { clientKey: 'r4', priceId: eur.id })
  expect(canceled.status).toBe(409)
  expect(canceled.body.error.message).toBe(
    `${sub.id} is canceled; it cannot be changed. Create a new subscription instead.`
  )
  expect(await runsOf(h, m)).toHaveLength(0)
})

test('Stripe errors surface with Stripe message: card declined on change (402)', async () => {
  const { m, sub, bigger } = await arrange(h)
  const remove = h.emulator!.faults.inject({
    method: 'POST',
    path: `/v1/subscriptions/${sub.id}`,
    status: 402,
  })
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'f1',
    priceId: bigger.id,
    prorationBehavior: 'always_invoice',
  })
  remove()
  expect(res.status).toBe(402)
  expect(res.body.error.message).toBe('An unknown error occurred (injected by the emulator).')
  expect(emulatorSub(h, m, sub.id).items.data[0]!.price.id).not.toBe(bigger.id)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ state: 'failed', kind: 'change_plan' })
})

test('to and from a metered price: no quantity is sent (Stripe refuses one there)', async () => {
  const { m, stripe, product, price, sub } = await arrange(h, { quantity: 2 })
  const itemId = sub.items.data[0]!.id
  const metered = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 5,
    recurring: { interval: 'month', usage_type: 'metered' },
  })
  const preview = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/change-plan/preview`, { priceId: metered.id })
  expect(preview.status).toBe(200)
  expect(preview.body.toPriceId).toBe(metered.id)
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'metered-1',
    priceId: metered.id,
  })
  expect(res.status).toBe(200)
  expect((sentToStripe(h, m, res.body.actionId)?.params as { items: unknown }).items).toEqual([
    { id: itemId, price: metered.id },
  ])
  expect(emulatorSub(h, m, sub.id).items.data[0]!.price.id).toBe(metered.id)
  await waitForLocal(
    h,
    m,
    sub.id,
    (s) => s.items.data[0]?.price.id === metered.id,
    'the metered price locally'
  )
  // Back from metered to licensed: still no quantity (Stripe's default, 1).
  const back = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/change-plan`, {
    clientKey: 'metered-2',
    priceId: price.id,
    prorationBehavior: 'none',
  })
  expect(back.status).toBe(200)
  expect((sentToStripe(h, m, back.body.actionId)?.params as { items: unknown }).items).toEqual([
    { id: itemId, price: price.id },
  ])
  expect(emulatorSub(h, m, sub.id).items.data[0]!.quantity).toBe(1)
})

test("merchant B can't preview or change merchant A's subscription (404)", async () => {
  const a = await arrange(h)
  const b = await h.installMerchant()
  const preview = await h
    .as(b)
    .post(`/api/v1/subscriptions/${a.sub.id}/change-plan/preview`, { priceId: a.bigger.id })
  expect(preview.status).toBe(404)
  const change = await h
    .as(b)
    .post(`/api/v1/subscriptions/${a.sub.id}/change-plan`, { clientKey: 'x', priceId: a.bigger.id })
  expect(change.status).toBe(404)
  expect(emulatorSub(h, a.m, a.sub.id).items.data[0]!.price.id).toBe(a.price.id)
})
