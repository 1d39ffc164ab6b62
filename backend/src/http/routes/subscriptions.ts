// GET /subscriptions/:id — the traits of one subscription (its own, not "the" customer's).
// GET /subscriptions/:id/plan-options — its items and the synced prices a plan change can pick.
import { and, eq, isNull } from 'drizzle-orm'
import { Hono } from 'hono'
import type Stripe from 'stripe'
import type { SubscriptionTraits } from '@holdfast/shared/api/customers'
import { computeTraits } from '@holdfast/shared/traits/compute-traits'
import {
  stripePrices,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
} from '../../db/schema'
import { planOptionsFrom } from '@holdfast/shared/plans/plan-options'
import { AppError } from '../../errors'
import { groupTraits } from '../../traits/group-traits'
import { loadStripeCustomerData } from '../../traits/refresh-traits'
import { snapshotFromStripe } from '../../traits/snapshot-from-stripe'
import type { AppDeps, AppEnv } from '../context'
import { scopeOf } from './customers'

export function subscriptionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/subscriptions/:id/plan-options', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const id = c.req.param('id')
      const mine = <T extends { accountId: unknown; livemode: unknown; deletedAt: unknown }>(
        t: T
      ) =>
        and(
          eq(t.accountId as never, scope.accountId),
          eq(t.livemode as never, scope.livemode),
          isNull(t.deletedAt as never)
        )
      const [sub] = await deps.db
        .select({ data: stripeSubscriptions.data })
        .from(stripeSubscriptions)
        .where(and(mine(stripeSubscriptions), eq(stripeSubscriptions.id, id)))
      if (!sub) throw new AppError('not_found', `No synced subscription ${id} here`)
      const [items, prices, products] = await Promise.all([
        deps.db
          .select({ data: stripeSubscriptionItems.data })
          .from(stripeSubscriptionItems)
          .where(
            and(mine(stripeSubscriptionItems), eq(stripeSubscriptionItems.subscriptionId, id))
          ),
        deps.db.select({ data: stripePrices.data }).from(stripePrices).where(mine(stripePrices)),
        deps.db
          .select({ data: stripeProducts.data })
          .from(stripeProducts)
          .where(mine(stripeProducts)),
      ])
      const data = sub.data as { currency?: string }
      return c.json(
        planOptionsFrom({
          subscriptionId: id,
          currency: data.currency ?? 'usd',
          items: items.map((r) => r.data as never),
          prices: prices.map((r) => r.data as never),
          products: products.map((r) => r.data as never),
        })
      )
    })
    .get('/subscriptions/:id', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const id = c.req.param('id')
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
      const data = sub?.customerId
        ? await loadStripeCustomerData(deps.db, scope, sub.customerId)
        : null
      const own = data?.subscriptions.find((s: Stripe.Subscription) => s.id === id)
      if (!sub || !data || !own)
        throw new AppError('not_found', `No synced subscription ${id} here`)
      const traits = computeTraits(
        snapshotFromStripe({ ...data, subscriptions: [own] }),
        deps.now()
      )
      const body: SubscriptionTraits = {
        subscriptionId: id,
        customerId: sub.customerId!,
        status: sub.status,
        traits: groupTraits(traits, (k) => k.startsWith('subscription.') || k.startsWith('mrr.')),
      }
      return c.json(body)
    })
}
