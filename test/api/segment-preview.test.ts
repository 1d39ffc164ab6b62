// The settings builder's live count: members and MRR for a rule before it is saved.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { customerTraits } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'

let h: Harness
const a = { accountId: 'acct_1PreviewMerchantA' }
const b = { accountId: 'acct_1PreviewMerchantB' }

beforeAll(async () => {
  h = await startHarness()
  const row = (
    accountId: string,
    customerId: string,
    status: string,
    mrr: Record<string, number>
  ) => ({
    accountId,
    livemode: false,
    customerId,
    traits: {
      'subscription.status': status,
      ...Object.fromEntries(Object.entries(mrr).map(([c, v]) => [`mrr.${c}`, v])),
    },
  })
  await h
    .db()
    .insert(customerTraits)
    .values([
      row(a.accountId, 'cus_a1', 'active', { usd: 2000 }),
      row(a.accountId, 'cus_a2', 'active', { usd: 500, eur: 900 }),
      row(a.accountId, 'cus_a3', 'canceled', {}),
      row(b.accountId, 'cus_b1', 'active', { usd: 99_999 }),
    ])
})
afterAll(async () => {
  await h?.close()
})

const activeRule = {
  match: 'all',
  rules: [{ trait: 'subscription.status', op: 'equals', value: 'active' }],
}

test('counts the members and sums MRR per currency for an unsaved rule, in the caller account only', async () => {
  const res = await h.as(a).post('/api/v1/segments/preview', { rule: activeRule })
  expect(res.status).toBe(200)
  expect(res.body).toEqual({ members: 2, mrr: { usd: 2500, eur: 900 } })

  const other = await h.as(b).post('/api/v1/segments/preview', { rule: activeRule })
  expect(other.body).toEqual({ members: 1, mrr: { usd: 99_999 } })
})

test('a rule that does not fit the catalog gets a 400 naming the problem', async () => {
  const res = await h.as(a).post('/api/v1/segments/preview', {
    rule: { match: 'all', rules: [{ trait: 'subscription.colour', op: 'equals', value: 'red' }] },
  })
  expect(res.status).toBe(400)
  expect(res.body.error.message).toContain('subscription.colour')
})
