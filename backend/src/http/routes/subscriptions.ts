// GET /subscriptions/:id — the traits of one subscription (its own, not "the" customer's).
import { and, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import type Stripe from 'stripe'
import type { SubscriptionTraits } from '@holdfast/shared/api/customers'
import { computeTraits } from '@holdfast/shared/traits/compute-traits'
import { stripeSubscriptions } from '../../db/schema'
import { AppError } from '../../errors'
import { groupTraits } from '../../traits/group-traits'
import { loadStripeCustomerData } from '../../traits/refresh-traits'
import { snapshotFromStripe } from '../../traits/snapshot-from-stripe'
import type { AppDeps, AppEnv } from '../context'
import { scopeOf } from './customers'

export function subscriptionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/subscriptions/:id', async (c) => {
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
    if (!sub || !data || !own) throw new AppError('not_found', `No synced subscription ${id} here`)
    const traits = computeTraits(snapshotFromStripe({ ...data, subscriptions: [own] }), deps.now())
    const body: SubscriptionTraits = {
      subscriptionId: id,
      customerId: sub.customerId!,
      status: sub.status,
      traits: groupTraits(traits, (k) => k.startsWith('subscription.') || k.startsWith('mrr.')),
    }
    return c.json(body)
  })
}
