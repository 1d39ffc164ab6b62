// The one thing to call after anything feeding a customer's traits changed (webhook, import,
// retention action, tracked activity): traits → segment memberships (incremental, entered/left
// history) → lifecycle stage (with history) → outbound webhooks for every change.
import type { Scope } from '../kernel/scope'
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { emitOutboundEvents, type PendingOutbound } from '../outbound/emit'
import type { Queue } from '../queue/queue'
import {
  loadCustomersSegmentIds,
  loadSegments,
  refreshCustomersMemberships,
} from '../segments/refresh-memberships'
import {
  readCustomersStage,
  refreshCustomersStage,
  type StageChange,
} from '../stages/refresh-stage'
import { readFeatureSettings } from '../stages/settings'
import { refreshCustomersTraits } from './refresh-traits'

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
 * nothing changed it writes nothing.
 */
export async function refreshCustomer(
  deps: RefreshCustomerDeps,
  scope: Scope,
  customerId: string
): Promise<CustomerRefresh> {
  return (await refreshCustomers(deps, scope, [customerId])).get(customerId)!
}

/**
 * The same for several customers of one scope in one transaction and a fixed number of queries
 * (what the refresh workers and the post-import rebuild use: a refresh costs its round trips).
 */
export async function refreshCustomers(
  deps: RefreshCustomerDeps,
  scope: Scope,
  customerIds: readonly string[]
): Promise<Map<string, CustomerRefresh>> {
  const ids = [...new Set(customerIds)].sort()
  if (ids.length === 0) return new Map()
  const { traits, membership, stages } = await deps.db.transaction(async (tx) => {
    // One refresh per customer at a time: two refreshes of one customer at once must not both
    // record the same entered/left/stage change. Locks are taken in one order (no deadlocks).
    const keys = sql.join(
      ids.map((id) => sql`${`${scope.accountId}:${scope.livemode}:${id}`}`),
      sql`, `
    )
    await tx.execute(sql`
      select pg_advisory_xact_lock(k) from (
        select hashtextextended(key, 0) as k from unnest(array[${keys}]::text[]) as key order by 1
      ) locks`)
    const txDeps = { db: tx as unknown as Db, now: deps.now }
    // Independent reads go out together (postgres-js pipelines them on the connection).
    const [traits, segmentRows, memberOf, settings, storedStages] = await Promise.all([
      refreshCustomersTraits(txDeps, scope, ids),
      loadSegments(txDeps.db, scope),
      loadCustomersSegmentIds(txDeps.db, scope, ids),
      readFeatureSettings(txDeps.db, scope),
      readCustomersStage(txDeps.db, scope, ids),
    ])
    const membership = await refreshCustomersMemberships(txDeps, scope, traits, {
      segments: segmentRows,
      memberOf,
    })
    const stages = await refreshCustomersStage(
      txDeps.db,
      scope,
      traits,
      settings.stageMapping,
      deps.now(),
      storedStages
    )
    return { traits, membership, stages }
  })
  const events: PendingOutbound[] = []
  const result = new Map<string, CustomerRefresh>()
  for (const customerId of ids) {
    const { entered, left } = membership.get(customerId)!
    const stage = stages.get(customerId) ?? null
    events.push(
      ...entered.map((s) => ({
        type: 'segment.entered' as const,
        data: { customerId, segment: { id: s.segmentId, name: s.name } },
      })),
      ...left.map((s) => ({
        type: 'segment.left' as const,
        data: { customerId, segment: { id: s.segmentId, name: s.name } },
      }))
    )
    // A brand-new customer without a subscription starts at `none`: nothing changed for anyone.
    if (stage && !(stage.from === null && stage.to === 'none'))
      events.push({
        type: 'stage.changed',
        data: { customerId, stage: { from: stage.from, to: stage.to } },
      })
    result.set(customerId, { exists: traits.get(customerId) !== null, entered, left, stage })
  }
  // After commit, so the delivery worker sees what it is sent.
  await emitOutboundEvents(deps, scope, events)
  return result
}
