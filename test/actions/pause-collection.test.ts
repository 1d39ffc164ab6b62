// Pause and resume collection through the API, asserted on the emulator's state.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { actionRuns } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import {
  arrange,
  emulatorSub,
  endpointCount,
  localSub,
  postWithHeaders,
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

const UPDATE = 'POST /v1/subscriptions/:id'

test('pause collection for 2 months: Stripe paused, audit row, local copy and traits updated', async () => {
  const { m, sub, customer } = await arrange(h)
  const now = h.deps.now()
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'click-1', months: 2 })
  expect(res.status).toBe(200)
  expect(res.body).toMatchObject({
    kind: 'pause_collection',
    state: 'succeeded',
    subscriptionId: sub.id,
    customerId: customer.id,
    subscription: { status: 'active', pauseCollection: { behavior: 'mark_uncollectible' } },
  })

  const expectedResume = new Date(now)
  expectedResume.setUTCMonth(expectedResume.getUTCMonth() + 2)
  const atStripe = emulatorSub(h, m, sub.id)
  expect(atStripe.status).toBe('active')
  expect(atStripe.pause_collection?.behavior).toBe('mark_uncollectible')
  expect(
    Math.abs(atStripe.pause_collection!.resumes_at! - expectedResume.getTime() / 1000)
  ).toBeLessThan(5)

  // Exactly the documented request, under the run id as idempotency key.
  const sent = sentToStripe(h, m, res.body.actionId)
  expect(sent).toEqual({
    method: 'POST',
    path: `/v1/subscriptions/${sub.id}`,
    params: {
      pause_collection: {
        behavior: 'mark_uncollectible',
        resumes_at: String(atStripe.pause_collection!.resumes_at),
      },
    },
  })

  const [run, ...others] = await runsOf(h, m)
  expect(others).toHaveLength(0)
  expect(run).toMatchObject({
    id: res.body.actionId,
    userId: 'usr_agent_1',
    kind: 'pause_collection',
    customerId: customer.id,
    subscriptionId: sub.id,
    state: 'succeeded',
    mrrBefore: { usd: 2000 },
  })
  expect(run!.stripeRequestId).toMatch(/^req_/)
  expect(run!.stripeRequestId).toBe(res.body.stripeRequestId)
  expect(run!.finishedAt).not.toBeNull()

  expect((await localSub(h, m, sub.id))?.pause_collection?.behavior).toBe('mark_uncollectible')
  const traits = await traitsOf(h, m, customer.id)
  expect(traits?.['subscription.pause_collection']).toBe('mark_uncollectible')
})

test('a double click (same Idempotency-Key header) pauses once and answers the same', async () => {
  const { m, sub } = await arrange(h)
  const before = endpointCount(h, UPDATE)
  const body = { behavior: 'void', days: 10 }
  const first = await postWithHeaders(
    h,
    m,
    `/api/v1/subscriptions/${sub.id}/pause-collection`,
    body,
    {
      'idempotency-key': 'dbl-1',
    }
  )
  const again = await postWithHeaders(
    h,
    m,
    `/api/v1/subscriptions/${sub.id}/pause-collection`,
    body,
    {
      'idempotency-key': 'dbl-1',
    }
  )
  expect(first.status).toBe(200)
  expect(again.status).toBe(200)
  expect(again.body).toEqual(first.body)
  expect(again.headers.get('idempotent-replayed')).toBe('true')
  expect(endpointCount(h, UPDATE) - before).toBe(1)
  expect(emulatorSub(h, m, sub.id).pause_collection?.behavior).toBe('void')
  expect(await runsOf(h, m)).toHaveLength(1)
})

test('two clicks at once apply once', async () => {
  const { m, sub } = await arrange(h)
  const before = endpointCount(h, UPDATE)
  const body = { clientKey: 'race-1', behavior: 'keep_as_draft' }
  const [a, b] = await Promise.all([
    h.as(m).post(`/api/v1/subscriptions/${sub.id}/pause-collection`, body),
    h.as(m).post(`/api/v1/subscriptions/${sub.id}/pause-collection`, body),
  ])
  expect([a.status, b.status]).toEqual([200, 200])
  expect(a.body).toEqual(b.body)
  expect(endpointCount(h, UPDATE) - before).toBe(1)
  expect(await runsOf(h, m)).toHaveLength(1)
})

test('refusals: already paused, canceled, no idempotency key, key reused for another action', async () => {
  const { m, sub, stripe } = await arrange(h)
  const path = `/api/v1/subscriptions/${sub.id}/pause-collection`
  const noKey = await h.as(m).post(path, {})
  expect(noKey.status).toBe(400)
  expect(noKey.body.error.message).toMatch(/Idempotency-Key/)

  expect((await h.as(m).post(path, { clientKey: 'p1' })).status).toBe(200)
  const twice = await h.as(m).post(path, { clientKey: 'p2' })
  expect(twice.status).toBe(409)
  expect(twice.body.error.message).toBe(
    `Collection on ${sub.id} is already paused (mark_uncollectible); resume it first.`
  )

  const reused = await h.as(m).post(`/api/v1/subscriptions/${sub.id}/resume-collection`, {
    clientKey: 'p1',
  })
  expect(reused.status).toBe(409)
  expect(reused.body.error.message).toMatch(/already used for pause_collection/)

  const resumeNoPause = await arrange(h)
  const notPaused = await h
    .as(resumeNoPause.m)
    .post(`/api/v1/subscriptions/${resumeNoPause.sub.id}/resume-collection`, { clientKey: 'r0' })
  expect(notPaused.status).toBe(409)
  expect(notPaused.body.error.message).toBe(
    `Collection on ${resumeNoPause.sub.id} is not paused; nothing to resume.`
  )

  await stripe.subscriptions.cancel(sub.id)
  await waitForLocal(h, m, sub.id, (s) => s.status === 'canceled', 'canceled locally')
  const canceled = await h.as(m).post(path, { clientKey: 'p3' })
  expect(canceled.status).toBe(409)
  expect(canceled.body.error.message).toBe(
    `${sub.id} is canceled; it cannot be paused. Create a new subscription instead.`
  )
  // Refusals write no audit rows and change nothing at Stripe.
  expect((await runsOf(h, m)).map((r) => r.clientKey)).toEqual(['p1'])
})

test('resume collection clears the pause at Stripe with pause_collection=""', async () => {
  const { m, sub, customer } = await arrange(h)
  await h.as(m).post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'a' })
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/resume-collection`, { clientKey: 'b' })
  expect(res.status).toBe(200)
  expect(res.body.subscription.pauseCollection).toBeNull()
  expect(emulatorSub(h, m, sub.id).pause_collection).toBeNull()
  expect(sentToStripe(h, m, res.body.actionId)?.params).toEqual({ pause_collection: '' })
  expect((await localSub(h, m, sub.id))?.pause_collection).toBeNull()
  expect((await traitsOf(h, m, customer.id))?.['subscription.pause_collection']).toBeNull()
  const replay = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/resume-collection`, { clientKey: 'b' })
  expect(replay.body).toEqual(res.body)
})

test("merchant B can't pause or resume merchant A's subscription (404)", async () => {
  const a = await arrange(h)
  const b = await h.installMerchant()
  for (const action of ['pause-collection', 'resume-collection']) {
    const res = await h
      .as(b)
      .post(`/api/v1/subscriptions/${a.sub.id}/${action}`, { clientKey: `x-${action}` })
    expect(res.status).toBe(404)
  }
  expect(emulatorSub(h, a.m, a.sub.id).pause_collection).toBeNull()
  expect(await runsOf(h, { ...b, mode: 'test' })).toHaveLength(0)
})

test('Stripe errors surface with Stripe message; a rate limit answers 503 try again', async () => {
  const { m, sub } = await arrange(h)
  const remove = h.emulator!.faults.inject({
    method: 'POST',
    path: `/v1/subscriptions/${sub.id}`,
    status: 402,
  })
  const res = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'e1' })
  remove()
  expect(res.status).toBe(402)
  expect(res.body.error.message).toBe('An unknown error occurred (injected by the emulator).')
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({
    state: 'failed',
    error: 'An unknown error occurred (injected by the emulator).',
  })
  expect(run!.finishedAt).not.toBeNull()
  expect(emulatorSub(h, m, sub.id).pause_collection).toBeNull()
  // The same click again gets the same answer, without going to Stripe.
  const again = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'e1' })
  expect(again.status).toBe(402)
  expect(again.body.error.message).toBe(res.body.error.message)

  const removeLimit = h.emulator!.faults.inject({
    method: 'POST',
    path: `/v1/subscriptions/${sub.id}`,
    status: 429,
    times: 3, // stripe-node retries a 429 that says Stripe-Should-Retry
  })
  const limited = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'e2' })
  removeLimit()
  expect(limited.status).toBe(503)
  expect(limited.body.error.message).toMatch(/try again/)
  // Retrying the same click after a rate limit goes through, once.
  const retried = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'e2' })
  expect(retried.status).toBe(200)
  expect(emulatorSub(h, m, sub.id).pause_collection?.behavior).toBe('mark_uncollectible')
})

test('test/live separation: a test-mode subscription is not found in live mode', async () => {
  const { m, sub } = await arrange(h)
  const live = await h.installMerchant({ mode: 'live', accountId: m.accountId })
  const res = await h
    .as(live)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'live-1' })
  expect(res.status).toBe(404)
  expect(res.body.error.message).toMatch(/live mode/)
})

test('a run left pending by a crash is finished by the next click with the same Stripe key', async () => {
  const { m, sub } = await arrange(h)
  const path = `/api/v1/subscriptions/${sub.id}/pause-collection`
  const first = await h.as(m).post(path, { clientKey: 'crash-1', days: 5 })
  expect(first.status).toBe(200)
  // As if the process died after Stripe answered but before the run was completed.
  await h
    .db()
    .update(actionRuns)
    .set({ state: 'pending', result: null, finishedAt: null, startedAt: new Date(0) })
    .where(eq(actionRuns.id, first.body.actionId))
  const updates = () =>
    h
      .emulator!.account(m.accountId, 'test')
      .events.ordered()
      .filter(
        (e) =>
          e.type === 'customer.subscription.updated' &&
          (e.data.object as { id: string }).id === sub.id
      ).length
  const eventsBefore = updates()
  const before = endpointCount(h, UPDATE)
  const again = await h.as(m).post(path, { clientKey: 'crash-1', days: 5 })
  expect(again.status).toBe(200)
  expect(again.body.actionId).toBe(first.body.actionId)
  expect(again.body.subscription).toEqual(first.body.subscription)
  // Stripe was asked again under the run id and replayed its answer: nothing changed twice.
  expect(endpointCount(h, UPDATE) - before).toBe(1)
  expect(updates()).toBe(eventsBefore)
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ state: 'succeeded' })
})
