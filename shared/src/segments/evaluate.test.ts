import { describe, expect, test } from 'vitest'
import type { Traits } from '../traits/catalog'
import { evaluateRule, listMatchedConditions, readTrait, testCondition } from './evaluate'
import type { RuleCondition, SegmentRule } from './rule'

const now = new Date('2026-01-15T00:00:00Z')
const nowS = now.getTime() / 1000
const DAY = 86_400

const traits: Traits = {
  'customer.email': 'Ada@Example.com',
  'customer.name': null,
  'customer.delinquent': false,
  'subscription.status': 'active',
  'subscription.quantity': 3,
  'mrr.usd': 4900,
  'customer.created': nowS - 10 * DAY,
  'activity.last_at': nowS - 20 * DAY,
  'subscription.trial_end': nowS + 2 * DAY,
  'metadata.plan': '1',
}

type Case = { condition: RuleCondition; expected: boolean }
const cases: Case[] = [
  { condition: { trait: 'subscription.status', op: 'equals', value: 'active' }, expected: true },
  { condition: { trait: 'subscription.status', op: 'equals', value: 'Active' }, expected: false },
  { condition: { trait: 'subscription.quantity', op: 'equals', value: 3 }, expected: true },
  { condition: { trait: 'metadata.plan', op: 'equals', value: 1 }, expected: false },
  { condition: { trait: 'customer.delinquent', op: 'equals', value: false }, expected: true },
  { condition: { trait: 'customer.name', op: 'equals', value: '' }, expected: false },
  {
    condition: { trait: 'subscription.status', op: 'not_equals', value: 'canceled' },
    expected: true,
  },
  { condition: { trait: 'customer.name', op: 'not_equals', value: 'x' }, expected: true },
  { condition: { trait: 'missing.key', op: 'not_equals', value: 'x' }, expected: true },
  {
    condition: { trait: 'subscription.status', op: 'in', value: ['past_due', 'active'] },
    expected: true,
  },
  { condition: { trait: 'subscription.status', op: 'in', value: [] }, expected: false },
  {
    condition: { trait: 'subscription.status', op: 'not_in', value: ['canceled'] },
    expected: true,
  },
  { condition: { trait: 'missing.key', op: 'in', value: ['x'] }, expected: false },
  { condition: { trait: 'customer.email', op: 'contains', value: 'EXAMPLE' }, expected: true },
  { condition: { trait: 'customer.email', op: 'contains', value: '' }, expected: true },
  { condition: { trait: 'customer.email', op: 'contains', value: 'gmail' }, expected: false },
  { condition: { trait: 'customer.email', op: 'not_contains', value: 'gmail' }, expected: true },
  { condition: { trait: 'mrr.usd', op: 'contains', value: '49' }, expected: false },
  { condition: { trait: 'customer.name', op: 'not_contains', value: 'a' }, expected: true },
  { condition: { trait: 'customer.email', op: 'exists' }, expected: true },
  { condition: { trait: 'customer.name', op: 'exists' }, expected: false },
  { condition: { trait: 'customer.name', op: 'not_exists' }, expected: true },
  { condition: { trait: 'customer.delinquent', op: 'exists' }, expected: true },
  { condition: { trait: 'mrr.usd', op: 'gt', value: 4899 }, expected: true },
  { condition: { trait: 'mrr.usd', op: 'gt', value: 4900 }, expected: false },
  { condition: { trait: 'mrr.usd', op: 'gte', value: 4900 }, expected: true },
  { condition: { trait: 'mrr.usd', op: 'lt', value: 4900 }, expected: false },
  { condition: { trait: 'mrr.usd', op: 'lte', value: 4900 }, expected: true },
  { condition: { trait: 'mrr.eur', op: 'lt', value: 1 }, expected: false },
  { condition: { trait: 'customer.email', op: 'gt', value: 0 }, expected: false },
  { condition: { trait: 'mrr.usd', op: 'between', value: [4900, 5000] }, expected: true },
  { condition: { trait: 'mrr.usd', op: 'between', value: [5000, 4900] }, expected: false },
  { condition: { trait: 'customer.created', op: 'before', value: '2026-01-05' }, expected: false },
  {
    condition: { trait: 'customer.created', op: 'before', value: '2026-01-05T00:00:01Z' },
    expected: true,
  },
  { condition: { trait: 'customer.created', op: 'after', value: nowS - 11 * DAY }, expected: true },
  { condition: { trait: 'customer.created', op: 'within_last_days', value: 10 }, expected: true },
  { condition: { trait: 'customer.created', op: 'within_last_days', value: 9 }, expected: false },
  { condition: { trait: 'activity.last_at', op: 'more_than_days_ago', value: 15 }, expected: true },
  {
    condition: { trait: 'activity.last_at', op: 'more_than_days_ago', value: 20 },
    expected: false,
  },
  { condition: { trait: 'subscription.trial_end', op: 'in_next_days', value: 3 }, expected: true },
  { condition: { trait: 'subscription.trial_end', op: 'in_next_days', value: 1 }, expected: false },
  {
    condition: { trait: 'subscription.trial_end', op: 'more_than_days_from_now', value: 1 },
    expected: true,
  },
  {
    condition: { trait: 'subscription.trial_end', op: 'more_than_days_from_now', value: 2 },
    expected: false,
  },
  { condition: { trait: 'missing.key', op: 'more_than_days_ago', value: 0 }, expected: false },
  { condition: { trait: 'constructor', op: 'exists' }, expected: false },
]

describe('testCondition', () => {
  test.each(cases)(
    '$condition.trait $condition.op $condition.value → $expected',
    ({ condition, expected }) => {
      expect(testCondition(condition, readTrait(traits, condition.trait), now)).toBe(expected)
      expect(evaluateRule({ match: 'all', rules: [condition] }, traits, now).matched).toBe(expected)
    }
  )
})

describe('groups', () => {
  const yes: RuleCondition = { trait: 'subscription.status', op: 'equals', value: 'active' }
  const no: RuleCondition = { trait: 'subscription.status', op: 'equals', value: 'canceled' }
  test.each([
    { name: 'empty all matches', rule: { match: 'all', rules: [] }, expected: true },
    { name: 'empty any does not', rule: { match: 'any', rules: [] }, expected: false },
    { name: 'all needs every one', rule: { match: 'all', rules: [yes, no] }, expected: false },
    { name: 'any needs one', rule: { match: 'any', rules: [no, yes] }, expected: true },
    {
      name: 'nesting',
      rule: {
        match: 'all',
        rules: [yes, { match: 'any', rules: [no, { match: 'all', rules: [yes] }] }],
      },
      expected: true,
    },
  ] satisfies { name: string; rule: SegmentRule; expected: boolean }[])(
    '$name',
    ({ rule, expected }) => {
      expect(evaluateRule(rule, traits, now).matched).toBe(expected)
    }
  )
})

describe('explanation', () => {
  test('lists every condition with the value it saw', () => {
    const result = evaluateRule(
      {
        match: 'any',
        rules: [
          { trait: 'subscription.status', op: 'equals', value: 'canceled' },
          { trait: 'mrr.usd', op: 'gte', value: 1000 },
          { trait: 'customer.name', op: 'exists' },
        ],
      },
      traits,
      now
    )
    expect(result.matched).toBe(true)
    expect(result.explanation).toMatchObject({
      kind: 'group',
      match: 'any',
      matched: true,
      children: [
        { trait: 'subscription.status', actual: 'active', matched: false },
        { trait: 'mrr.usd', value: 1000, actual: 4900, matched: true },
        { trait: 'customer.name', actual: null, matched: false },
      ],
    })
    expect(listMatchedConditions(result.explanation).map((c) => c.text)).toEqual([
      'mrr.usd gte 1000: yes (was 4900)',
    ])
  })
})
