// The custom segment rule language: nested all/any groups of `{ trait, op, value }` conditions
// over the flat Traits object (see traits/catalog.ts). Stored as JSON in `segments.rule`, evaluated
// in TS (evaluate.ts) and compiled to SQL (backend/src/segments/compile-sql.ts) with the same
// meaning. Semantics every operator keeps, in both places:
// - a missing trait and a null one are the same: "no value";
// - a positive operator never matches a missing value or a value of the wrong JSON type
//   (`gt` on a string is false), and each `not_*` operator is exactly its positive's negation,
//   so `not_equals 'active'` also matches customers with no subscription;
// - `equals`/`in` compare type and value strictly (`1` ≠ `'1'`); `contains` is case-insensitive
//   for ASCII letters only (so TS and Postgres agree whatever the database locale);
// - dates are unix seconds; relative operators count whole days of 86 400 s back or forward from
//   the `now` passed in, never from the database clock.
import { z } from 'zod'
import { findTraitDefinition, type TraitType } from '../traits/catalog'

const SECONDS_PER_DAY = 86_400

export const TraitKey = z.string().min(1).max(200)
export const ScalarValue = z.union([z.string().max(1000), z.number(), z.boolean()])
export type ScalarValue = z.infer<typeof ScalarValue>

/** An absolute date: ISO datetime with offset, a plain date (UTC midnight), or unix seconds. */
export const DateValue = z.union([z.iso.datetime({ offset: true }), z.iso.date(), z.number().int()])
export type DateValue = z.infer<typeof DateValue>

const Days = z.number().int().min(0).max(36_500)

export const EQUALITY_OPS = ['equals', 'not_equals'] as const
export const SET_OPS = ['in', 'not_in'] as const
export const TEXT_OPS = ['contains', 'not_contains'] as const
export const PRESENCE_OPS = ['exists', 'not_exists'] as const
export const COMPARISON_OPS = ['gt', 'gte', 'lt', 'lte'] as const
export const DATE_OPS = ['before', 'after'] as const
/**
 * - `more_than_days_ago N`: t < now − N days
 * - `within_last_days N`: now − N days ≤ t ≤ now
 * - `in_next_days N`: now ≤ t ≤ now + N days
 * - `more_than_days_from_now N`: t > now + N days
 */
export const RELATIVE_OPS = [
  'more_than_days_ago',
  'within_last_days',
  'in_next_days',
  'more_than_days_from_now',
] as const

export const RuleCondition = z.discriminatedUnion('op', [
  z.strictObject({ trait: TraitKey, op: z.enum(EQUALITY_OPS), value: ScalarValue }),
  z.strictObject({ trait: TraitKey, op: z.enum(SET_OPS), value: z.array(ScalarValue).max(500) }),
  z.strictObject({ trait: TraitKey, op: z.enum(TEXT_OPS), value: z.string().max(1000) }),
  z.strictObject({ trait: TraitKey, op: z.enum(PRESENCE_OPS) }),
  z.strictObject({ trait: TraitKey, op: z.enum(COMPARISON_OPS), value: z.number() }),
  z.strictObject({
    trait: TraitKey,
    op: z.literal('between'),
    value: z.tuple([z.number(), z.number()]),
  }),
  z.strictObject({ trait: TraitKey, op: z.enum(DATE_OPS), value: DateValue }),
  z.strictObject({ trait: TraitKey, op: z.enum(RELATIVE_OPS), value: Days }),
])
export type RuleCondition = z.infer<typeof RuleCondition>
export type RuleOp = RuleCondition['op']

/** `all` = AND, `any` = OR. An empty `all` matches everyone, an empty `any` no one. */
export type RuleGroup = { match: 'all' | 'any'; rules: RuleNode[] }
export type RuleNode = RuleGroup | RuleCondition

export const RuleGroup: z.ZodType<RuleGroup> = z.strictObject({
  match: z.enum(['all', 'any']),
  get rules() {
    return z.array(RuleNode).max(100)
  },
})
export const RuleNode: z.ZodType<RuleNode> = z.lazy(() => z.union([RuleGroup, RuleCondition]))

export const MAX_RULE_DEPTH = 6
export const MAX_RULE_CONDITIONS = 200
/** Values across all conditions (each `in` list counts its length): bounds the SQL and the work
 * per customer, which 200 lists of 500 would not (100,000 values held the event loop for seconds). */
export const MAX_RULE_VALUES = 5_000
/** Characters of text values across all conditions. */
export const MAX_RULE_TEXT = 100_000

/** A segment's rule: a group at the top, bounded in depth and size. */
export const SegmentRule = RuleGroup.superRefine((rule, ctx) => {
  const { depth, conditions } = measureRule(rule)
  if (depth > MAX_RULE_DEPTH)
    ctx.addIssue({ code: 'custom', message: `Rules nest at most ${MAX_RULE_DEPTH} groups deep` })
  if (conditions > MAX_RULE_CONDITIONS)
    ctx.addIssue({
      code: 'custom',
      message: `A rule has at most ${MAX_RULE_CONDITIONS} conditions`,
    })
  const { values, text } = measureRuleValues(rule)
  if (values > MAX_RULE_VALUES)
    ctx.addIssue({
      code: 'custom',
      message: `A rule has at most ${MAX_RULE_VALUES} values across its conditions (this one has ${values})`,
    })
  if (text > MAX_RULE_TEXT)
    ctx.addIssue({
      code: 'custom',
      message: `A rule has at most ${MAX_RULE_TEXT} characters of text values (this one has ${text})`,
    })
})
export type SegmentRule = RuleGroup

export function isRuleGroup(node: RuleNode): node is RuleGroup {
  return 'match' in node
}

export function measureRule(node: RuleNode): { depth: number; conditions: number } {
  if (!isRuleGroup(node)) return { depth: 0, conditions: 1 }
  const children = node.rules.map(measureRule)
  return {
    depth: 1 + Math.max(0, ...children.map((c) => c.depth)),
    conditions: children.reduce((n, c) => n + c.conditions, 0),
  }
}

/** How many values a rule compares against (`exists` none, `between` two, `in` its list) and how
 * many characters of text they hold. */
export function measureRuleValues(node: RuleNode): { values: number; text: number } {
  if (isRuleGroup(node))
    return node.rules
      .map(measureRuleValues)
      .reduce((sum, c) => ({ values: sum.values + c.values, text: sum.text + c.text }), {
        values: 0,
        text: 0,
      })
  if (!('value' in node)) return { values: 0, text: 0 }
  const values: unknown[] = Array.isArray(node.value) ? node.value : [node.value]
  const text = values.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 0), 0)
  return { values: values.length, text }
}

/** Each negative operator and the positive one it negates. */
export const NEGATED_OPS = {
  not_equals: 'equals',
  not_in: 'in',
  not_contains: 'contains',
  not_exists: 'exists',
} as const

export function isNegatedOp(op: RuleOp): op is keyof typeof NEGATED_OPS {
  return op in NEGATED_OPS
}

/** Operators that make sense for each trait type; `checkRule` enforces them. */
export const OPS_BY_TYPE: Record<TraitType, readonly RuleOp[]> = {
  string: [...EQUALITY_OPS, ...SET_OPS, ...TEXT_OPS, ...PRESENCE_OPS],
  enum: [...EQUALITY_OPS, ...SET_OPS, ...PRESENCE_OPS],
  boolean: [...EQUALITY_OPS, ...PRESENCE_OPS],
  number: [...EQUALITY_OPS, ...SET_OPS, ...COMPARISON_OPS, 'between', ...PRESENCE_OPS],
  money: [...EQUALITY_OPS, ...SET_OPS, ...COMPARISON_OPS, 'between', ...PRESENCE_OPS],
  date: [...DATE_OPS, ...RELATIVE_OPS, 'between', ...COMPARISON_OPS, ...PRESENCE_OPS],
}

/**
 * Problems a well-formed rule can still have against the catalog: unknown traits and operators
 * that don't fit the trait's type. Empty = fine. (Evaluation itself copes with either.)
 */
export function checkRule(rule: RuleNode, path = 'rule'): string[] {
  if (isRuleGroup(rule)) return rule.rules.flatMap((r, i) => checkRule(r, `${path}.rules[${i}]`))
  const definition = findTraitDefinition(rule.trait)
  if (!definition) return [`${path}: unknown trait "${rule.trait}"`]
  if (!OPS_BY_TYPE[definition.type].includes(rule.op))
    return [`${path}: "${rule.op}" does not apply to ${definition.type} trait "${rule.trait}"`]
  if (
    rule.op === 'equals' ||
    rule.op === 'not_equals' ||
    rule.op === 'in' ||
    rule.op === 'not_in'
  ) {
    const values: ScalarValue[] = Array.isArray(rule.value) ? rule.value : [rule.value]
    const wanted = VALUE_TYPE_BY_TRAIT_TYPE[definition.type]
    const wrong = values.find((v) => typeof v !== wanted)
    // Such a condition is valid but can never match (equals) or always matches (not_equals).
    if (wrong !== undefined)
      return [
        `${path}: ${definition.type} trait "${rule.trait}" never equals ${JSON.stringify(wrong)}`,
      ]
  }
  return []
}

const VALUE_TYPE_BY_TRAIT_TYPE: Record<TraitType, 'string' | 'number' | 'boolean'> = {
  string: 'string',
  enum: 'string',
  boolean: 'boolean',
  number: 'number',
  money: 'number',
  date: 'number',
}

/** Unix seconds of an absolute date value. */
export function toUnixSeconds(value: DateValue): number {
  if (typeof value === 'number') return value
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value) / 1000
}

export type Bound = { value: number; inclusive: boolean }
/** A numeric range test; an absent bound is unbounded. */
export type NumericRange = { lower?: Bound; upper?: Bound }

/**
 * The numeric range a comparison, date or relative condition tests, with `now` already applied,
 * so the TS evaluator and the SQL compiler test exactly the same numbers.
 */
export function numericRangeOf(condition: RuleCondition, now: Date): NumericRange | null {
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const incl = (value: number): Bound => ({ value, inclusive: true })
  const excl = (value: number): Bound => ({ value, inclusive: false })
  switch (condition.op) {
    case 'gt':
      return { lower: excl(condition.value) }
    case 'gte':
      return { lower: incl(condition.value) }
    case 'lt':
      return { upper: excl(condition.value) }
    case 'lte':
      return { upper: incl(condition.value) }
    case 'between':
      return { lower: incl(condition.value[0]), upper: incl(condition.value[1]) }
    case 'before':
      return { upper: excl(toUnixSeconds(condition.value)) }
    case 'after':
      return { lower: excl(toUnixSeconds(condition.value)) }
    case 'more_than_days_ago':
      return { upper: excl(nowSeconds - condition.value * SECONDS_PER_DAY) }
    case 'within_last_days':
      return {
        lower: incl(nowSeconds - condition.value * SECONDS_PER_DAY),
        upper: incl(nowSeconds),
      }
    case 'in_next_days':
      return {
        lower: incl(nowSeconds),
        upper: incl(nowSeconds + condition.value * SECONDS_PER_DAY),
      }
    case 'more_than_days_from_now':
      return { lower: excl(nowSeconds + condition.value * SECONDS_PER_DAY) }
    default:
      return null
  }
}

/** Lowercases A–Z only: Postgres `lower()` depends on the locale, `translate()` does not. */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase())
}
