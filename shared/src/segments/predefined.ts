// The segments every merchant starts with, written in the same rule language as custom ones so
// they are evaluated, compiled to SQL and explained the same way.
import type { SegmentRule } from './rule'

export type PredefinedSegment = {
  /** Stable key stored in `segments.predefined_key`. */
  key: string
  name: string
  description: string
  rule: SegmentRule
}

const statusIn = (...statuses: string[]) =>
  ({ trait: 'subscription.status', op: 'in', value: statuses }) as const

/** No activity for `days`: last activity older than that, or none and the customer is that old. */
const inactiveFor = (days: number): SegmentRule => ({
  match: 'any',
  rules: [
    { trait: 'activity.last_at', op: 'more_than_days_ago', value: days },
    {
      match: 'all',
      rules: [
        { trait: 'activity.last_at', op: 'not_exists' },
        { trait: 'customer.created', op: 'more_than_days_ago', value: days },
      ],
    },
  ],
})

export const PREDEFINED_SEGMENTS: readonly PredefinedSegment[] = [
  {
    key: 'all_customers',
    name: 'All synced customers',
    description: 'Every customer synced from Stripe',
    rule: { match: 'all', rules: [] },
  },
  {
    key: 'active_subscribers',
    name: 'Active subscribers',
    description: 'Subscription status is active',
    rule: {
      match: 'all',
      rules: [{ trait: 'subscription.status', op: 'equals', value: 'active' }],
    },
  },
  {
    key: 'new_customers',
    name: 'New customers',
    description: 'Created in the last 30 days',
    rule: {
      match: 'all',
      rules: [{ trait: 'customer.created', op: 'within_last_days', value: 30 }],
    },
  },
  {
    key: 'current_trials',
    name: 'Current trials',
    description: 'Subscription is trialing',
    rule: {
      match: 'all',
      rules: [{ trait: 'subscription.status', op: 'equals', value: 'trialing' }],
    },
  },
  {
    key: 'expired_trials',
    name: 'Expired trials',
    description: 'The trial ended and the subscription never became a paying one',
    rule: {
      match: 'all',
      rules: [
        { trait: 'subscription.trial_end', op: 'more_than_days_ago', value: 0 },
        { trait: 'subscription.trial_converted', op: 'equals', value: false },
        { trait: 'subscription.status', op: 'not_equals', value: 'trialing' },
      ],
    },
  },
  {
    key: 'slipping_trials',
    name: 'Slipping trials',
    description: 'Trialing with no activity for 2 days',
    rule: {
      match: 'all',
      rules: [{ trait: 'subscription.status', op: 'equals', value: 'trialing' }, inactiveFor(2)],
    },
  },
  {
    key: 'customers',
    name: 'Customers',
    description: 'Subscription is active or past due',
    rule: { match: 'all', rules: [statusIn('active', 'past_due')] },
  },
  {
    key: 'slipping_customers',
    name: 'Slipping customers',
    description: 'Active or past due with no activity for 15 days',
    rule: { match: 'all', rules: [statusIn('active', 'past_due'), inactiveFor(15)] },
  },
  {
    key: 'churned',
    name: 'Churned',
    description: 'Subscription is canceled, incomplete_expired or unpaid',
    rule: { match: 'all', rules: [statusIn('canceled', 'incomplete_expired', 'unpaid')] },
  },
  {
    key: 'past_due',
    name: 'Past due',
    description: 'Subscription is past due',
    rule: {
      match: 'all',
      rules: [{ trait: 'subscription.status', op: 'equals', value: 'past_due' }],
    },
  },
]

export function findPredefinedSegment(key: string): PredefinedSegment | null {
  return PREDEFINED_SEGMENTS.find((s) => s.key === key) ?? null
}
