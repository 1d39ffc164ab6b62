// Evaluates a segment rule against one customer's traits, saying why: every condition is
// evaluated (no short-circuit) so the explanation shows each one with the value it saw.
import type { TraitValue, Traits } from '../traits/catalog'
import {
  NEGATED_OPS,
  isNegatedOp,
  isRuleGroup,
  lowerAscii,
  numericRangeOf,
  type NumericRange,
  type RuleCondition,
  type RuleGroup,
  type RuleNode,
} from './rule'

export type ConditionExplanation = {
  kind: 'condition'
  trait: string
  op: RuleCondition['op']
  value?: Extract<RuleCondition, { value: unknown }>['value']
  /** The trait's value as seen (null when absent). */
  actual: TraitValue
  matched: boolean
  /** One line for people: `subscription.status equals "active": yes (was "active")`. */
  text: string
}
export type GroupExplanation = {
  kind: 'group'
  match: RuleGroup['match']
  matched: boolean
  children: Explanation[]
}
export type Explanation = ConditionExplanation | GroupExplanation

export type RuleResult = { matched: boolean; explanation: Explanation }

export function evaluateRule(rule: RuleNode, traits: Traits, now: Date): RuleResult {
  const explanation = explainNode(rule, traits, now)
  return { matched: explanation.matched, explanation }
}

function explainNode(node: RuleNode, traits: Traits, now: Date): Explanation {
  if (isRuleGroup(node)) {
    const children = node.rules.map((r) => explainNode(r, traits, now))
    const matched =
      node.match === 'all' ? children.every((c) => c.matched) : children.some((c) => c.matched)
    return { kind: 'group', match: node.match, matched, children }
  }
  const actual = readTrait(traits, node.trait)
  const matched = testCondition(node, actual, now)
  const value = 'value' in node ? node.value : undefined
  const expected = value === undefined ? '' : ` ${JSON.stringify(value)}`
  const seen = actual === null ? 'no value' : `was ${JSON.stringify(actual)}`
  return {
    kind: 'condition',
    trait: node.trait,
    op: node.op,
    ...(value === undefined ? {} : { value }),
    actual,
    matched,
    text: `${node.trait} ${node.op}${expected}: ${matched ? 'yes' : 'no'} (${seen})`,
  }
}

/** Own properties only, so `constructor` or `__proto__` keys never read Object.prototype. */
export function readTrait(traits: Traits, key: string): TraitValue {
  return Object.prototype.hasOwnProperty.call(traits, key) ? (traits[key] ?? null) : null
}

export function testCondition(condition: RuleCondition, actual: TraitValue, now: Date): boolean {
  if (isNegatedOp(condition.op)) {
    const positive = { ...condition, op: NEGATED_OPS[condition.op] } as RuleCondition
    return !testCondition(positive, actual, now)
  }
  if (actual === null) return false
  switch (condition.op) {
    case 'exists':
      return true
    case 'equals':
      return actual === condition.value
    case 'in':
      return condition.value.some((v) => v === actual)
    case 'contains':
      return typeof actual === 'string' && lowerAscii(actual).includes(lowerAscii(condition.value))
    default: {
      const range = numericRangeOf(condition, now)
      return range !== null && typeof actual === 'number' && isInRange(actual, range)
    }
  }
}

function isInRange(x: number, { lower, upper }: NumericRange): boolean {
  if (lower && !(lower.inclusive ? x >= lower.value : x > lower.value)) return false
  if (upper && !(upper.inclusive ? x <= upper.value : x < upper.value)) return false
  return true
}

/** The conditions that matched, in rule order (for "why is this customer in the segment"). */
export function listMatchedConditions(explanation: Explanation): ConditionExplanation[] {
  if (explanation.kind === 'condition') return explanation.matched ? [explanation] : []
  return explanation.children.flatMap(listMatchedConditions)
}
