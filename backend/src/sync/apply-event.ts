// Applies one stored Stripe event to our copy: upsert the object it carries under the freshness
// guard, settle same-second ties by re-fetching from Stripe, respect tombstones, and say which
// customer changed and what their timeline shows. The drainer records those for a whole batch at
// once (recordCustomerChanges): timeline entries, and marks for the traits refresh.
import type { Scope } from '../kernel/scope'
import { and, eq, notInArray, sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { stripeForAccount, type CredentialDeps } from '../accounts/credentials'
import { uninstallAccount } from '../accounts/uninstall'
import type { Config } from '../config'
import { accounts, stripeSubscriptionItems, timelineEntries } from '../db/schema'
import type { Db } from '../db/client'
import type { Queue } from '../queue/queue'
import { markCustomersChanged } from '../traits/refresh-queue'
import type { ClaimedEvent } from './event-store'
import { idOf, objectSpecs, type StripeObject } from './stripe-objects'
import { describeEvent } from './timeline'
import { storedVersion, upsertObjects, type Version } from './upsert-objects'

export type ApplyDeps = CredentialDeps & {
  queue: Queue
  config: Pick<Config, 'uninstallGraceDays'>
  /** Account status lookup; the drainer passes one memoised per batch. */
  accountStatus?: (scope: Scope) => Promise<string | undefined>
}

/** A customer whose synced data an event changed, and the timeline entry it earns (if any). */
export type CustomerChange = Scope & {
  customerId: string
  timeline: Omit<
    typeof timelineEntries.$inferInsert,
    'accountId' | 'livemode' | 'customerId'
  > | null
}

export type ApplyResult = { outcome: ApplyOutcome; changed?: CustomerChange }

export type ApplyOutcome =
  | 'applied'
  | 'applied_refetched'
  | 'ignored_stale'
  | 'ignored_tombstoned'
  | 'ignored_unknown_account'
  | 'ignored_uninstalled'
  | 'ignored_platform_event'
  | 'ignored_type'

// customer.subscription.deleted means "canceled": the subscription still exists at Stripe.
const notReallyDeleted = new Set(['customer.subscription.deleted'])

export async function applyEvent(deps: ApplyDeps, event: ClaimedEvent): Promise<ApplyResult> {
  const outcome = (o: ApplyOutcome): ApplyResult => ({ outcome: o })
  if (!event.accountId) return outcome('ignored_platform_event')
  const scope: Scope = { accountId: event.accountId, livemode: event.livemode }
  const status = await (deps.accountStatus ?? ((key) => readAccountStatus(deps, key)))(scope)
  if (!status) return outcome('ignored_unknown_account')
  if (status === 'uninstalled') return outcome('ignored_uninstalled')

  if (event.type === 'account.application.deauthorized') {
    await uninstallAccount(deps, scope, 'deauthorized')
    return outcome('applied')
  }

  const data = event.payload.data as {
    object: StripeObject
    previous_attributes?: Record<string, unknown>
  }
  let object = data.object
  const type = object.object
  const spec = objectSpecs[type]
  if (!spec || typeof object.id !== 'string') return outcome('ignored_type')
  const deleted =
    object.deleted === true ||
    (event.type.endsWith('.deleted') && !notReallyDeleted.has(event.type))

  let version: Version = { at: event.created, eventId: event.id }
  // Payloads rendered in another API version than ours are re-fetched in our shape.
  const apiVersion = event.payload.api_version
  if (!deleted && spec.retrieve && apiVersion && apiVersion !== Stripe.API_VERSION) {
    object = await refetch(deps, scope, type, object.id)
  }

  let written = (await upsertObjects(deps.db, scope, type, [object], version, { deleted })).has(
    object.id
  )
  let applied: ApplyOutcome = 'applied'
  const held = written ? undefined : await storedVersion(deps.db, scope, type, object.id)
  // Not written because this very event was written before, by an attempt that did not finish
  // (a crash, or a later step failed): finish what it started.
  const resumed = held?.lastEventId === event.id
  if (!written && !resumed) {
    if (held?.deleted) return outcome('ignored_tombstoned')
    const tie = held?.lastEventAt === event.created
    if (!tie || !spec.retrieve) return outcome('ignored_stale')
    // Two events in the same second: their order is unknown, so ask Stripe for the truth.
    object = await refetch(deps, scope, type, object.id)
    version = { ...version, replaceSameSecond: true }
    const gone = object.deleted === true
    written = (await upsertObjects(deps.db, scope, type, [object], version, { deleted: gone })).has(
      object.id
    )
    if (!written) return outcome('ignored_stale')
    applied = 'applied_refetched'
  }

  // A resumed event's payload may be older than what its first attempt wrote (a same-second
  // re-fetch), so its items are left to the next event or reconciliation.
  if (type === 'subscription' && !deleted && !resumed)
    await syncSubscriptionItems(deps, scope, object, version)

  // Prices, products and coupons belong to no customer, yet feed the traits of every customer
  // who uses them (plan name, MRR, active coupon).
  if (catalogTypes.has(type)) await markCustomersUsing(deps.db, scope, type, object.id)
  const customerId = spec.customerId(object)
  if (!customerId) return { outcome: applied }
  const title = describeEvent(event.type, object, data.previous_attributes, event.created)
  return {
    outcome: applied,
    changed: {
      ...scope,
      customerId,
      timeline: title
        ? {
            sourceId: event.id,
            kind: event.type,
            title,
            details: { objectId: object.id, objectType: type },
            at: new Date(event.created * 1000),
          }
        : null,
    },
  }
}

const catalogTypes = new Set(['price', 'product', 'coupon'])

/** Marks for a refresh every customer whose subscriptions or discounts use a catalog object. */
async function markCustomersUsing(db: Db, scope: Scope, type: string, id: string) {
  const same = (a: string, b: string) =>
    sql.raw(`${a}.account_id = ${b}.account_id and ${a}.livemode = ${b}.livemode`)
  const customers =
    type === 'coupon'
      ? sql`select d.customer_id from stripe_discounts d
          where d.account_id = ${scope.accountId} and d.livemode = ${scope.livemode}
            and d.coupon_id = ${id} and d.deleted_at is null and d.customer_id is not null`
      : sql`select s.customer_id from stripe_subscription_items i
          join stripe_subscriptions s on ${same('s', 'i')} and s.id = i.subscription_id
          ${
            type === 'product'
              ? sql`join stripe_prices p on ${same('p', 'i')} and p.id = i.price_id and p.product_id = ${id}`
              : sql``
          }
          where i.account_id = ${scope.accountId} and i.livemode = ${scope.livemode}
            and i.deleted_at is null and s.customer_id is not null
            ${type === 'price' ? sql`and i.price_id = ${id}` : sql``}`
  await db.execute(sql`
    insert into customer_refresh_queue (account_id, livemode, customer_id)
    select distinct ${scope.accountId}::text, ${scope.livemode}::boolean, customer_id
    from (${customers}) as used
    order by 3
    on conflict (account_id, livemode, customer_id)
    do update set version = customer_refresh_queue.version + 1`)
}

/** After a batch of events: their timeline entries and refresh marks, in two statements. */
export async function recordCustomerChanges(db: Db, changes: CustomerChange[]): Promise<void> {
  if (changes.length === 0) return
  const entries = changes.flatMap(({ timeline, ...c }) => (timeline ? [{ ...c, ...timeline }] : []))
  if (entries.length > 0) await db.insert(timelineEntries).values(entries).onConflictDoNothing()
  await markCustomersChanged(db, changes)
}

async function refetch(deps: ApplyDeps, scope: Scope, type: string, id: string) {
  const stripe = await stripeForAccount(deps, scope)
  try {
    return await objectSpecs[type]!.retrieve!(stripe, id)
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') {
      return { id, object: type, deleted: true } as StripeObject
    }
    throw err
  }
}

/** Items ride inside the subscription (10 at most); page the rest, and retire removed ones. */
async function syncSubscriptionItems(
  deps: ApplyDeps,
  scope: Scope,
  sub: StripeObject,
  version: Version
) {
  const list = sub.items as { data?: StripeObject[]; has_more?: boolean } | undefined
  if (!list?.data) return
  let items = list.data
  if (list.has_more) {
    const stripe = await stripeForAccount(deps, scope)
    items = []
    for await (const item of stripe.subscriptionItems.list({ subscription: sub.id, limit: 100 })) {
      items.push(item as unknown as StripeObject)
    }
  }
  const withParent = items.map((item) => ({
    ...item,
    subscription: idOf(item.subscription) ?? sub.id,
  }))
  await upsertObjects(deps.db, scope, 'subscription_item', withParent, version)
  const ids = withParent.map((i) => i.id)
  await deps.db
    .update(stripeSubscriptionItems)
    .set({ deletedAt: sql`now()` })
    .where(
      and(
        eq(stripeSubscriptionItems.accountId, scope.accountId),
        eq(stripeSubscriptionItems.livemode, scope.livemode),
        eq(stripeSubscriptionItems.subscriptionId, sub.id),
        sql`${stripeSubscriptionItems.deletedAt} is null`,
        ...(ids.length > 0 ? [notInArray(stripeSubscriptionItems.id, ids)] : [])
      )
    )
}

export async function readAccountStatus(
  deps: { db: ApplyDeps['db'] },
  scope: Scope
): Promise<string | undefined> {
  const [account] = await deps.db
    .select({ status: accounts.status })
    .from(accounts)
    .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
  return account?.status
}
