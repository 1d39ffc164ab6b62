// After an import (or reconciliation) wrote many customers at once: recompute every customer's
// traits, segment memberships and stage, a page of customers at a time, in batches, a few in
// parallel.
import type { Scope } from '../kernel/scope'
import { and, asc, eq, gt } from 'drizzle-orm'
import { stripeCustomers } from '../db/schema'
import type { Logger } from '../log'
import { ensurePredefinedSegments } from '../segments/refresh-memberships'
import { refreshCustomers, type RefreshCustomerDeps } from './on-customer-changed'

const PAGE = 500
/** Customers refreshed in one transaction (a fixed number of queries per batch). */
const BATCH = 50

export async function rebuildAccountTraits(
  deps: RefreshCustomerDeps & { log: Logger },
  scope: Scope,
  options: { concurrency?: number } = {}
): Promise<number> {
  const concurrency = options.concurrency ?? 2
  await ensurePredefinedSegments(deps.db, scope)
  let after = ''
  let refreshed = 0
  for (;;) {
    const page = await deps.db
      .select({ id: stripeCustomers.id })
      .from(stripeCustomers)
      .where(
        and(
          eq(stripeCustomers.accountId, scope.accountId),
          eq(stripeCustomers.livemode, scope.livemode),
          gt(stripeCustomers.id, after)
        )
      )
      .orderBy(asc(stripeCustomers.id))
      .limit(PAGE)
    if (page.length === 0) break
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < page.length) {
          const batch = page.slice(next, (next += BATCH)).map((c) => c.id)
          await refreshCustomers(deps, scope, batch)
          refreshed += batch.length
        }
      })
    )
    after = page.at(-1)!.id
  }
  deps.log.info('traits rebuilt', { accountId: scope.accountId, customers: refreshed })
  return refreshed
}
