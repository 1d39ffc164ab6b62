// A customer's lifecycle stage from their traits and the account's mapping, stored in
// `customer_stages` with every change in `stage_transitions`.
import type { Scope } from '../kernel/scope'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { computeStageFromTraits, type StageMapping } from '@holdfast/shared/stages/stages'
import type { Traits } from '@holdfast/shared/traits/catalog'
import type { Db } from '../db/client'
import { customerStages, stageTransitions } from '../db/schema'

export async function readCustomerStage(
  db: Db,
  scope: Scope,
  customerId: string
): Promise<string | null> {
  return (await readCustomersStage(db, scope, [customerId])).get(customerId) ?? null
}

/** Stored stage of each customer (absent: none stored). */
export async function readCustomersStage(
  db: Db,
  scope: Scope,
  customerIds: readonly string[]
): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map()
  const rows = await db
    .select({ customerId: customerStages.customerId, stage: customerStages.stage })
    .from(customerStages)
    .where(
      and(
        eq(customerStages.accountId, scope.accountId),
        eq(customerStages.livemode, scope.livemode),
        inArray(customerStages.customerId, [...new Set(customerIds)])
      )
    )
  return new Map(rows.map((r) => [r.customerId, r.stage]))
}

export type StageChange = { customerId: string; from: string | null; to: string }

/** Stores the stage `traits` give (none when the customer is gone); returns the change, if any. */
export async function refreshCustomerStage(
  db: Db,
  scope: Scope,
  customerId: string,
  traits: Traits | null,
  mapping: StageMapping,
  now: Date,
  /** The stored stage when the caller already read it (undefined = read it here). */
  stored?: string | null
): Promise<StageChange | null> {
  const changes = await refreshCustomersStage(
    db,
    scope,
    new Map([[customerId, traits]]),
    mapping,
    now,
    stored === undefined ? undefined : new Map(stored === null ? [] : [[customerId, stored]])
  )
  return changes.get(customerId) ?? null
}

/**
 * The same for several customers in a fixed number of queries: `traits` maps each customer to
 * their traits (null = gone, stage removed). Returns the customers whose stage changed.
 */
export async function refreshCustomersStage(
  db: Db,
  scope: Scope,
  traits: ReadonlyMap<string, Traits | null>,
  mapping: StageMapping,
  now: Date,
  /** Stored stages when the caller already read them (undefined = read them here). */
  stored?: ReadonlyMap<string, string>
): Promise<Map<string, StageChange>> {
  const ids = [...traits.keys()]
  const current = stored ?? (await readCustomersStage(db, scope, ids))
  const gone: string[] = []
  const changes = new Map<string, StageChange>()
  for (const [customerId, customerTraits] of traits) {
    const was = current.get(customerId) ?? null
    if (!customerTraits) {
      if (was !== null) gone.push(customerId)
      continue
    }
    const stage = computeStageFromTraits(customerTraits, mapping)
    if (was !== stage) changes.set(customerId, { customerId, from: was, to: stage })
  }
  if (gone.length > 0)
    await db
      .delete(customerStages)
      .where(
        and(
          eq(customerStages.accountId, scope.accountId),
          eq(customerStages.livemode, scope.livemode),
          inArray(customerStages.customerId, gone)
        )
      )
  if (changes.size > 0) {
    const list = [...changes.values()]
    await db
      .insert(customerStages)
      .values(list.map((c) => ({ ...scope, customerId: c.customerId, stage: c.to, since: now })))
      .onConflictDoUpdate({
        target: [customerStages.accountId, customerStages.livemode, customerStages.customerId],
        set: { stage: sql`excluded.stage`, since: sql`excluded.since` },
      })
    await db.insert(stageTransitions).values(
      list.map((c) => ({
        ...scope,
        customerId: c.customerId,
        fromStage: c.from,
        toStage: c.to,
        at: now,
      }))
    )
  }
  return changes
}
