// Applies one stored Stripe event to our copy: upsert the object it carries under the freshness
// guard, settle same-second ties by re-fetching from Stripe, respect tombstones, write a timeline
// entry, and tell whoever recomputes traits.
import { and, eq, notInArray, sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { stripeForAccount, type CredentialDeps } from '../accounts/credentials'
import { uninstallAccount } from '../accounts/uninstall'
import type { Config } from '../config'
import { accounts, stripeSubscriptionItems, timelineEntries } from '../db/schema'
import type { Queue } from '../queue/queue'
import type { ClaimedEvent } from './event-store'
import { idOf, objectSpecs, type StripeObject } from './stripe-objects'
import { describeEvent } from './timeline'
import { storedVersion, upsertObjects, type AccountScope, type Version } from './upsert-objects'

export type ApplyDeps = CredentialDeps & {
  queue: Queue
  config: Pick<Config, 'uninstallGraceDays'>
  /** Account status lookup; the drainer passes one memoised per batch. */
  accountStatus?: (scope: AccountScope) => Promise<string | undefined>
  /** Called after a customer's data changed (traits are recomputed there). */
  onCustomerChanged?: (scope: AccountScope, customerId: string) => Promise<void>
}

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

export async function applyEvent(deps: ApplyDeps, event: ClaimedEvent): Promise<ApplyOutcome> {
  if (!event.accountId) return 'ignored_platform_event'
  const scope: AccountScope = { accountId: event.accountId, livemode: event.livemode }
  const status = await (deps.accountStatus ?? ((key) => readAccountStatus(deps, key)))(scope)
  if (!status) return 'ignored_unknown_account'
  if (status === 'uninstalled') return 'ignored_uninstalled'

  if (event.type === 'account.application.deauthorized') {
    await uninstallAccount(deps, scope, 'deauthorized')
    return 'applied'
  }

  const data = event.payload.data as {
    object: StripeObject
    previous_attributes?: Record<string, unknown>
  }
  let object = data.object
  const type = object.object
  const spec = objectSpecs[type]
  if (!spec || typeof object.id !== 'string') return 'ignored_type'
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
  let outcome: ApplyOutcome = 'applied'
  if (!written) {
    const held = await storedVersion(deps.db, scope, type, object.id)
    if (held?.deleted) return 'ignored_tombstoned'
    const tie = held?.lastEventAt === event.created && held.lastEventId !== event.id
    if (!tie || !spec.retrieve) return 'ignored_stale'
    // Two events in the same second: their order is unknown, so ask Stripe for the truth.
    object = await refetch(deps, scope, type, object.id)
    version = { ...version, replaceSameSecond: true }
    const gone = object.deleted === true
    written = (await upsertObjects(deps.db, scope, type, [object], version, { deleted: gone })).has(
      object.id
    )
    if (!written) return 'ignored_stale'
    outcome = 'applied_refetched'
  }

  if (type === 'subscription' && !deleted) await syncSubscriptionItems(deps, scope, object, version)

  const customerId = spec.customerId(object)
  if (customerId) {
    const title = describeEvent(event.type, object, data.previous_attributes, event.created)
    if (title) {
      await deps.db
        .insert(timelineEntries)
        .values({
          ...scope,
          customerId,
          sourceId: event.id,
          kind: event.type,
          title,
          details: { objectId: object.id, objectType: type },
          at: new Date(event.created * 1000),
        })
        .onConflictDoNothing()
    }
    await deps.onCustomerChanged?.(scope, customerId)
  }
  return outcome
}

async function refetch(deps: ApplyDeps, scope: AccountScope, type: string, id: string) {
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
  scope: AccountScope,
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
  scope: AccountScope
): Promise<string | undefined> {
  const [account] = await deps.db
    .select({ status: accounts.status })
    .from(accounts)
    .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
  return account?.status
}
