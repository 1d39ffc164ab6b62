// After the stage mapping changes: every customer's stage again, page by page, with history and
// `stage.changed` downstream for those that moved.
import type { Scope } from '../kernel/scope'
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { computeStage, type StageMapping } from '@holdfast/shared/stages/stages'
import { customerStages, customerTraits, stageTransitions } from '../db/schema'
import { emitOutboundEvents, type OutboundDeps } from '../outbound/emit'

const PAGE = 5000

export async function recomputeStages(
  deps: OutboundDeps,
  scope: Scope,
  mapping: StageMapping
): Promise<number> {
  const { db } = deps
  const now = deps.now()
  let cursor: string | undefined
  let changed = 0
  for (;;) {
    const rows = await db
      .select({
        customerId: customerTraits.customerId,
        status: sql<string | null>`${customerTraits.traits} ->> 'subscription.status'`,
        stage: customerStages.stage,
      })
      .from(customerTraits)
      .leftJoin(
        customerStages,
        and(
          eq(customerStages.accountId, customerTraits.accountId),
          eq(customerStages.livemode, customerTraits.livemode),
          eq(customerStages.customerId, customerTraits.customerId)
        )
      )
      .where(
        and(
          eq(customerTraits.accountId, scope.accountId),
          eq(customerTraits.livemode, scope.livemode),
          cursor ? gt(customerTraits.customerId, cursor) : undefined
        )
      )
      .orderBy(asc(customerTraits.customerId))
      .limit(PAGE)
    if (rows.length === 0) break
    cursor = rows.at(-1)!.customerId
    const moves = rows
      .map((r) => ({
        customerId: r.customerId,
        from: r.stage,
        to: computeStage(r.status, mapping),
      }))
      .filter((m) => m.from !== m.to)
    if (moves.length === 0) continue
    changed += moves.length
    await db.transaction(async (tx) => {
      await tx
        .insert(customerStages)
        .values(moves.map((m) => ({ ...scope, customerId: m.customerId, stage: m.to, since: now })))
        .onConflictDoUpdate({
          target: [customerStages.accountId, customerStages.livemode, customerStages.customerId],
          set: { stage: sql`excluded.stage`, since: sql`excluded.since` },
        })
      await tx.insert(stageTransitions).values(
        moves.map((m) => ({
          ...scope,
          customerId: m.customerId,
          fromStage: m.from,
          toStage: m.to,
          at: now,
        }))
      )
    })
    await emitOutboundEvents(
      deps,
      scope,
      moves
        .filter((m) => !(m.from === null && m.to === 'none'))
        .map((m) => ({
          type: 'stage.changed' as const,
          data: { customerId: m.customerId, stage: { from: m.from, to: m.to } },
        }))
    )
  }
  return changed
}
