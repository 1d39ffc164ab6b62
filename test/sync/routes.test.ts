// /api/v1/sync belongs to the verified caller's installation: another account, the other mode, or
// an account that is not connected gets 404 from every sync route, and never sees a run.
import { afterEach, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { installSeeded, syncTestEnv, waitForRun } from './support/kit'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('every sync route answers 404 across tenants and modes', async () => {
  h = await startHarness({ emulator: true, env: syncTestEnv })
  const a = await installSeeded(h, { customers: 10, seed: 31 })
  const b = await installSeeded(h, { customers: 5, seed: 32 })
  const runA = await waitForRun(h, a.scope)
  await waitForRun(h, b.scope)

  // A sees its own run.
  expect((await h.as(a).get(`/api/v1/sync/runs/${runA.id}`)).status).toBe(200)

  const strangers = [
    { who: 'another installed account', merchant: { accountId: b.accountId } },
    {
      who: 'the same account in live mode',
      merchant: { accountId: a.accountId, mode: 'live' as const },
    },
    { who: 'an account that never installed', merchant: { accountId: 'acct_1NeverInstalled' } },
  ]
  for (const { who, merchant } of strangers) {
    const as = h.as(merchant)
    const run = await as.get(`/api/v1/sync/runs/${runA.id}`)
    expect({ who, status: run.status, code: run.body.error?.code }).toEqual({
      who,
      status: 404,
      code: 'not_found',
    })
    if (merchant.accountId === b.accountId) continue // B's own routes are B's: checked below
    for (const [method, path] of [
      ['get', '/api/v1/sync'],
      ['post', '/api/v1/sync/import'],
      ['post', '/api/v1/sync/reconcile'],
    ] as const) {
      const res = method === 'get' ? await as.get(path) : await as.post(path, {})
      expect({ who, path, status: res.status }).toEqual({ who, path, status: 404 })
    }
  }

  // B's health is B's: nothing of A's counts or runs in it.
  const healthB = (await h.as(b).get('/api/v1/sync')).body
  expect(healthB.accountId).toBe(b.accountId)
  expect(healthB.import.runId).not.toBe(runA.id)
  const heldA = (await h.as(a).get('/api/v1/sync')).body.objects.find(
    (o: { type: string }) => o.type === 'customer'
  ).held
  const heldB = healthB.objects.find((o: { type: string }) => o.type === 'customer').held
  expect([heldA, heldB]).toEqual([10, 5])

  // A malformed run id is a 404 too, not a database error.
  expect((await h.as(a).get('/api/v1/sync/runs/not-a-uuid')).status).toBe(404)
})

test('a bad import choice is a 400 naming the field', async () => {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const a = await installSeeded(h, { customers: 0 })
  const res = await h.as(a).post('/api/v1/sync/import', { choice: 'everything' })
  expect(res.status).toBe(400)
  expect(res.body.error.fields[0].field).toBe('choice')
})
