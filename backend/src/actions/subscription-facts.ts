// Stripe subscription → the facts shared/actions decides on, and → the state our API answers with.
import type Stripe from 'stripe'
import type { SubscriptionState } from '@holdfast/shared/api/actions'
import type { ActionSubscription } from '@holdfast/shared/actions/subscription'

const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String(v.id) : null

export function subscriptionFacts(sub: Stripe.Subscription): ActionSubscription {
  return {
    id: sub.id,
    customerId: idOf(sub.customer) ?? '',
    status: sub.status,
    currency: sub.currency,
    pauseCollection: sub.pause_collection
      ? {
          behavior: sub.pause_collection.behavior,
          resumesAt: sub.pause_collection.resumes_at ?? null,
        }
      : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: sub.cancel_at ?? null,
    trialEnd: sub.trial_end ?? null,
    billingCycleAnchor: sub.billing_cycle_anchor ?? null,
    discountIds: (sub.discounts ?? []).map((d) => idOf(d)).filter((id): id is string => !!id),
    items: (sub.items?.data ?? []).map((i) => ({
      id: i.id,
      priceId: idOf(i.price) ?? '',
      quantity: i.quantity ?? 1,
      currentPeriodEnd: i.current_period_end ?? null,
    })),
    scheduleId: idOf(sub.schedule),
    collectionMethod: sub.collection_method,
    billingMode: sub.billing_mode?.type ?? null,
  }
}

export function subscriptionState(sub: Stripe.Subscription): SubscriptionState {
  const f = subscriptionFacts(sub)
  return {
    id: f.id,
    customerId: f.customerId,
    status: f.status,
    pauseCollection: f.pauseCollection,
    cancelAtPeriodEnd: f.cancelAtPeriodEnd,
    cancelAt: f.cancelAt,
    trialEnd: f.trialEnd,
    discountIds: f.discountIds,
    items: f.items.map((i) => ({ id: i.id, priceId: i.priceId, quantity: i.quantity })),
  }
}

/** Stripe returns discounts as ids unless expanded; stored rows keep the webhook's shape (ids). */
export function withDiscountIds(sub: Stripe.Subscription): Stripe.Subscription {
  return {
    ...sub,
    discounts: (sub.discounts ?? []).map(
      (d) => idOf(d) ?? ''
    ) as unknown as Stripe.Subscription['discounts'],
  }
}
