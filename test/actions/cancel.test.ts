// Cancel now / at period end, and reactivate (undo a scheduled cancel).
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import {
  arrange,
  emulatorSub,
  endpointCount,
  localSub,
  runsOf,
  segmentKeysOf,
  sentToStripe,
  traitsOf,
  waitForLocal,
} from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

test('cancel now with reason and comment: canceled at Stripe, audited, traits and segments follow', async () => {
  const { m, sub, customer } = await arrange(h)
  expect(await segmentKeysOf(h, m, customer.id)).toContain('active_subscribers')
  const before = endpointCount(h, 'DELETE /v1/subscriptions/:id')
  const body = {
    clientKey: 'cancel-1',
    when: 'now',
    prorate: true,
    reason: 'too_expensive',
    comment: 'Budget cut',
  }
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/cancel`, body)
  expect(res.status).toBe(200)
  expect(res.body.subscription.status).toBe('canceled')
  const atStripe = emulatorSub(h, m, sub.id)
  expect(atStripe.status).toBe('canceled')
  expect(atStripe.cancellation_details).toMatchObject({
    comment: 'Budget cut',
    feedback: 'too_expensive',
  })
  expect(sentToStripe(h, m, res.body.actionId)).toEqual({
    method: 'DELETE',
    path: `/v1/subscriptions/${sub.id}`,
    params: {
      invoice_now: 'false',
      prorate: 'true',
      cancellation_details: { comment: 'Budget cut', feedback: 'too_expensive' },
    },
  })
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ kind: 'cancel', state: 'succeeded', mrrBefore: { usd: 2000 } })
  expect((run!.params as { request: unknown }).request).toMatchObject({
    when: 'now',
    reason: 'too_expensive',
  })
  expect((await localSub(h, m, sub.id))?.status).toBe('canceled')
  expect((await traitsOf(h, m, customer.id))?.['subscription.status']).toBe('canceled')
  expect(await segmentKeysOf(h, m, customer.id)).toContain('churned')
  expect(await segmentKeysOf(h, m, customer.id)).not.toContain('active_subscribers')

  const replay = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/cancel`, body)
  expect(replay.status).toBe(200)
  expect(replay.body).toEqual(res.body)
  expect(endpointCount(h, 'DELETE /v1/subscriptions/:id') - before).toBe(1)

  const again = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/cancel`, { clientKey: 'cancel-2', when: 'now' })
  expect(again.status).toBe(409)
  expect(again.body.error.message).toBe(
    `${sub.id} is canceled; it cannot be canceled. Create a new subscription instead.`
  )
  const reactivate = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/reactivate`, { clientKey: 'react-0' })
  expect(reactivate.status).toBe(409)
  expect(reactivate.body.error.message).toBe(
    `${sub.id} is canceled; it cannot be reactivated. Create a new subscription instead.`
  )
})

test('cancel at period end, then reactivate: both at Stripe, both audited', async () => {
  const { m, sub, customer } = await arrange(h)
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/cancel`, {
    clientKey: 'pe-1',
    when: 'period_end',
    reason: 'unused',
  })
  expect(res.status).toBe(200)
  const atStripe = emulatorSub(h, m, sub.id)
  expect(atStripe.status).toBe('active')
  expect(atStripe.cancel_at_period_end).toBe(true)
  expect(atStripe.cancellation_details?.feedback).toBe('unused')
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({
    cancel_at_period_end: 'true',
    cancellation_details: { feedback: 'unused' },
  })
  expect((await traitsOf(h, m, customer.id))?.['subscription.cancel_at_period_end']).toBe(true)

  const twice = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/cancel`, { clientKey: 'pe-2', when: 'period_end' })
  expect(twice.status).toBe(409)
  expect(twice.body.error.message).toBe(
    `${sub.id} is already set to cancel at the end of its period.`
  )

  const back = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/reactivate`, { clientKey: 'react-1' })
  expect(back.status).toBe(200)
  expect(back.body.subscription.cancelAtPeriodEnd).toBe(false)
  expect(emulatorSub(h, m, sub.id).cancel_at_period_end).toBe(false)
  expect(sentToStripe(h, m, back.body.actionId)?.params).toEqual({ cancel_at_period_end: 'false' })
  expect((await localSub(h, m, sub.id))?.cancel_at_period_end).toBe(false)
  expect((await traitsOf(h, m, customer.id))?.['subscription.cancel_at_period_end']).toBe(false)
  const replay = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/reactivate`, { clientKey: 'react-1' })
  expect(replay.body).toEqual(back.body)
  expect((await runsOf(h, m)).map((r) => r.kind).sort()).toEqual(['cancel', 'reactivate'])

  const nothing = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/reactivate`, { clientKey: 'react-2' })
  expect(nothing.status).toBe(409)
  expect(nothing.body.error.message).toBe(
    `${sub.id} is not scheduled to cancel; there is nothing to reactivate.`
  )
})

test('reactivate a cancellation scheduled at a time sends cancel_at=""', async () => {
  const { m, sub, stripe } = await arrange(h)
  const at = Math.floor(h.deps.now().getTime() / 1000) + 10 * 86_400
  await stripe.subscriptions.update(sub.id, { cancel_at: at })
  await waitForLocal(h, m, sub.id, (s) => s.cancel_at === at, 'cancel_at synced')
  const res = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/reactivate`, { clientKey: 'r' })
  expect(res.status).toBe(200)
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({ cancel_at: '' })
  expect(emulatorSub(h, m, sub.id).cancel_at).toBeNull()
})

test('bad requests: prorate with period_end, unknown reason', async () => {
  const { m, sub } = await arrange(h)
  const a = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/cancel`, {
    clientKey: 'bad-1',
    when: 'period_end',
    prorate: true,
  })
  expect(a.status).toBe(400)
  expect(a.body.error.message).toMatch(/prorate and invoiceNow only apply when canceling now/)
  const b = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/cancel`, {
    clientKey: 'bad-2',
    when: 'now',
    reason: 'meh',
  })
  expect(b.status).toBe(400)
  expect(b.body.error.fields[0].field).toBe('reason')
  expect(emulatorSub(h, m, sub.id).status).toBe('active')
})

test("merchant B can't cancel or reactivate merchant A's subscription (404)", async () => {
  const a = await arrange(h)
  const b = await h.installMerchant()
  const cancel = await h
    .as(b)
    .post(`/api/v1/subscriptions/${a.sub.id}/cancel`, { clientKey: 'x1', when: 'now' })
  expect(cancel.status).toBe(404)
  const reactivate = await h
    .as(b)
    .post(`/api/v1/subscriptions/${a.sub.id}/reactivate`, { clientKey: 'x2' })
  expect(reactivate.status).toBe(404)
  expect(emulatorSub(h, a.m, a.sub.id).status).toBe('active')
})

test('a Stripe refusal to cancel surfaces with its message', async () => {
  const { m, sub } = await arrange(h)
  // Canceled behind our back (no webhook yet): Stripe refuses and says why.
  h.emulator!.webhooks.configure({ mode: 'manual' })
  await h.stripeAs(m.accountId).subscriptions.cancel(sub.id)
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/cancel`, { clientKey: 'late', when: 'now' })
  h.emulator!.webhooks.configure({ mode: 'immediate' })
  await h.emulator!.webhooks.flush()
  expect(res.status).toBe(422)
  expect(res.body.error.message).toBe(`A canceled subscription can't be canceled again: ${sub.id}.`)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ state: 'failed', error: res.body.error.message })
  expect(run!.stripeRequestId).toMatch(/^req_/)
})
