// Segment membership straight from the database: the compiled rule over `customer_traits`,
// always scoped to one account and mode.
import type { Scope } from '../kernel/scope'
import { and, asc, count, eq } from 'drizzle-orm'
import type { RuleNode } from '@holdfast/shared/segments/rule'
import type { Db } from '../db/client'
import { customerTraits } from '../db/schema'
import { compileRuleToSql } from './compile-sql'

function whereMember(scope: Scope, rule: RuleNode, now: Date) {
  return and(
    eq(customerTraits.accountId, scope.accountId),
    eq(customerTraits.livemode, scope.livemode),
    compileRuleToSql(rule, now)
  )
}

/** Ids of the customers in scope whose traits match `rule` at `now`, sorted. */
export async function selectSegmentMemberIds(
  db: Db,
  scope: Scope,
  rule: RuleNode,
  now: Date
): Promise<string[]> {
  const rows = await db
    .select({ customerId: customerTraits.customerId })
    .from(customerTraits)
    .where(whereMember(scope, rule, now))
    .orderBy(asc(customerTraits.customerId))
  return rows.map((r) => r.customerId)
}

export async function countSegmentMembers(
  db: Db,
  scope: Scope,
  rule: RuleNode,
  now: Date
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(customerTraits)
    .where(whereMember(scope, rule, now))
  return Number(row?.n ?? 0)
}
