// Full recompute: every segment of a scope (after a rule change, and on a schedule because
// relative-date rules such as "no activity for 15 days" change with time, not with events).
import type { Scope } from '../kernel/scope'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { accounts } from '../db/schema'
import type { Logger } from '../log'
import { emitOutboundEvents, type PendingOutbound } from '../outbound/emit'
import type { Queue } from '../queue/queue'
import {
  loadSegments,
  refreshSegmentMemberships,
  type MembershipRefresh,
} from './refresh-memberships'

export type RefreshAllDeps = { db: Db; queue: Queue; log: Logger; now: () => Date }

/** Recomputes one segment in full and sends `segment.entered`/`segment.left` downstream. */
export async function recomputeSegment(
  deps: RefreshAllDeps,
  scope: Scope,
  segment: { id: string; name: string }
): Promise<MembershipRefresh> {
  const change = await refreshSegmentMemberships(deps, scope, segment.id)
  const ref = { id: segment.id, name: segment.name }
  const events: PendingOutbound[] = [
    ...change.entered.map((customerId) => ({
      type: 'segment.entered' as const,
      data: { customerId, segment: ref },
    })),
    ...change.left.map((customerId) => ({
      type: 'segment.left' as const,
      data: { customerId, segment: ref },
    })),
  ]
  await emitOutboundEvents(deps, scope, events)
  return change
}

/**
 * Every segment of the scope. One that fails (a stored rule that no longer parses, a statement
 * timeout) is logged and left out of the result; the others are still recomputed.
 */
export async function recomputeAllSegments(
  deps: RefreshAllDeps,
  scope: Scope
): Promise<Record<string, MembershipRefresh>> {
  const out: Record<string, MembershipRefresh> = {}
  for (const segment of await loadSegments(deps.db, scope)) {
    try {
      out[segment.id] = await recomputeSegment(deps, scope, segment)
    } catch (err) {
      deps.log.error('segment refresh failed; skipped', {
        ...scope,
        segmentId: segment.id,
        err, // the logger keeps the reason, never the query's parameters (log.ts errorMessage)
      })
    }
  }
  return out
}

/** The scheduled sweep: every active installation; one account's failure stops no other. */
export async function recomputeActiveAccounts(deps: RefreshAllDeps): Promise<void> {
  const active = await deps.db
    .select({ accountId: accounts.accountId, livemode: accounts.livemode })
    .from(accounts)
    .where(eq(accounts.status, 'active'))
  for (const scope of active) {
    try {
      await recomputeAllSegments(deps, scope)
    } catch (err) {
      deps.log.error('segment refresh of an account failed; skipped', {
        ...scope,
        err,
      })
    }
  }
}
