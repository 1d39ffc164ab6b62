// Segment membership from the database: scoped to one account and mode, using the same rule
// semantics as the TS evaluator, over traits exactly as computeTraits writes them.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { customerTraits } from '../../backend/src/db/schema'
import {
  countSegmentMembers,
  selectSegmentMemberIds,
} from '../../backend/src/segments/select-members'
import { findPredefinedSegment } from '../../shared/src/segments/predefined'
import { computeTraits } from '../../shared/src/traits/compute-traits'
import {
  FIXTURE_NOW as now,
  buildCustomerSnapshot,
  buildSubscription,
} from '../../shared/src/traits/snapshot-fixtures'
import { openSegmentDatabase, type SegmentDatabase } from './segment-database'

let handle: SegmentDatabase

beforeAll(async () => {
  handle = await openSegmentDatabase()
  const row = (
    accountId: string,
    livemode: boolean,
    id: string,
    status: string | null,
    name = 'Ada'
  ) => ({
    accountId,
    livemode,
    customerId: id,
    traits: computeTraits(
      buildCustomerSnapshot({
        customer: { id, name, metadata: { note: `x\u0000y` } },
        subscriptions: status ? [buildSubscription({ status })] : [],
      }),
      now
    ),
  })
  await handle.database.db
    .insert(customerTraits)
    .values([
      row('acct_a', false, 'cus_a1', 'active', 'A\u0000da \uD800'),
      row('acct_a', false, 'cus_a2', 'past_due'),
      row('acct_a', false, 'cus_a3', 'canceled'),
      row('acct_a', false, 'cus_a4', null),
      row('acct_a', true, 'cus_live', 'active'),
      row('acct_b', false, 'cus_b1', 'active'),
    ])
})

afterAll(async () => {
  await handle?.close()
})

test.each([
  {
    segment: 'customers',
    scope: { accountId: 'acct_a', livemode: false },
    ids: ['cus_a1', 'cus_a2'],
  },
  { segment: 'churned', scope: { accountId: 'acct_a', livemode: false }, ids: ['cus_a3'] },
  {
    segment: 'all_customers',
    scope: { accountId: 'acct_a', livemode: false },
    ids: ['cus_a1', 'cus_a2', 'cus_a3', 'cus_a4'],
  },
  { segment: 'customers', scope: { accountId: 'acct_a', livemode: true }, ids: ['cus_live'] },
  { segment: 'customers', scope: { accountId: 'acct_b', livemode: false }, ids: ['cus_b1'] },
  { segment: 'customers', scope: { accountId: 'acct_c', livemode: false }, ids: [] },
])('$segment in $scope.accountId/$scope.livemode', async ({ segment, scope, ids }) => {
  const rule = findPredefinedSegment(segment)!.rule
  expect(await selectSegmentMemberIds(handle.database.db, scope, rule, now)).toEqual(ids)
  expect(await countSegmentMembers(handle.database.db, scope, rule, now)).toBe(ids.length)
})

test('text Postgres cannot hold was made storable and is still searchable', async () => {
  const scope = { accountId: 'acct_a', livemode: false }
  const rule = {
    match: 'all' as const,
    rules: [{ trait: 'customer.name', op: 'contains' as const, value: 'ADA \uFFFD' }],
  }
  expect(await selectSegmentMemberIds(handle.database.db, scope, rule, now)).toEqual(['cus_a1'])
})
