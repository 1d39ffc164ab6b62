// The audit list (filters, paging) and outcomes: still there 30/60/90 days later, MRR kept.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { postWithHeaders, arrange, waitForLocal } from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

const DAY = 86_400

test('list by customer, subscription, user and kind, paged; summary of saves by offer and agent', async () => {
  const kept = await arrange(h)
  const { m } = kept
  const stripe = kept.stripe
  // A second customer of the same merchant, who churns.
  const other = await stripe.customers.create({
    email: 'gone@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const lostSub = await stripe.subscriptions.create({
    customer: other.id,
    items: [{ price: kept.price.id, quantity: 1 }],
  })
  await waitForLocal(h, m, lostSub.id, (s) => s.status === 'active', 'second sub active')

  const offer = await h.as(m).post('/api/v1/offers', {
    name: 'Half off',
    kind: 'percent_off',
    percentOff: 50,
    duration: 'forever',
  })
  const agentA = { ...m, userId: 'usr_alice' }
  const agentB = { ...m, userId: 'usr_bob' }
  const saved = await h.as(agentA).post(`/api/v1/subscriptions/${kept.sub.id}/apply-discount`, {
    clientKey: 'k1',
    offerId: offer.body.id,
  })
  expect(saved.status).toBe(200)
  await h.as(agentB).post(`/api/v1/subscriptions/${lostSub.id}/apply-discount`, {
    clientKey: 'k2',
    offerId: offer.body.id,
  })
  await postWithHeaders(
    h,
    agentB,
    `/api/v1/subscriptions/${kept.sub.id}/pause-collection`,
    {},
    {
      'idempotency-key': 'k3',
    }
  )
  // A failed attempt is listed too.
  await h.as(agentB).post(`/api/v1/subscriptions/${kept.sub.id}/apply-discount`, {
    clientKey: 'k4',
    couponId: 'NOPE',
  })

  const all = await h.as(m).get('/api/v1/actions')
  expect(all.status).toBe(200)
  expect(all.body.data).toHaveLength(4)
  const byCustomer = await h.as(m).get(`/api/v1/actions?customerId=${other.id}`)
  expect(byCustomer.body.data.map((r: { subscriptionId: string }) => r.subscriptionId)).toEqual([
    lostSub.id,
  ])
  const bySub = await h.as(m).get(`/api/v1/actions?subscriptionId=${kept.sub.id}`)
  expect(bySub.body.data).toHaveLength(3)
  const byUser = await h.as(m).get('/api/v1/actions?userId=usr_alice')
  expect(byUser.body.data).toHaveLength(1)
  expect(byUser.body.data[0]).toMatchObject({
    userId: 'usr_alice',
    kind: 'apply_discount',
    offerId: offer.body.id,
    state: 'succeeded',
    mrrBefore: { usd: 2000 },
    outcome: { status: 'pending' },
  })
  const failed = await h.as(m).get('/api/v1/actions?kind=apply_discount&userId=usr_bob')
  expect(failed.body.data.map((r: { state: string }) => r.state).sort()).toEqual([
    'failed',
    'succeeded',
  ])
  expect(failed.body.data.find((r: { state: string }) => r.state === 'failed').error).toMatch(
    /No such coupon/
  )

  // Paging: 2 + 2, no overlap, newest first.
  const page1 = await h.as(m).get('/api/v1/actions?limit=2')
  expect(page1.body.data).toHaveLength(2)
  const page2 = await h.as(m).get(`/api/v1/actions?limit=2&cursor=${page1.body.nextCursor}`)
  expect(page2.body.data).toHaveLength(2)
  expect(page2.body.nextCursor).toBeNull()
  const ids = [...page1.body.data, ...page2.body.data].map((r: { id: string }) => r.id)
  expect(new Set(ids).size).toBe(4)
  expect(ids).toEqual(all.body.data.map((r: { id: string }) => r.id))

  // The second customer leaves; 31 days later one action saved, one lost.
  await stripe.subscriptions.cancel(lostSub.id)
  await waitForLocal(h, m, lostSub.id, (s) => s.status === 'canceled', 'lost sub canceled')
  h.emulator!.advance(31 * DAY)
  await h.emulator!.webhooks.idle()

  const summary = await h.as(m).get('/api/v1/actions/summary')
  expect(summary.status).toBe(200)
  // Saves: the discount on the kept sub and its pause; lost: the discount on the canceled one.
  expect(summary.body.totals).toMatchObject({ actions: 3, saves: 2, lost: 1, pending: 0 })
  expect(summary.body.totals.savedMrr.usd).toBe(2 * 1000)
  const halfOff = summary.body.byOffer.find((r: { offerId: string }) => r.offerId === offer.body.id)
  expect(halfOff).toMatchObject({ offerName: 'Half off', actions: 2, saves: 1, lost: 1 })
  expect(halfOff.savedMrr).toEqual({ usd: 1000 })
  const alice = summary.body.byAgent.find((r: { userId: string }) => r.userId === 'usr_alice')
  expect(alice).toMatchObject({ actions: 1, saves: 1, savedMrr: { usd: 1000 } })
  const bob = summary.body.byAgent.find((r: { userId: string }) => r.userId === 'usr_bob')
  expect(bob).toMatchObject({ actions: 2, saves: 1, lost: 1 })

  const listed = await h.as(m).get(`/api/v1/actions?subscriptionId=${lostSub.id}`)
  expect(listed.body.data[0].outcome).toMatchObject({
    status: 'lost',
    d30: { active: false, mrr: {} },
  })
  expect(listed.body.data[0].outcome.d60).toBeUndefined()

  // Day 61: the 60-day milestone is stamped by the daily job's function too.
  h.emulator!.advance(30 * DAY)
  await h.emulator!.webhooks.idle()
  const { recordDueOutcomes } = await import('../../backend/src/actions/outcomes')
  expect(await recordDueOutcomes(h.deps)).toBe(3)
  const later = await h
    .as(m)
    .get(`/api/v1/actions?subscriptionId=${kept.sub.id}&kind=apply_discount&userId=usr_alice`)
  expect(later.body.data[0].outcome).toMatchObject({
    status: 'saved',
    d30: { active: true },
    d60: { active: true, mrr: { usd: 1000 } },
  })
})

test("merchant B sees none of merchant A's actions", async () => {
  const a = await arrange(h)
  await h.as(a.m).post(`/api/v1/subscriptions/${a.sub.id}/pause-collection`, { clientKey: 'a1' })
  const b = await h.installMerchant()
  const list = await h.as(b).get(`/api/v1/actions?subscriptionId=${a.sub.id}`)
  expect(list.status).toBe(200)
  expect(list.body.data).toEqual([])
  const summary = await h.as(b).get('/api/v1/actions/summary')
  expect(summary.body.totals.actions).toBe(0)
  const live = await h.installMerchant({ mode: 'live', accountId: a.m.accountId })
  expect((await h.as(live).get('/api/v1/actions')).body.data).toEqual([])
})

test('a bad cursor is a 400 that says what to do', async () => {
  const m = await h.installMerchant()
  const res = await h.as(m).get('/api/v1/actions?cursor=garbage')
  expect(res.status).toBe(400)
  expect(res.body.error.message).toMatch(/start without it/)
})
