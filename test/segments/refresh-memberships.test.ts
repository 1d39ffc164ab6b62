// Segment membership over time: predefined segments seeded per account, entered/left recorded,
// explanations stored, and nothing crossing accounts.
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  customerTraits,
  segmentMemberships,
  segmentTransitions,
  segments,
} from '../../backend/src/db/schema'
import {
  ensurePredefinedSegments,
  refreshSegmentMemberships,
} from '../../backend/src/segments/refresh-memberships'
import { PREDEFINED_SEGMENTS } from '../../shared/src/segments/predefined'
import { computeTraits } from '../../shared/src/traits/compute-traits'
import {
  FIXTURE_NOW as now,
  buildCustomerSnapshot,
  buildSubscription,
} from '../../shared/src/traits/snapshot-fixtures'
import { openSegmentDatabase, type SegmentDatabase } from './segment-database'

const A = { accountId: 'acct_a', livemode: false }
const B = { accountId: 'acct_b', livemode: false }
let handle: SegmentDatabase
const db = () => handle.database.db
const deps = () => ({ db: db(), now: () => now })

const traitsFor = (id: string, status: string | null) =>
  computeTraits(
    buildCustomerSnapshot({
      customer: { id },
      subscriptions: status ? [buildSubscription({ status })] : [],
    }),
    now
  )

async function setStatus(scope: typeof A, id: string, status: string | null) {
  const traits = traitsFor(id, status)
  await db()
    .insert(customerTraits)
    .values({ ...scope, customerId: id, traits })
    .onConflictDoUpdate({
      target: [customerTraits.accountId, customerTraits.livemode, customerTraits.customerId],
      set: { traits },
    })
}

async function segmentId(scope: typeof A, key: string) {
  const [row] = await db()
    .select({ id: segments.id })
    .from(segments)
    .where(and(eq(segments.accountId, scope.accountId), eq(segments.predefinedKey, key)))
  return row!.id
}

beforeAll(async () => {
  handle = await openSegmentDatabase()
})

afterAll(async () => {
  await handle?.close()
})

test('predefined segments are seeded once per account and mode', async () => {
  await ensurePredefinedSegments(db(), A)
  await ensurePredefinedSegments(db(), A)
  await ensurePredefinedSegments(db(), B)
  const rows = await db()
    .select({ key: segments.predefinedKey })
    .from(segments)
    .where(eq(segments.accountId, 'acct_a'))
  expect(rows.map((r) => r.key).sort()).toEqual(PREDEFINED_SEGMENTS.map((s) => s.key).sort())
})

test('entered and left are recorded as statuses change, per account', async () => {
  await setStatus(A, 'cus_1', 'active')
  await setStatus(A, 'cus_2', 'trialing')
  await setStatus(B, 'cus_1', 'active')
  const churnedA = await segmentId(A, 'churned')
  const customersA = await segmentId(A, 'customers')

  expect(await refreshSegmentMemberships(deps(), A, customersA)).toEqual({
    entered: ['cus_1'],
    left: [],
    members: 1,
  })
  expect(await refreshSegmentMemberships(deps(), A, customersA)).toEqual({
    entered: [],
    left: [],
    members: 1,
  })

  await setStatus(A, 'cus_1', 'canceled')
  await setStatus(A, 'cus_2', 'active')
  expect(await refreshSegmentMemberships(deps(), A, customersA)).toEqual({
    entered: ['cus_2'],
    left: ['cus_1'],
    members: 1,
  })
  expect(await refreshSegmentMemberships(deps(), A, churnedA)).toEqual({
    entered: ['cus_1'],
    left: [],
    members: 1,
  })

  const transitions = await db()
    .select({ customerId: segmentTransitions.customerId, kind: segmentTransitions.kind })
    .from(segmentTransitions)
    .where(eq(segmentTransitions.segmentId, customersA))
    .orderBy(asc(segmentTransitions.id))
  expect(transitions).toEqual([
    { customerId: 'cus_1', kind: 'entered' },
    { customerId: 'cus_2', kind: 'entered' },
    { customerId: 'cus_1', kind: 'left' },
  ])
  const [membership] = await db()
    .select({ explanation: segmentMemberships.explanation })
    .from(segmentMemberships)
    .where(
      and(eq(segmentMemberships.segmentId, churnedA), eq(segmentMemberships.customerId, 'cus_1'))
    )
  expect(membership?.explanation).toMatchObject({
    kind: 'group',
    matched: true,
    children: [{ trait: 'subscription.status', actual: 'canceled', matched: true }],
  })

  // acct_b's customer never shows up in acct_a's segments, and B's segment only sees B.
  expect(await refreshSegmentMemberships(deps(), B, await segmentId(B, 'customers'))).toEqual({
    entered: ['cus_1'],
    left: [],
    members: 1,
  })
})

test("another account's segment id is not found", async () => {
  const customersA = await segmentId(A, 'customers')
  await expect(refreshSegmentMemberships(deps(), B, customersA)).rejects.toMatchObject({
    code: 'not_found',
  })
})
