// Compiles a segment rule to a SQL boolean over `customer_traits.traits` (jsonb), with exactly the
// meaning evaluateRule gives it in TS (shared/src/segments/rule.ts lists the semantics);
// test/segments/rule-sql-agrees.test.ts checks the two agree on random rules and traits.
// - every condition is wrapped in coalesce(…, false), so SQL's three-valued logic never leaks
//   into all/any groups or negations;
// - numbers are read through CASE on jsonb_typeof, because Postgres may evaluate either side of
//   an AND first and `'abc'::numeric` would fail the whole query;
// - relative dates are turned into numbers in TS from `now` (numericRangeOf) and sent as
//   parameters, so the database clock plays no part;
// - values travel as text parameters cast in SQL, so both drivers (postgres-js, PGlite) send them
//   the same way.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import {
  NEGATED_OPS,
  isNegatedOp,
  isRuleGroup,
  numericRangeOf,
  type Bound,
  type RuleCondition,
  type RuleNode,
  type ScalarValue,
} from '@holdfast/shared/segments/rule'
import { customerTraits } from '../db/schema'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'

export type CompileOptions = {
  /** The jsonb expression holding the Traits object; defaults to `customer_traits.traits`. */
  traits?: SQLWrapper
}

export function compileRuleToSql(rule: RuleNode, now: Date, options: CompileOptions = {}): SQL {
  const traits = options.traits ?? customerTraits.traits
  return compileNode(rule, traits, now)
}

function compileNode(node: RuleNode, traits: SQLWrapper, now: Date): SQL {
  if (isRuleGroup(node)) {
    if (node.rules.length === 0) return node.match === 'all' ? sql`true` : sql`false`
    const parts = node.rules.map((r) => compileNode(r, traits, now))
    return sql`(${sql.join(parts, node.match === 'all' ? sql` and ` : sql` or `)})`
  }
  return compileCondition(node, traits, now)
}

function compileCondition(condition: RuleCondition, traits: SQLWrapper, now: Date): SQL {
  if (isNegatedOp(condition.op)) {
    const positive = { ...condition, op: NEGATED_OPS[condition.op] } as RuleCondition
    return sql`(not ${compileCondition(positive, traits, now)})`
  }
  const key = sql`cast(${condition.trait} as text)`
  const json = sql`(${traits} -> ${key})`
  const text = sql`(${traits} ->> ${key})`
  return sql`coalesce(${compilePositive(condition, json, text, now)}, false)`
}

function jsonValue(value: ScalarValue | ScalarValue[]): SQL {
  return sql`cast(cast(${JSON.stringify(value)} as text) as jsonb)`
}

function numberParam(value: number): SQL {
  // String(n) is the shortest text that reads back as n, and numeric parses it exactly.
  return sql`cast(cast(${String(value)} as text) as numeric)`
}

function compilePositive(condition: RuleCondition, json: SQL, text: SQL, now: Date): SQL {
  switch (condition.op) {
    case 'exists':
      return sql`(${text} is not null)`
    case 'equals':
      return sql`(${json} = ${jsonValue(condition.value)})`
    case 'in':
      if (condition.value.length === 0) return sql`false`
      // The whole list is one jsonb-array parameter, not one per value: Postgres takes at most
      // 65,535 parameters and drizzle builds nested SQL recursively. An uncorrelated IN is a
      // hashed subplan (jsonb has a hash opclass), so each row costs one lookup, not a scan.
      return sql`(${json} in (select jsonb_array_elements(${jsonValue(condition.value)})))`
    case 'contains': {
      const lowered = sql`translate(${text}, ${UPPER}, ${LOWER})`
      const needle = sql`translate(cast(${condition.value} as text), ${UPPER}, ${LOWER})`
      return sql`(jsonb_typeof(${json}) = 'string' and strpos(${lowered}, ${needle}) > 0)`
    }
    default: {
      const range = numericRangeOf(condition, now)
      if (!range) return sql`false`
      const number = sql`(case when jsonb_typeof(${json}) = 'number' then (${json})::numeric end)`
      const tests: SQL[] = []
      if (range.lower) tests.push(compileBound(number, range.lower, '>'))
      if (range.upper) tests.push(compileBound(number, range.upper, '<'))
      return sql`(${sql.join(tests, sql` and `)})`
    }
  }
}

function compileBound(number: SQL, bound: Bound, direction: '>' | '<'): SQL {
  const op = sql.raw(bound.inclusive ? `${direction}=` : direction)
  return sql`${number} ${op} ${numberParam(bound.value)}`
}
