// Extend a trial by N days or to a date; only trialing subscriptions qualify.
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
} from './support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

const DAY = 86_400

test('extend a trial by 7 days: trial_end moved at Stripe without prorations, traits follow', async () => {
  const { m, sub, customer } = await arrange(h, { trialDays: 14 })
  const trialEnd = emulatorSub(h, m, sub.id).trial_end!
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/extend-trial`, { clientKey: 't1', days: 7 })
  expect(res.status).toBe(200)
  const atStripe = emulatorSub(h, m, sub.id)
  expect(atStripe.status).toBe('trialing')
  expect(atStripe.trial_end).toBe(trialEnd + 7 * DAY)
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({
    trial_end: String(trialEnd + 7 * DAY),
    proration_behavior: 'none',
  })
  expect(res.body.subscription.trialEnd).toBe(trialEnd + 7 * DAY)
  expect((await localSub(h, m, sub.id))?.trial_end).toBe(trialEnd + 7 * DAY)
  expect((await traitsOf(h, m, customer.id))?.['subscription.trial_end']).toBe(trialEnd + 7 * DAY)
  expect((await runsOf(h, m))[0]).toMatchObject({ kind: 'extend_trial', state: 'succeeded' })

  const before = endpointCount(h, 'POST /v1/subscriptions/:id')
  const replay = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/extend-trial`, { clientKey: 't1', days: 7 })
  expect(replay.body).toEqual(res.body)
  expect(endpointCount(h, 'POST /v1/subscriptions/:id')).toBe(before)
  expect(emulatorSub(h, m, sub.id).trial_end).toBe(trialEnd + 7 * DAY)
})

test('extend to a date, and through an extend-trial offer', async () => {
  const { m, sub } = await arrange(h, { trialDays: 5 })
  const until = Math.floor(h.deps.now().getTime() / 1000) + 20 * DAY
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/extend-trial`, { clientKey: 'u1', until })
  expect(res.status).toBe(200)
  expect(emulatorSub(h, m, sub.id).trial_end).toBe(until)
  const offer = await h
    .as(m)
    .post('/api/v1/offers', { name: 'Two more weeks', kind: 'extend_trial', days: 14 })
  const viaOffer = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/extend-trial`, {
    clientKey: 'u2',
    offerId: offer.body.id,
  })
  expect(viaOffer.status).toBe(200)
  expect(emulatorSub(h, m, sub.id).trial_end).toBe(until + 14 * DAY)
})

test('refusals: not trialing, an earlier date, more than two years, both days and until', async () => {
  const active = await arrange(h)
  const notTrial = await h
    .as(active.m)
    .post(`/api/v1/subscriptions/${active.sub.id}/extend-trial`, { clientKey: 'n1', days: 3 })
  expect(notTrial.status).toBe(409)
  expect(notTrial.body.error.message).toBe(
    `${active.sub.id} is active, not trialing; only a trial can be extended.`
  )
  expect(emulatorSub(h, active.m, active.sub.id).status).toBe('active')

  const { m, sub } = await arrange(h, { trialDays: 10 })
  const trialEnd = emulatorSub(h, m, sub.id).trial_end!
  const earlier = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/extend-trial`, {
    clientKey: 'n2',
    until: trialEnd - DAY,
  })
  expect(earlier.status).toBe(409)
  expect(earlier.body.error.message).toMatch(/is not after the current one/)
  const far = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/extend-trial`, { clientKey: 'n3', days: 729 })
  expect(far.status).toBe(409)
  expect(far.body.error.message).toMatch(/at most two years/)
  const both = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/extend-trial`, {
    clientKey: 'n4',
    days: 1,
    until: trialEnd + DAY,
  })
  expect(both.status).toBe(400)
  expect(emulatorSub(h, m, sub.id).trial_end).toBe(trialEnd)
  expect(await runsOf(h, m)).toHaveLength(0)
})

test("merchant B can't extend merchant A's trial (404)", async () => {
  const a = await arrange(h, { trialDays: 7 })
  const b = await h.installMerchant()
  const res = await h
    .as(b)
    .post(`/api/v1/subscriptions/${a.sub.id}/extend-trial`, { clientKey: 'x', days: 3 })
  expect(res.status).toBe(404)
  expect(emulatorSub(h, a.m, a.sub.id).trial_end).toBe(a.sub.trial_end)
})

test('Stripe errors surface with Stripe message', async () => {
  const { m, sub } = await arrange(h, { trialDays: 7 })
  const remove = h.emulator!.faults.inject({
    method: 'POST',
    path: `/v1/subscriptions/${sub.id}`,
    status: 400,
  })
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/extend-trial`, { clientKey: 'e', days: 3 })
  remove()
  expect(res.status).toBe(422)
  expect(res.body.error.message).toBe('An unknown error occurred (injected by the emulator).')
  expect((await runsOf(h, m))[0]).toMatchObject({ state: 'failed' })
})
