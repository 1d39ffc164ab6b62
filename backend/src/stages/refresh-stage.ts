// A customer's lifecycle stage from their traits and the account's mapping, stored in
// `customer_stages` with every change in `stage_transitions`.
import { and, eq } from 'drizzle-orm'
import { computeStageFromTraits, type StageMapping } from '@holdfast/shared/stages/stages'
import type { Traits } from '@holdfast/shared/traits/catalog'
import type { Db } from '../db/client'
import { customerStages, stageTransitions } from '../db/schema'
import type { TraitsScope } from '../traits/refresh-traits'

export async function readCustomerStage(
  db: Db,
  scope: TraitsScope,
  customerId: string
): Promise<string | null> {
  const [row] = await db
    .select({ stage: customerStages.stage })
    .from(customerStages)
    .where(
      and(
        eq(customerStages.accountId, scope.accountId),
        eq(customerStages.livemode, scope.livemode),
        eq(customerStages.customerId, customerId)
      )
    )
  return row?.stage ?? null
}

export type StageChange = { customerId: string; from: string | null; to: string }

/** Stores the stage `traits` give (none when the customer is gone); returns the change, if any. */
export async function refreshCustomerStage(
  db: Db,
  scope: TraitsScope,
  customerId: string,
  traits: Traits | null,
  mapping: StageMapping,
  now: Date,
  /** The stored stage when the caller already read it (undefined = read it here). */
  stored?: string | null
): Promise<StageChange | null> {
  const key = and(
    eq(customerStages.accountId, scope.accountId),
    eq(customerStages.livemode, scope.livemode),
    eq(customerStages.customerId, customerId)
  )
  const current =
    stored === undefined
      ? (await db.select({ stage: customerStages.stage }).from(customerStages).where(key))[0]
      : stored === null
        ? undefined
        : { stage: stored }
  if (!traits) {
    if (current) await db.delete(customerStages).where(key)
    return null
  }
  const stage = computeStageFromTraits(traits, mapping)
  if (current?.stage === stage) return null
  await db
    .insert(customerStages)
    .values({ ...scope, customerId, stage, since: now })
    .onConflictDoUpdate({
      target: [customerStages.accountId, customerStages.livemode, customerStages.customerId],
      set: { stage, since: now },
    })
  await db
    .insert(stageTransitions)
    .values({ ...scope, customerId, fromStage: current?.stage ?? null, toStage: stage, at: now })
  return { customerId, from: current?.stage ?? null, to: stage }
}
