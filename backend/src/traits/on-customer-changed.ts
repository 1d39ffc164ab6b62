// The one thing to call after anything feeding a customer's traits changed (webhook, import,
// retention action, tracked activity): traits → segment memberships (incremental, entered/left
// history) → lifecycle stage (with history) → outbound webhooks for every change.
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { emitOutboundEvents, type PendingOutbound } from '../outbound/emit'
import type { Queue } from '../queue/queue'
import {
  loadCustomerSegmentIds,
  loadSegments,
  refreshCustomerMemberships,
} from '../segments/refresh-memberships'
import { readCustomerStage, refreshCustomerStage, type StageChange } from '../stages/refresh-stage'
import { readFeatureSettings } from '../stages/settings'
import { refreshCustomerTraits, type TraitsScope } from './refresh-traits'

export type RefreshCustomerDeps = { db: Db; queue: Queue; now: () => Date }

export type CustomerRefresh = {
  /** False when the customer is not (or no longer) synced: their derived rows were cleared. */
  exists: boolean
  entered: Array<{ segmentId: string; name: string }>
  left: Array<{ segmentId: string; name: string }>
  stage: StageChange | null
}

/**
 * Recomputes everything derived from one customer's synced data. Safe to call repeatedly: when
 * nothing changed it writes only the traits row.
 */
export async function refreshCustomer(
  deps: RefreshCustomerDeps,
  scope: TraitsScope,
  customerId: string
): Promise<CustomerRefresh> {
  // One customer at a time: two events for the same customer applied at once must not both
  // record the same entered/left/stage change.
  const { traits, membership, stage } = await deps.db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`${scope.accountId}:${scope.livemode}:${customerId}`}, 0))`
    )
    const txDeps = { db: tx as unknown as Db, now: deps.now }
    // Independent reads go out together (postgres-js pipelines them on the connection).
    const [traits, segmentRows, memberOf, settings, storedStage] = await Promise.all([
      refreshCustomerTraits(txDeps, scope, customerId),
      loadSegments(txDeps.db, scope),
      loadCustomerSegmentIds(txDeps.db, scope, customerId),
      readFeatureSettings(txDeps.db, scope),
      readCustomerStage(txDeps.db, scope, customerId),
    ])
    const membership = await refreshCustomerMemberships(txDeps, scope, customerId, traits, {
      segments: segmentRows,
      memberOf,
    })
    const stage = await refreshCustomerStage(
      txDeps.db,
      scope,
      customerId,
      traits,
      settings.stageMapping,
      deps.now(),
      storedStage
    )
    return { traits, membership, stage }
  })
  const events: PendingOutbound[] = [
    ...membership.entered.map((s) => ({
      type: 'segment.entered' as const,
      data: { customerId, segment: { id: s.segmentId, name: s.name } },
    })),
    ...membership.left.map((s) => ({
      type: 'segment.left' as const,
      data: { customerId, segment: { id: s.segmentId, name: s.name } },
    })),
  ]
  // A brand-new customer without a subscription starts at `none`: nothing changed for anyone.
  if (stage && !(stage.from === null && stage.to === 'none'))
    events.push({
      type: 'stage.changed',
      data: { customerId, stage: { from: stage.from, to: stage.to } },
    })
  // After commit, so the delivery worker sees what it is sent.
  await emitOutboundEvents(deps, scope, events)
  return { exists: traits !== null, ...membership, stage }
}
