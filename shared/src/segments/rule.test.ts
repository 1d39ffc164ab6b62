import { describe, expect, test } from 'vitest'
import {
  MAX_RULE_TEXT,
  MAX_RULE_VALUES,
  SegmentRule,
  checkRule,
  measureRule,
  measureRuleValues,
  toUnixSeconds,
} from './rule'

describe('SegmentRule schema', () => {
  test.each([
    { name: 'empty all', rule: { match: 'all', rules: [] } },
    {
      name: 'equals',
      rule: {
        match: 'all',
        rules: [{ trait: 'subscription.status', op: 'equals', value: 'active' }],
      },
    },
    {
      name: 'in',
      rule: {
        match: 'any',
        rules: [{ trait: 'subscription.status', op: 'in', value: ['active', 'past_due'] }],
      },
    },
    {
      name: 'exists without value',
      rule: { match: 'all', rules: [{ trait: 'customer.email', op: 'exists' }] },
    },
    {
      name: 'between',
      rule: { match: 'all', rules: [{ trait: 'mrr.usd', op: 'between', value: [100, 5000] }] },
    },
    {
      name: 'before an ISO date',
      rule: {
        match: 'all',
        rules: [{ trait: 'customer.created', op: 'before', value: '2026-01-01' }],
      },
    },
    {
      name: 'after a datetime',
      rule: {
        match: 'all',
        rules: [{ trait: 'customer.created', op: 'after', value: '2026-01-01T10:00:00+02:00' }],
      },
    },
    {
      name: 'relative days',
      rule: {
        match: 'all',
        rules: [{ trait: 'activity.last_at', op: 'more_than_days_ago', value: 15 }],
      },
    },
    {
      name: 'nested groups and metadata',
      rule: {
        match: 'all',
        rules: [
          { trait: 'metadata.plan_tier', op: 'equals', value: 'gold' },
          { match: 'any', rules: [{ trait: 'card.brand', op: 'contains', value: 'VISA' }] },
        ],
      },
    },
  ])('accepts $name', ({ rule }) => {
    expect(SegmentRule.safeParse(rule).success).toBe(true)
  })

  const deep = (n: number): unknown =>
    n === 0 ? { match: 'all', rules: [] } : { match: 'all', rules: [deep(n - 1)] }
  test.each([
    { name: 'a bare condition at the top', rule: { trait: 'customer.email', op: 'exists' } },
    { name: 'unknown op', rule: { match: 'all', rules: [{ trait: 'x', op: 'like', value: 'a' }] } },
    {
      name: 'gt with a string',
      rule: { match: 'all', rules: [{ trait: 'mrr.usd', op: 'gt', value: '10' }] },
    },
    {
      name: 'in with a scalar',
      rule: { match: 'all', rules: [{ trait: 'a', op: 'in', value: 'x' }] },
    },
    {
      name: 'exists with a value',
      rule: { match: 'all', rules: [{ trait: 'a', op: 'exists', value: 1 }] },
    },
    {
      name: 'negative days',
      rule: { match: 'all', rules: [{ trait: 'a', op: 'within_last_days', value: -1 }] },
    },
    {
      name: 'fractional days',
      rule: { match: 'all', rules: [{ trait: 'a', op: 'within_last_days', value: 1.5 }] },
    },
    {
      name: 'bad date',
      rule: { match: 'all', rules: [{ trait: 'a', op: 'before', value: 'yesterday' }] },
    },
    { name: 'empty trait', rule: { match: 'all', rules: [{ trait: '', op: 'exists' }] } },
    {
      name: 'infinite number',
      rule: { match: 'all', rules: [{ trait: 'a', op: 'gt', value: Infinity }] },
    },
    { name: 'unknown combinator', rule: { match: 'xor', rules: [] } },
    { name: 'too deep', rule: deep(8) },
  ])('rejects $name', ({ rule }) => {
    expect(SegmentRule.safeParse(rule).success).toBe(false)
  })
})

describe('checkRule', () => {
  test.each([
    {
      name: 'fine',
      rule: { trait: 'subscription.status', op: 'in', value: ['active'] },
      problems: 0,
    },
    {
      name: 'metadata key',
      rule: { trait: 'metadata.anything', op: 'contains', value: 'x' },
      problems: 0,
    },
    { name: 'mrr currency', rule: { trait: 'mrr.eur', op: 'gte', value: 1 }, problems: 0 },
    { name: 'unknown trait', rule: { trait: 'customer.shoe_size', op: 'exists' }, problems: 1 },
    { name: 'gt on a string', rule: { trait: 'customer.email', op: 'gt', value: 1 }, problems: 1 },
    {
      name: 'contains on a boolean',
      rule: { trait: 'customer.delinquent', op: 'contains', value: 't' },
      problems: 1,
    },
    {
      name: 'relative on a date',
      rule: { trait: 'subscription.trial_end', op: 'in_next_days', value: 3 },
      problems: 0,
    },
    {
      name: 'relative on a number',
      rule: { trait: 'subscription.quantity', op: 'in_next_days', value: 3 },
      problems: 1,
    },
    {
      name: 'string for a number',
      rule: { trait: 'subscription.quantity', op: 'equals', value: '3' },
      problems: 1,
    },
    {
      name: 'number in an enum list',
      rule: { trait: 'subscription.status', op: 'not_in', value: ['active', 1] },
      problems: 1,
    },
    {
      name: 'boolean equals',
      rule: { trait: 'customer.delinquent', op: 'equals', value: false },
      problems: 0,
    },
    {
      name: 'metadata is text',
      rule: { trait: 'metadata.seats', op: 'equals', value: 5 },
      problems: 1,
    },
  ] as const)('$name', ({ rule, problems }) => {
    expect(checkRule({ match: 'all', rules: [rule as never] })).toHaveLength(problems)
  })
})

test.each([
  { value: 1_700_000_000, expected: 1_700_000_000 },
  { value: '2026-01-01', expected: Date.UTC(2026, 0, 1) / 1000 },
  { value: '2026-01-01T02:00:00+02:00', expected: Date.UTC(2026, 0, 1) / 1000 },
])('toUnixSeconds($value)', ({ value, expected }) => {
  expect(toUnixSeconds(value)).toBe(expected)
})

test('measureRule counts depth and conditions', () => {
  expect(
    measureRule({
      match: 'all',
      rules: [
        { trait: 'a', op: 'exists' },
        {
          match: 'any',
          rules: [
            { trait: 'b', op: 'exists' },
            { trait: 'c', op: 'exists' },
          ],
        },
      ],
    })
  ).toEqual({ depth: 2, conditions: 3 })
})

test('measureRuleValues counts each list value and the text they hold', () => {
  expect(
    measureRuleValues({
      match: 'all',
      rules: [
        { trait: 'a', op: 'exists' },
        { trait: 'b', op: 'between', value: [1, 2] },
        { match: 'any', rules: [{ trait: 'c', op: 'in', value: ['ab', 'cde', 7] }] },
      ],
    })
  ).toEqual({ values: 5, text: 5 })
})

describe('the value budget', () => {
  // `lists` conditions of `size` values each, in groups of at most 100 conditions.
  const listsRule = (lists: number, size: number, value = (i: number) => i as string | number) => {
    const conditions = Array.from({ length: lists }, (_, c) => ({
      trait: 'subscription.quantity',
      op: 'in' as const,
      value: Array.from({ length: size }, (_, i) => value(c * size + i)),
    }))
    const groups = []
    for (let i = 0; i < conditions.length; i += 100)
      groups.push({ match: 'any' as const, rules: conditions.slice(i, i + 100) })
    return { match: 'any' as const, rules: groups }
  }

  test('a rule of exactly MAX_RULE_VALUES values passes', () => {
    expect(SegmentRule.safeParse(listsRule(MAX_RULE_VALUES / 500, 500)).success).toBe(true)
  })

  test('199 lists of 500 values are refused, naming the limit and the count', () => {
    const result = SegmentRule.safeParse(listsRule(199, 500))
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      `A rule has at most ${MAX_RULE_VALUES} values across its conditions (this one has 99500)`,
    ])
  })

  test('text values are bounded in total', () => {
    const long = (i: number) => `${i}`.padEnd(1000, 'x')
    const result = SegmentRule.safeParse(listsRule(2, MAX_RULE_TEXT / 1000, long))
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      `A rule has at most ${MAX_RULE_TEXT} characters of text values (this one has ${2 * MAX_RULE_TEXT})`,
    ])
    expect(SegmentRule.safeParse(listsRule(1, MAX_RULE_TEXT / 1000, long)).success).toBe(true)
  })
})
