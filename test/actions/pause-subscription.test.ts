// True pause and resume through the API (status paused, not pause collection), asserted on the
// emulator's state, the audit, our local copy and the traits.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { extensionHeaders } from '../support/signing'
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
import { waitFor } from '../support/wait'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

const PAUSE = 'POST /v1/subscriptions/:id/pause'

test('pause: Stripe paused with the credit as a pending item, audited once, local copy and traits say paused', async () => {
  const { m, sub, customer } = await arrange(h)
  const path = `/api/v1/subscriptions/${sub.id}/pause-subscription`
  const before = endpointCount(h, PAUSE)
  const res = await h.as(m).post(path, { clientKey: 'sp-1' })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  expect(res.body).toMatchObject({
    kind: 'pause_subscription',
    state: 'succeeded',
    subscriptionId: sub.id,
    subscription: { status: 'paused', pauseCollection: null },
  })
  expect(emulatorSub(h, m, sub.id).status).toBe('paused')
  expect(sentToStripe(h, m, res.body.actionId)).toEqual({
    method: 'POST',
    path: `/v1/subscriptions/${sub.id}/pause`,
    params: {
      type: 'subscription',
      invoicing_behavior: 'pending_invoice_item',
      bill_for: { unused_time_from: { type: 'now' } },
    },
  })
  const again = await h.as(m).post(path, { clientKey: 'sp-1' })
  expect(again.body).toEqual(res.body)
  expect(again.headers.get('idempotent-replayed')).toBe('true')
  expect(endpointCount(h, PAUSE) - before).toBe(1)
  const runs = await runsOf(h, m)
  expect(runs).toHaveLength(1)
  expect(runs[0]).toMatchObject({
    kind: 'pause_subscription',
    state: 'succeeded',
    userId: 'usr_agent_1',
    mrrBefore: { usd: 2000 },
  })
  expect((await localSub(h, m, sub.id))?.status).toBe('paused')
  await waitFor(
    async () => (await traitsOf(h, m, customer.id))?.['subscription.status'] === 'paused',
    {
      what: 'traits with status paused',
    }
  )
  const traits = await traitsOf(h, m, customer.id)
  expect(traits?.['subscription.mrr']).toBe(0)
  expect(traits?.['subscription.has_active']).toBe(false)
  expect(traits?.['subscription.pause_collection']).toBeNull()
})

test('resume with a new period now: active, the period starts today, charged; unchanged keeps the renewal date and prorates', async () => {
  const a = await arrange(h)
  await h.as(a.m).post(`/api/v1/subscriptions/${a.sub.id}/pause-subscription`, {
    clientKey: 'pa',
    creditUnusedTime: false,
  })
  const now = Math.floor(h.deps.now().getTime() / 1000)
  const resumed = await h
    .as(a.m)
    .post(`/api/v1/subscriptions/${a.sub.id}/resume-subscription`, { clientKey: 'ra' })
  expect(resumed.status, JSON.stringify(resumed.body)).toBe(200)
  expect(resumed.body.subscription.status).toBe('active')
  expect(sentToStripe(h, a.m, resumed.body.actionId)?.params).toEqual({
    billing_cycle_anchor: { type: 'now' },
    payment_behavior: 'resume_on_payment_attempt',
  })
  const atStripe = emulatorSub(h, a.m, a.sub.id)
  expect(Math.abs(atStripe.items.data[0]!.current_period_start - now)).toBeLessThan(60)
  const invoice = h
    .emulator!.account(a.m.accountId, 'test')
    .invoices.get(String(atStripe.latest_invoice))
  expect(invoice).toMatchObject({ status: 'paid', amount_paid: 2000 })
  await waitForLocal(h, a.m, a.sub.id, (s) => s.status === 'active', 'active locally')

  const b = await arrange(h)
  const renewal = b.sub.items.data[0]!.current_period_end
  await h.as(b.m).post(`/api/v1/subscriptions/${b.sub.id}/pause-subscription`, { clientKey: 'pb' })
  const kept = await h.as(b.m).post(`/api/v1/subscriptions/${b.sub.id}/resume-subscription`, {
    clientKey: 'rb',
    billingCycleAnchor: 'unchanged',
    prorationBehavior: 'create_prorations',
  })
  expect(kept.status, JSON.stringify(kept.body)).toBe(200)
  const sent = sentToStripe(h, b.m, kept.body.actionId)?.params as Record<string, unknown>
  expect(sent).toMatchObject({
    billing_cycle_anchor: { type: 'unchanged' },
    proration_behavior: 'create_prorations',
  })
  expect(Number(sent.proration_date)).toBeGreaterThan(0)
  expect(emulatorSub(h, b.m, b.sub.id).items.data[0]!.current_period_end).toBe(renewal)
  expect(emulatorSub(h, b.m, b.sub.id).status).toBe('active')
})

test('refusals are 409s with the reason, write no audit row and change nothing at Stripe', async () => {
  const { m, sub, stripe } = await arrange(h)
  const pause = `/api/v1/subscriptions/${sub.id}/pause-subscription`
  const resume = `/api/v1/subscriptions/${sub.id}/resume-subscription`
  const notPaused = await h.as(m).post(resume, { clientKey: 'r0' })
  expect(notPaused.status).toBe(409)
  expect(notPaused.body.error.message).toBe(`${sub.id} is active, not paused; nothing to resume.`)

  await h.as(m).post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'pc' })
  const collection = await h.as(m).post(pause, { clientKey: 'p0' })
  expect(collection.status).toBe(409)
  expect(collection.body.error.message).toBe(
    `Collection on ${sub.id} is paused (mark_uncollectible); Stripe cannot pause it as well. Resume collection first.`
  )
  await h.as(m).post(`/api/v1/subscriptions/${sub.id}/resume-collection`, { clientKey: 'rc' })
  expect((await h.as(m).post(pause, { clientKey: 'p1' })).status).toBe(200)
  const twice = await h.as(m).post(pause, { clientKey: 'p2' })
  expect(twice.status).toBe(409)
  expect(twice.body.error.message).toBe(`${sub.id} is paused already; resume it instead.`)
  const collectionWhilePaused = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'pc2' })
  expect(collectionWhilePaused.status).toBe(409)

  const badBody = await h.as(m).post(resume, { clientKey: 'r1', prorationBehavior: 'none' })
  expect(badBody.status).toBe(400)
  expect(badBody.body.error.message).toMatch(/prorationBehavior only applies/)

  await stripe.subscriptions.cancel(sub.id)
  await waitForLocal(h, m, sub.id, (s) => s.status === 'canceled', 'canceled locally')
  const canceled = await h.as(m).post(pause, { clientKey: 'p3' })
  expect(canceled.status).toBe(409)
  expect(canceled.body.error.message).toBe(
    `${sub.id} is canceled; it cannot be paused. Create a new subscription instead.`
  )
  expect((await runsOf(h, m)).map((r) => r.clientKey).sort()).toEqual(['p1', 'pc', 'rc'])
})

test('View only may not pause a subscription (403, nothing at Stripe); Support specialist may', async () => {
  const { m, sub } = await arrange(h)
  const path = `/api/v1/subscriptions/${sub.id}/pause-subscription`
  const as = (roles: string[]) => ({
    method: 'POST',
    body: { clientKey: `role-${roles[0]}` },
    headers: extensionHeaders(
      { ...m, roles },
      undefined,
      Math.floor(h.deps.now().getTime() / 1000)
    ),
  })
  const refused = await h.request(path, as(['view_only']))
  expect(refused.status).toBe(403)
  expect(refused.body.error.message).toContain('pause a subscription')
  expect(emulatorSub(h, m, sub.id).status).toBe('active')
  const allowed = await h.request(path, as(['support_specialist']))
  expect(allowed.status).toBe(200)
  expect(emulatorSub(h, m, sub.id).status).toBe('paused')
})

test('a Stripe refusal is kept with its message (classic billing mode at Stripe, flexible in our copy)', async () => {
  const { m, sub } = await arrange(h)
  // Our copy is older than Stripe's: Stripe refuses, and the run records Stripe's words.
  const atStripe = emulatorSub(h, m, sub.id)
  atStripe.billing_mode = { type: 'classic', updated_at: 0 } as never
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-subscription`, { clientKey: 'cl' })
  expect(res.status).toBe(422)
  expect(res.body.error.message).toMatch(/flexible billing mode/)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ state: 'failed' })
  expect(run!.error).toMatch(/flexible billing mode/)
})
