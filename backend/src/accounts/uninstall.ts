// Uninstall (Stripe's account.application.deauthorized, or an explicit disconnect): forget the
// tokens at once, stop the account's work, and delete its synced data after the grace period.
import { and, eq, getTableName, inArray, lte, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { sqlStateOf, type Db } from '../db/client'
import * as schema from '../db/schema'
import type { Logger } from '../log'
import type { Queue } from '../queue/queue'
import { modeOf } from '../stripe/mode'
import { deleteCredentials, type AccountKey } from './credentials'

type UninstallDeps = {
  db: Db
  queue: Queue
  log: Logger
  now: () => Date
  config: { uninstallGraceDays: { test: number; live: number } }
}

const DAY_MS = 24 * 60 * 60 * 1000

export async function uninstallAccount(
  deps: UninstallDeps,
  key: AccountKey,
  reason: 'deauthorized' | 'disconnected'
): Promise<void> {
  const graceDays = deps.config.uninstallGraceDays[modeOf(key.livemode)]
  const purgeAfter = new Date(deps.now().getTime() + graceDays * DAY_MS)
  await deps.db.transaction(async (tx) => {
    await tx
      .update(schema.accounts)
      .set({ status: 'uninstalled', uninstalledAt: deps.now(), purgeAfter, updatedAt: deps.now() })
      .where(
        and(
          eq(schema.accounts.accountId, key.accountId),
          eq(schema.accounts.livemode, key.livemode)
        )
      )
    await deleteCredentials({ db: tx as unknown as Db }, key)
    // Stop the account's sync work: workers skip tasks that are no longer pending or running.
    await tx
      .update(schema.syncTasks)
      .set({ state: 'canceled', updatedAt: deps.now() })
      .where(
        and(
          eq(schema.syncTasks.accountId, key.accountId),
          eq(schema.syncTasks.livemode, key.livemode),
          inArray(schema.syncTasks.state, ['pending', 'running'])
        )
      )
  })
  // With no grace period the data goes now; otherwise the hourly purge sweep removes it when due.
  if (graceDays === 0) await deps.queue.send('purge-account', key)
  deps.log.info('account uninstalled; tokens deleted', {
    accountId: key.accountId,
    mode: modeOf(key.livemode),
    reason,
    purgeAfter: purgeAfter.toISOString(),
  })
}

/** Tables holding an account's data, keyed by account_id + livemode. */
const accountTables: PgTable[] = [
  // Work queues first, in the order the workers lock them (a task before its run): a worker
  // holding a task row then writing objects waits for the purge instead of deadlocking with it.
  schema.syncTasks,
  schema.syncRuns,
  schema.stripeEvents,
  schema.customerRefreshQueue,
  schema.outboundDeliveries,
  schema.stripeCustomers,
  schema.stripeSubscriptions,
  schema.stripeSubscriptionItems,
  schema.stripePrices,
  schema.stripeProducts,
  schema.stripeCoupons,
  schema.stripePromotionCodes,
  schema.stripeDiscounts,
  schema.stripeInvoices,
  schema.stripeInvoicePayments,
  schema.stripeCharges,
  schema.stripePaymentMethods,
  schema.syncCursors,
  schema.customerTraits,
  schema.segments,
  schema.segmentMemberships,
  schema.segmentTransitions,
  schema.customerStages,
  schema.stageTransitions,
  schema.timelineEntries,
  schema.offers,
  schema.actionRuns,
  schema.outboundEndpoints,
  schema.ingestKeys,
  schema.rolePolicies,
]

/** Purges every uninstalled account whose grace period is over (the hourly sweep). */
export async function purgeDueAccounts(deps: UninstallDeps): Promise<number> {
  const due = await deps.db
    .select({ accountId: schema.accounts.accountId, livemode: schema.accounts.livemode })
    .from(schema.accounts)
    .where(
      and(eq(schema.accounts.status, 'uninstalled'), lte(schema.accounts.purgeAfter, deps.now()))
    )
  let purged = 0
  for (const key of due) if (await purgeWithRetry(deps, key)) purged++
  return purged
}

// Postgres aborts one side of a deadlock (40P01); the purge is the side that can simply run again.
async function purgeWithRetry(
  deps: UninstallDeps,
  key: AccountKey,
  attempts = 3
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await purgeAccountData(deps, key)
    } catch (err) {
      if (attempt >= attempts || !isDeadlock(err)) throw err
      deps.log.warn('account purge: deadlock, retrying', { accountId: key.accountId, attempt })
    }
  }
}

function isDeadlock(err: unknown): boolean {
  return sqlStateOf(err) === '40P01'
}

/**
 * Deletes an uninstalled account's data once its grace period is over. A reinstall in the
 * meantime (status no longer uninstalled) keeps everything.
 */
export async function purgeAccountData(deps: UninstallDeps, key: AccountKey): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const [account] = await tx
      .select()
      .from(schema.accounts)
      .where(
        and(
          eq(schema.accounts.accountId, key.accountId),
          eq(schema.accounts.livemode, key.livemode)
        )
      )
      .for('update')
    if (!account || account.status !== 'uninstalled') return false
    if (account.purgeAfter && account.purgeAfter > deps.now()) return false
    const counts: Record<string, number> = {}
    for (const table of accountTables) {
      const result = await tx.execute(
        sql`delete from ${sql.identifier(getTableName(table))} where account_id = ${key.accountId} and livemode = ${key.livemode}`
      )
      counts[getTableName(table)] = Number(
        (result as { count?: number; affectedRows?: number }).count ??
          (result as { affectedRows?: number }).affectedRows ??
          0
      )
    }
    deps.log.info('account data purged', {
      accountId: key.accountId,
      mode: modeOf(key.livemode),
      counts,
    })
    return true
  })
}
