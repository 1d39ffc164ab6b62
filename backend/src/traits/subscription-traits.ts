// The traits of one subscription (its own, not "the" customer's), computed from the synced data.
import { and, eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { SubscriptionTraits } from '@holdfast/shared/api/customers'
import { computeTraits } from '@holdfast/shared/traits/compute-traits'
import type { Db } from '../db/client'
import { stripeSubscriptions } from '../db/schema'
import type { Scope } from '../kernel/scope'
import { groupTraits } from './group-traits'
import { loadStripeCustomerData } from './refresh-traits'
import { snapshotFromStripe } from './snapshot-from-stripe'

/** The subscription's traits, or null when it is not synced in this scope. */
export async function subscriptionTraitsOf(
  deps: { db: Db; now: () => Date },
  scope: Scope,
  id: string
): Promise<SubscriptionTraits | null> {
  const [sub] = await deps.db
    .select({ customerId: stripeSubscriptions.customerId, status: stripeSubscriptions.status })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.accountId, scope.accountId),
        eq(stripeSubscriptions.livemode, scope.livemode),
        eq(stripeSubscriptions.id, id)
      )
    )
  const data = sub?.customerId ? await loadStripeCustomerData(deps.db, scope, sub.customerId) : null
  const own = data?.subscriptions.find((s: Stripe.Subscription) => s.id === id)
  if (!sub || !data || !own) return null
  const traits = computeTraits(snapshotFromStripe({ ...data, subscriptions: [own] }), deps.now())
  return {
    subscriptionId: id,
    customerId: sub.customerId!,
    status: sub.status,
    traits: groupTraits(traits, (k) => k.startsWith('subscription.') || k.startsWith('mrr.')),
  }
}
