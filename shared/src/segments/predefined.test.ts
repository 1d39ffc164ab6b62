import { describe, expect, test } from 'vitest'
import { computeTraits } from '../traits/compute-traits'
import type { CustomerSnapshot, SubscriptionSnapshot } from '../traits/snapshot'
import {
  DAY,
  FIXTURE_NOW as now,
  FIXTURE_NOW_SECONDS as nowS,
  buildCustomerSnapshot,
  buildSubscription,
} from '../traits/snapshot-fixtures'
import { evaluateRule } from './evaluate'
import { PREDEFINED_SEGMENTS, findPredefinedSegment } from './predefined'
import { SegmentRule, checkRule } from './rule'

const customer = (
  subscription: Partial<SubscriptionSnapshot> | null,
  over: { createdDaysAgo?: number; activeDaysAgo?: number | null } = {}
): CustomerSnapshot =>
  buildCustomerSnapshot({
    customer: { created: nowS - (over.createdDaysAgo ?? 200) * DAY },
    subscriptions: subscription ? [buildSubscription(subscription)] : [],
    lastActivityAt:
      over.activeDaysAgo === undefined || over.activeDaysAgo === null
        ? null
        : nowS - over.activeDaysAgo * DAY,
  })

const trial = { status: 'trialing', trialStart: nowS - 3 * DAY, trialEnd: nowS + 11 * DAY }
const expiredTrial = { status: 'paused', trialStart: nowS - 20 * DAY, trialEnd: nowS - 6 * DAY }
const canceledAtTrialEnd = {
  status: 'canceled',
  trialStart: nowS - 20 * DAY,
  trialEnd: nowS - 6 * DAY,
  canceledAt: nowS - 6 * DAY,
  endedAt: nowS - 6 * DAY,
}

type Case = { segment: string; name: string; snapshot: CustomerSnapshot; expected: boolean }
const c = (segment: string, name: string, snapshot: CustomerSnapshot, expected: boolean): Case => ({
  segment,
  name,
  snapshot,
  expected,
})

const cases: Case[] = [
  c('all_customers', 'no subscription', customer(null), true),
  c('all_customers', 'canceled', customer({ status: 'canceled' }), true),
  c('active_subscribers', 'active', customer({}), true),
  c('active_subscribers', 'past_due', customer({ status: 'past_due' }), false),
  c('active_subscribers', 'none', customer(null), false),
  c('new_customers', 'created 29 days ago', customer(null, { createdDaysAgo: 29 }), true),
  c('new_customers', 'created 30 days ago', customer(null, { createdDaysAgo: 30 }), true),
  c('new_customers', 'created 31 days ago', customer(null, { createdDaysAgo: 31 }), false),
  c('current_trials', 'trialing', customer(trial), true),
  c('current_trials', 'active', customer({}), false),
  c('expired_trials', 'paused when the trial ended', customer(expiredTrial), true),
  c('expired_trials', 'canceled at trial end', customer(canceledAtTrialEnd), true),
  c('expired_trials', 'still trialing', customer(trial), false),
  c('expired_trials', 'converted to active', customer({ trialEnd: nowS - 40 * DAY }), false),
  c(
    'expired_trials',
    'paid for months then canceled',
    customer({ ...canceledAtTrialEnd, trialEnd: nowS - 200 * DAY }),
    false
  ),
  c('expired_trials', 'never had a trial', customer({ status: 'canceled' }), false),
  c('slipping_trials', 'trialing, idle 3 days', customer(trial, { activeDaysAgo: 3 }), true),
  c('slipping_trials', 'trialing, active yesterday', customer(trial, { activeDaysAgo: 1 }), false),
  c(
    'slipping_trials',
    'trialing, never active, signed up 5 days ago',
    customer(trial, { createdDaysAgo: 5 }),
    true
  ),
  c(
    'slipping_trials',
    'trialing, never active, signed up today',
    customer(trial, { createdDaysAgo: 0 }),
    false
  ),
  c('slipping_trials', 'active and idle', customer({}, { activeDaysAgo: 30 }), false),
  c('customers', 'active', customer({}), true),
  c('customers', 'past_due', customer({ status: 'past_due' }), true),
  c('customers', 'trialing', customer(trial), false),
  c('customers', 'unpaid', customer({ status: 'unpaid' }), false),
  c('slipping_customers', 'active, idle 16 days', customer({}, { activeDaysAgo: 16 }), true),
  c(
    'slipping_customers',
    'past_due, idle 20 days',
    customer({ status: 'past_due' }, { activeDaysAgo: 20 }),
    true
  ),
  c('slipping_customers', 'active, seen 14 days ago', customer({}, { activeDaysAgo: 14 }), false),
  c('slipping_customers', 'active, never seen, old account', customer({}), true),
  c(
    'slipping_customers',
    'canceled and idle',
    customer({ status: 'canceled' }, { activeDaysAgo: 90 }),
    false
  ),
  c('churned', 'canceled', customer({ status: 'canceled' }), true),
  c('churned', 'incomplete_expired', customer({ status: 'incomplete_expired' }), true),
  c('churned', 'unpaid', customer({ status: 'unpaid' }), true),
  c('churned', 'active', customer({}), false),
  c('churned', 'no subscription', customer(null), false),
  c('past_due', 'past_due', customer({ status: 'past_due' }), true),
  c('past_due', 'active', customer({}), false),
]

describe('predefined segments', () => {
  test.each(cases)('$segment: $name → $expected', ({ segment, snapshot, expected }) => {
    const definition = findPredefinedSegment(segment)!
    expect(evaluateRule(definition.rule, computeTraits(snapshot, now), now).matched).toBe(expected)
  })

  test.each(PREDEFINED_SEGMENTS.map((s) => ({ key: s.key, segment: s })))(
    '$key is a valid rule over known traits and has cases',
    ({ segment }) => {
      expect(SegmentRule.parse(segment.rule)).toEqual(segment.rule)
      expect(checkRule(segment.rule)).toEqual([])
      expect(cases.filter((x) => x.segment === segment.key).length).toBeGreaterThan(1)
    }
  )

  test('keys are unique', () => {
    const keys = PREDEFINED_SEGMENTS.map((s) => s.key)
    expect(new Set(keys).size).toBe(keys.length)
  })
})
