import { describe, expect, test } from 'vitest'
import {
  availableActions,
  canApplyDiscount,
  canCancel,
  canChangePlan,
  canExtendTrial,
  canPauseCollection,
  canPauseSubscription,
  canReactivate,
  canResumeCollection,
  canResumeSubscription,
  pickPlanItem,
} from './eligibility'
import type { ActionSubscription } from './subscription'

const now = new Date('2026-01-15T00:00:00Z')
const nowS = now.getTime() / 1000
const DAY = 86_400

const sub = (over: Partial<ActionSubscription> = {}): ActionSubscription => ({
  id: 'sub_123',
  customerId: 'cus_1',
  status: 'active',
  currency: 'usd',
  pauseCollection: null,
  cancelAtPeriodEnd: false,
  cancelAt: null,
  trialEnd: null,
  billingCycleAnchor: nowS - 10 * DAY,
  discountIds: [],
  items: [{ id: 'si_1', priceId: 'price_a', quantity: 2, currentPeriodEnd: nowS + 20 * DAY }],
  scheduleId: null,
  ...over,
})

describe('canPauseCollection', () => {
  test.each([
    [{}, null],
    [{ status: 'past_due' }, null],
    [{ status: 'trialing' }, null],
    [
      { status: 'canceled' },
      'sub_123 is canceled; it cannot be paused. Create a new subscription instead.',
    ],
    [
      { status: 'incomplete' },
      'sub_123 is incomplete (its first payment has not succeeded); it cannot be paused yet.',
    ],
    [
      { status: 'incomplete_expired' },
      'sub_123 expired before its first payment; it cannot be paused.',
    ],
    [
      { status: 'paused' },
      'sub_123 is paused already (no invoices are created); it cannot be paused.',
    ],
    [
      { status: 'unpaid' },
      'sub_123 is unpaid; collect or void its open invoices before pausing it.',
    ],
    [
      { pauseCollection: { behavior: 'void', resumesAt: null } },
      'Collection on sub_123 is already paused (void); resume it first.',
    ],
  ] as [Partial<ActionSubscription>, string | null][])('%o → %s', (over, reason) => {
    expect(canPauseCollection(sub(over))).toEqual(reason ? { ok: false, reason } : { ok: true })
  })
})

test('canResumeCollection needs a paused collection', () => {
  expect(canResumeCollection(sub()).ok).toBe(false)
  expect(
    canResumeCollection(sub({ pauseCollection: { behavior: 'void', resumesAt: null } }))
  ).toEqual({
    ok: true,
  })
})

test('canApplyDiscount refuses ended subscriptions and the 21st discount', () => {
  expect(canApplyDiscount(sub()).ok).toBe(true)
  expect(canApplyDiscount(sub({ status: 'canceled' })).ok).toBe(false)
  const full = sub({ discountIds: Array.from({ length: 20 }, (_, i) => `di_${i}`) })
  expect(canApplyDiscount(full)).toEqual({
    ok: false,
    reason: "sub_123 already has 20 discounts, Stripe's limit; remove one first.",
  })
})

describe('canChangePlan', () => {
  const price = { id: 'price_b', currency: 'usd', active: true, recurring: true }
  test.each([
    [{}, {}, undefined, null],
    [{}, { id: 'price_a' }, undefined, 'sub_123 is already on price price_a.'],
    [
      {},
      { recurring: false },
      undefined,
      'Price price_b is a one-time price; a subscription needs a recurring price.',
    ],
    [{}, { active: false }, undefined, 'Price price_b is archived; pick an active price.'],
    [
      {},
      { currency: 'eur' },
      undefined,
      'Price price_b is in EUR but sub_123 bills in USD; pick a USD price.',
    ],
    [
      { scheduleId: 'sub_sched_1' },
      {},
      undefined,
      'sub_123 is managed by subscription schedule sub_sched_1; change the schedule instead.',
    ],
    [{}, {}, 'si_x', 'sub_123 has no item si_x.'],
    [
      {
        items: [
          ...sub().items,
          { id: 'si_2', priceId: 'price_c', quantity: 1, currentPeriodEnd: null },
        ],
      },
      {},
      undefined,
      'sub_123 has 2 items; say which one to change (itemId).',
    ],
  ] as [Partial<ActionSubscription>, Partial<typeof price>, string | undefined, string | null][])(
    '%o %o %s → %s',
    (over, priceOver, itemId, reason) => {
      expect(canChangePlan(sub(over), { ...price, ...priceOver }, itemId)).toEqual(
        reason ? { ok: false, reason } : { ok: true }
      )
    }
  )
  test('pickPlanItem keeps the quantity of the item it picks', () => {
    expect(pickPlanItem(sub())).toMatchObject({ ok: true, item: { id: 'si_1', quantity: 2 } })
  })
})

test('canCancel and canReactivate', () => {
  expect(canCancel(sub(), 'now').ok).toBe(true)
  expect(canCancel(sub({ status: 'incomplete' }), 'now').ok).toBe(true)
  expect(canCancel(sub({ cancelAtPeriodEnd: true }), 'period_end')).toEqual({
    ok: false,
    reason: 'sub_123 is already set to cancel at the end of its period.',
  })
  expect(canCancel(sub({ cancelAtPeriodEnd: true }), 'now').ok).toBe(true)
  expect(canReactivate(sub()).ok).toBe(false)
  expect(canReactivate(sub({ cancelAtPeriodEnd: true })).ok).toBe(true)
  expect(canReactivate(sub({ cancelAt: nowS + DAY })).ok).toBe(true)
  expect(canReactivate(sub({ status: 'canceled', cancelAtPeriodEnd: true }))).toEqual({
    ok: false,
    reason: 'sub_123 is canceled; it cannot be reactivated. Create a new subscription instead.',
  })
})

describe('canExtendTrial', () => {
  const trial = sub({ status: 'trialing', trialEnd: nowS + 5 * DAY })
  test.each([
    [trial, nowS + 6 * DAY, null],
    [
      trial,
      nowS + 5 * DAY,
      'The new trial end (2026-01-20) is not after the current one (2026-01-20).',
    ],
    [
      trial,
      nowS + 731 * DAY,
      'Stripe allows a trial to end at most two years from now; pick an earlier date.',
    ],
    [sub(), nowS + 6 * DAY, 'sub_123 is active, not trialing; only a trial can be extended.'],
    [
      sub({ status: 'canceled' }),
      nowS + 6 * DAY,
      'sub_123 is canceled; it cannot be given a longer trial. Create a new subscription instead.',
    ],
  ] as [ActionSubscription, number, string | null][])('%#', (s, end, reason) => {
    expect(canExtendTrial(s, end, now)).toEqual(reason ? { ok: false, reason } : { ok: true })
  })
})

describe('canPauseSubscription (true pause)', () => {
  test.each([
    [{}, null],
    [{ status: 'past_due' }, null],
    [{ status: 'trialing' }, null],
    [{ status: 'paused' }, 'sub_123 is paused already; resume it instead.'],
    [
      { status: 'canceled' },
      'sub_123 is canceled; it cannot be paused. Create a new subscription instead.',
    ],
    [
      { status: 'unpaid' },
      'sub_123 is unpaid; collect or void its open invoices before pausing it.',
    ],
    [
      { scheduleId: 'sub_sched_1' },
      'sub_123 is managed by subscription schedule sub_sched_1; Stripe cannot pause it. Release the schedule first.',
    ],
    [
      { billingMode: 'classic' },
      'sub_123 uses classic billing mode; Stripe pauses only subscriptions in flexible billing mode. Pause collection instead.',
    ],
    [
      { pauseCollection: { behavior: 'void', resumesAt: null } },
      'Collection on sub_123 is paused (void); Stripe cannot pause it as well. Resume collection first.',
    ],
  ] as [Partial<ActionSubscription>, string | null][])('%j', (over, reason) => {
    expect(canPauseSubscription(sub(over))).toEqual(reason ? { ok: false, reason } : { ok: true })
  })
})

describe('canResumeSubscription', () => {
  test.each([
    [{ status: 'paused' }, null],
    [{ status: 'active' }, 'sub_123 is active, not paused; nothing to resume.'],
    [
      { status: 'paused', collectionMethod: 'send_invoice' },
      'sub_123 is billed by sending invoices; Stripe resumes only subscriptions that charge automatically.',
    ],
    [
      { status: 'canceled' },
      'sub_123 is canceled; it cannot be resumed. Create a new subscription instead.',
    ],
  ] as [Partial<ActionSubscription>, string | null][])('%j', (over, reason) => {
    expect(canResumeSubscription(sub(over))).toEqual(reason ? { ok: false, reason } : { ok: true })
  })
})

test('availableActions lists every action with its verdict', () => {
  const actions = availableActions(sub({ status: 'trialing', trialEnd: nowS + DAY }), now)
  expect(actions.map((a) => [a.kind, a.verdict.ok])).toEqual([
    ['pause_collection', true],
    ['resume_collection', false],
    ['apply_discount', true],
    ['change_plan', true],
    ['cancel', true],
    ['reactivate', false],
    ['extend_trial', true],
    ['pause_subscription', true],
    ['resume_subscription', false],
  ])
  expect(availableActions(sub({ status: 'canceled' }), now).every((a) => !a.verdict.ok)).toBe(true)
})
