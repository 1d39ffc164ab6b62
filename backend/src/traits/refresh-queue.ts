// Customers due for a traits/segments/stage refresh (customer_refresh_queue), and the workers that
// refresh them. Applying webhooks only marks customers here, so the apply path stays fast and a
// burst of events for one customer costs one refresh; refreshes run at their own pace.
import type { Scope } from '../kernel/scope'
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import type { Logger } from '../log'
import { startPollingWorkers, type PollingWorkers } from '../queue/polling-workers'
import { refreshCustomers, type RefreshCustomerDeps } from './on-customer-changed'

type CustomerKey = Scope & { customerId: string }

const POLL_MS = 500
/** How long a worker holds claimed rows; past it (a crash) another worker takes them over. */
const CLAIM_SECONDS = 60

/** Marks customers as changed; one statement for the whole batch, duplicates folded. */
export async function markCustomersChanged(db: Db, customers: CustomerKey[]): Promise<void> {
  const unique = new Map(
    customers.map((c) => [`${c.accountId}\0${c.livemode}\0${c.customerId}`, c])
  )
  if (unique.size === 0) return
  const values = sql.join(
    [...unique.values()].map((c) => sql`(${c.accountId}, ${c.livemode}, ${c.customerId})`),
    sql`, `
  )
  // Sorted so concurrent batches lock rows in one order (no deadlocks between drainer workers).
  await db.execute(sql`
    insert into customer_refresh_queue (account_id, livemode, customer_id)
    select account_id, livemode::boolean, customer_id
    from (values ${values}) as v(account_id, livemode, customer_id)
    order by 1, 2, 3
    on conflict (account_id, livemode, customer_id)
    do update set version = customer_refresh_queue.version + 1`)
}

/** Claims up to `limit` customers, oldest mark first. */
export async function claimCustomers(db: Db, limit: number) {
  const result = await db.execute(sql`
    with next as (
      select account_id, livemode, customer_id from customer_refresh_queue
      where claimed_until is null or claimed_until < now()
      order by queued_at
      limit ${limit}
      for update skip locked
    )
    update customer_refresh_queue q
    set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
    from next
    where q.account_id = next.account_id and q.livemode = next.livemode
      and q.customer_id = next.customer_id
    returning q.account_id, q.livemode, q.customer_id, q.version`)
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    accountId: String(r.account_id),
    livemode: Boolean(r.livemode),
    customerId: String(r.customer_id),
    version: Number(r.version),
  }))
}

/**
 * Removes refreshed rows unless they were marked again meanwhile; those are released to be
 * refreshed once more (the mark may carry data the refresh did not see).
 */
export async function finishCustomers(db: Db, done: Array<CustomerKey & { version: number }>) {
  if (done.length === 0) return
  const values = sql.join(
    done.map((c) => sql`(${c.accountId}, ${c.livemode}, ${c.customerId}, ${c.version})`),
    sql`, `
  )
  await db.execute(sql`
    delete from customer_refresh_queue q
    using (values ${values}) as done(account_id, livemode, customer_id, version)
    where q.account_id = done.account_id and q.livemode = done.livemode::boolean
      and q.customer_id = done.customer_id and q.version = done.version::int`)
  // A second statement, so it sees marks that committed while the delete ran (one statement would
  // judge them by its own snapshot and leave them claimed until the claim expires).
  const keys = sql.join(
    done.map((c) => sql`(${c.accountId}, ${c.livemode}, ${c.customerId})`),
    sql`, `
  )
  await db.execute(sql`
    update customer_refresh_queue q set claimed_until = null
    from (values ${keys}) as done(account_id, livemode, customer_id)
    where q.account_id = done.account_id and q.livemode = done.livemode::boolean
      and q.customer_id = done.customer_id and q.claimed_until is not null`)
}

export type CustomerRefresher = PollingWorkers

export function startCustomerRefresher(
  deps: RefreshCustomerDeps & { log: Logger },
  options: { workers: number; batchSize?: number }
): CustomerRefresher {
  async function round(): Promise<number> {
    const claimed = await claimCustomers(deps.db, options.batchSize ?? 100)
    const byScope = new Map<string, typeof claimed>()
    for (const c of claimed) {
      const key = `${c.accountId}\0${c.livemode}`
      byScope.set(key, [...(byScope.get(key) ?? []), c])
    }
    const done: typeof claimed = []
    for (const batch of byScope.values()) {
      const scope = { accountId: batch[0]!.accountId, livemode: batch[0]!.livemode }
      try {
        await refreshCustomers(
          deps,
          scope,
          batch.map((c) => c.customerId)
        )
        done.push(...batch)
      } catch {
        // One customer's bad data must not hold back the rest: retry them one by one.
        for (const customer of batch) {
          try {
            await refreshCustomers(deps, scope, [customer.customerId])
            done.push(customer)
          } catch (err) {
            // Left claimed: taken again once the claim expires.
            deps.log.warn('customer refresh failed', {
              ...scope,
              customerId: customer.customerId,
              err,
            })
          }
        }
      }
    }
    await finishCustomers(deps.db, done)
    return claimed.length
  }
  return startPollingWorkers({
    workers: options.workers,
    pollMs: POLL_MS,
    log: deps.log,
    name: 'customer refresher',
    round,
  })
}
