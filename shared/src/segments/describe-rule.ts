// A rule in words, for the segment list and audit logs:
// `Subscription status is one of "active", "past_due" and (Last activity is more than 15 days ago
// or Last activity is not set)`.
import { formatMoney } from '../money'
import { findTraitDefinition } from '../traits/catalog'
import {
  isRuleGroup,
  toUnixSeconds,
  type DateValue,
  type RuleCondition,
  type RuleNode,
} from './rule'

export function describeRule(rule: RuleNode): string {
  return describeNode(rule, true)
}

function describeNode(node: RuleNode, top: boolean): string {
  if (!isRuleGroup(node)) return describeCondition(node)
  if (node.rules.length === 0) return node.match === 'all' ? 'everyone' : 'no one'
  const parts = node.rules.map((r) => describeNode(r, false))
  const text = parts.join(node.match === 'all' ? ' and ' : ' or ')
  return top || parts.length === 1 ? text : `(${text})`
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

function describeDate(value: DateValue): string {
  if (typeof value === 'string') return value
  return new Date(toUnixSeconds(value) * 1000).toISOString()
}

function describeCondition(c: RuleCondition): string {
  const definition = findTraitDefinition(c.trait)
  const label = definition?.label ?? c.trait
  // `mrr.usd` and `ltv.eur` carry their currency in the key.
  const currency =
    definition?.type === 'money' && /^(mrr|ltv)\.[a-z]{3}$/.test(c.trait) ? c.trait.slice(-3) : null
  const show = (v: string | number | boolean) =>
    typeof v === 'string'
      ? JSON.stringify(v)
      : typeof v === 'number' && currency && Number.isInteger(v)
        ? formatMoney({ amount: v, currency })
        : String(v)
  switch (c.op) {
    case 'equals':
      return `${label} is ${show(c.value)}`
    case 'not_equals':
      return `${label} is not ${show(c.value)}`
    case 'in':
      return `${label} is one of ${c.value.map(show).join(', ') || '(nothing)'}`
    case 'not_in':
      return `${label} is none of ${c.value.map(show).join(', ') || '(nothing)'}`
    case 'contains':
      return `${label} contains ${show(c.value)}`
    case 'not_contains':
      return `${label} does not contain ${show(c.value)}`
    case 'exists':
      return `${label} is set`
    case 'not_exists':
      return `${label} is not set`
    case 'gt':
      return `${label} is more than ${show(c.value)}`
    case 'gte':
      return `${label} is at least ${show(c.value)}`
    case 'lt':
      return `${label} is less than ${show(c.value)}`
    case 'lte':
      return `${label} is at most ${show(c.value)}`
    case 'between':
      return `${label} is between ${show(c.value[0])} and ${show(c.value[1])}`
    case 'before':
      return `${label} is before ${describeDate(c.value)}`
    case 'after':
      return `${label} is after ${describeDate(c.value)}`
    case 'more_than_days_ago':
      return `${label} is more than ${plural(c.value, 'day')} ago`
    case 'within_last_days':
      return `${label} is within the last ${plural(c.value, 'day')}`
    case 'in_next_days':
      return `${label} is in the next ${plural(c.value, 'day')}`
    case 'more_than_days_from_now':
      return `${label} is more than ${plural(c.value, 'day')} from now`
  }
}
