// A subscription's items and the synced prices a plan change can pick for it.
import { and, eq } from 'drizzle-orm'
import { planOptionsFrom } from '@holdfast/shared/plans/plan-options'
import type { Db } from '../db/client'
import {
  stripePrices,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
} from '../db/schema'
import type { Scope } from '../kernel/scope'
import { mineIn } from './synced-rows'

/** The plan options, or null when the subscription is not synced in this scope. */
export async function planOptionsOf(deps: { db: Db }, scope: Scope, id: string) {
  const mine = mineIn(scope)
  const [sub] = await deps.db
    .select({ data: stripeSubscriptions.data })
    .from(stripeSubscriptions)
    .where(and(mine(stripeSubscriptions), eq(stripeSubscriptions.id, id)))
  if (!sub) return null
  const [items, prices, products] = await Promise.all([
    deps.db
      .select({ data: stripeSubscriptionItems.data })
      .from(stripeSubscriptionItems)
      .where(and(mine(stripeSubscriptionItems), eq(stripeSubscriptionItems.subscriptionId, id))),
    deps.db.select({ data: stripePrices.data }).from(stripePrices).where(mine(stripePrices)),
    deps.db.select({ data: stripeProducts.data }).from(stripeProducts).where(mine(stripeProducts)),
  ])
  const data = sub.data as { currency?: string }
  return planOptionsFrom({
    subscriptionId: id,
    currency: data.currency ?? 'usd',
    items: items.map((r) => r.data as never),
    prices: prices.map((r) => r.data as never),
    products: products.map((r) => r.data as never),
  })
}
