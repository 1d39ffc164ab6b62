import { expect, test } from 'vitest'
import { describeRule } from './describe-rule'
import { findPredefinedSegment } from './predefined'
import type { RuleCondition, SegmentRule } from './rule'

const one = (c: RuleCondition): SegmentRule => ({ match: 'all', rules: [c] })

test.each([
  { rule: { match: 'all', rules: [] }, text: 'everyone' },
  { rule: { match: 'any', rules: [] }, text: 'no one' },
  {
    rule: one({ trait: 'subscription.status', op: 'equals', value: 'active' }),
    text: 'Subscription status is "active"',
  },
  {
    rule: one({ trait: 'customer.delinquent', op: 'not_equals', value: true }),
    text: 'Delinquent is not true',
  },
  {
    rule: one({ trait: 'subscription.status', op: 'in', value: ['active', 'past_due'] }),
    text: 'Subscription status is one of "active", "past_due"',
  },
  {
    rule: one({ trait: 'subscription.status', op: 'not_in', value: [] }),
    text: 'Subscription status is none of (nothing)',
  },
  {
    rule: one({ trait: 'customer.email', op: 'contains', value: 'gmail' }),
    text: 'Email contains "gmail"',
  },
  {
    rule: one({ trait: 'customer.email', op: 'not_contains', value: 'gmail' }),
    text: 'Email does not contain "gmail"',
  },
  { rule: one({ trait: 'metadata.plan', op: 'exists' }), text: 'Metadata: plan is set' },
  { rule: one({ trait: 'card.brand', op: 'not_exists' }), text: 'Card brand is not set' },
  { rule: one({ trait: 'mrr.usd', op: 'gt', value: 4900 }), text: 'MRR (USD) is more than $49.00' },
  { rule: one({ trait: 'mrr.jpy', op: 'gte', value: 500 }), text: 'MRR (JPY) is at least ¥500' },
  {
    rule: one({ trait: 'subscription.quantity', op: 'lt', value: 3 }),
    text: 'Quantity is less than 3',
  },
  {
    rule: one({ trait: 'subscription.quantity', op: 'lte', value: 3 }),
    text: 'Quantity is at most 3',
  },
  {
    rule: one({ trait: 'ltv.eur', op: 'between', value: [100, 250] }),
    text: 'Lifetime value (EUR) is between €1.00 and €2.50',
  },
  {
    rule: one({ trait: 'customer.created', op: 'before', value: '2026-01-01' }),
    text: 'Customer since is before 2026-01-01',
  },
  {
    rule: one({ trait: 'customer.created', op: 'after', value: 0 }),
    text: 'Customer since is after 1970-01-01T00:00:00.000Z',
  },
  {
    rule: one({ trait: 'activity.last_at', op: 'more_than_days_ago', value: 1 }),
    text: 'Last activity is more than 1 day ago',
  },
  {
    rule: one({ trait: 'customer.created', op: 'within_last_days', value: 30 }),
    text: 'Customer since is within the last 30 days',
  },
  {
    rule: one({ trait: 'subscription.trial_end', op: 'in_next_days', value: 3 }),
    text: 'Trial end is in the next 3 days',
  },
  {
    rule: one({ trait: 'card.expires_at', op: 'more_than_days_from_now', value: 60 }),
    text: 'Card expires is more than 60 days from now',
  },
  { rule: one({ trait: 'x.unknown', op: 'exists' }), text: 'x.unknown is set' },
] satisfies { rule: SegmentRule; text: string }[])('$text', ({ rule, text }) => {
  expect(describeRule(rule)).toBe(text)
})

test('nested groups get parentheses', () => {
  expect(describeRule(findPredefinedSegment('slipping_trials')!.rule)).toBe(
    'Subscription status is "trialing" and (Last activity is more than 2 days ago or (Last activity is not set and Customer since is more than 2 days ago))'
  )
})
