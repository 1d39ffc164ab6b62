// GET /subscriptions/:id — the traits of one subscription (its own, not "the" customer's).
// GET /subscriptions/:id/plan-options — its items and the synced prices a plan change can pick.
// GET /subscriptions/:id/discount-options — a page of the synced coupons or promotion codes a
// discount can apply to it (shared/src/plans/discount-options.ts says which).
import { and, asc, eq, gt, ilike, isNull, or, sql, type SQL } from 'drizzle-orm'
import { Hono } from 'hono'
import type Stripe from 'stripe'
import type { SubscriptionTraits } from '@holdfast/shared/api/customers'
import { computeTraits } from '@holdfast/shared/traits/compute-traits'
import {
  stripeCoupons,
  stripePrices,
  stripeProducts,
  stripePromotionCodes,
  stripeSubscriptionItems,
  stripeSubscriptions,
} from '../../db/schema'
import { planOptionsFrom } from '@holdfast/shared/plans/plan-options'
import {
  DiscountOptionsQuery,
  type DiscountOption,
  type DiscountOptions,
} from '@holdfast/shared/api/actions'
import { couponOption, promotionCodeOption } from '@holdfast/shared/plans/discount-options'
import { AppError } from '../../errors'
import { groupTraits } from '../../traits/group-traits'
import { loadStripeCustomerData } from '../../traits/refresh-traits'
import { snapshotFromStripe } from '../../traits/snapshot-from-stripe'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'

type Scope = ReturnType<typeof scopeOf>
const mineIn =
  (scope: Scope) =>
  <T extends { accountId: unknown; livemode: unknown; deletedAt: unknown }>(t: T) =>
    and(
      eq(t.accountId as never, scope.accountId),
      eq(t.livemode as never, scope.livemode),
      isNull(t.deletedAt as never)
    )

/** LIKE pattern matching `q` anywhere, its own % and _ taken literally. */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`

// Rows read per round while filling a page (some synced rows are not offered: expired, used up).
const BATCH = 200

export function subscriptionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/subscriptions/:id/discount-options', async (c) => {
      const query = DiscountOptionsQuery.parse(c.req.query())
      const scope = scopeOf(c.get('caller'))
      const mine = mineIn(scope)
      const id = c.req.param('id')
      const [sub] = await deps.db
        .select({ data: stripeSubscriptions.data })
        .from(stripeSubscriptions)
        .where(and(mine(stripeSubscriptions), eq(stripeSubscriptions.id, id)))
      if (!sub) throw new AppError('not_found', `No synced subscription ${id} here`)
      const currency = (sub.data as { currency?: string }).currency ?? 'usd'
      const nowSeconds = Math.floor(deps.now().getTime() / 1000)
      const pattern = query.q ? containing(query.q) : null
      const page: DiscountOption[] = []
      let after = query.cursor ?? ''
      let more = true
      // One row past the page says whether there is a next one.
      while (page.length <= query.limit && more) {
        const batch: { id: string; option: DiscountOption | null }[] = []
        if (query.kind === 'coupon') {
          const filters: (SQL | undefined)[] = [mine(stripeCoupons), gt(stripeCoupons.id, after)]
          if (pattern)
            filters.push(
              or(
                ilike(stripeCoupons.id, pattern),
                ilike(sql`${stripeCoupons.data}->>'name'`, pattern)
              )
            )
          const rows = await deps.db
            .select({ id: stripeCoupons.id, data: stripeCoupons.data })
            .from(stripeCoupons)
            .where(and(...filters))
            .orderBy(asc(stripeCoupons.id))
            .limit(BATCH)
          for (const r of rows)
            batch.push({ id: r.id, option: couponOption(r.data as never, currency) })
        } else {
          const filters: (SQL | undefined)[] = [
            mine(stripePromotionCodes),
            gt(stripePromotionCodes.id, after),
          ]
          if (pattern) filters.push(ilike(stripePromotionCodes.code, pattern))
          const rows = await deps.db
            .select({
              id: stripePromotionCodes.id,
              data: stripePromotionCodes.data,
              coupon: stripeCoupons.data,
            })
            .from(stripePromotionCodes)
            .leftJoin(
              stripeCoupons,
              and(mine(stripeCoupons), eq(stripeCoupons.id, stripePromotionCodes.couponId))
            )
            .where(and(...filters))
            .orderBy(asc(stripePromotionCodes.id))
            .limit(BATCH)
          for (const r of rows)
            batch.push({
              id: r.id,
              option: promotionCodeOption(r.data as never, r.coupon as never, currency, nowSeconds),
            })
        }
        more = batch.length === BATCH
        for (const row of batch) {
          after = row.id
          if (row.option) page.push(row.option)
          if (page.length > query.limit) break
        }
      }
      const data = page.slice(0, query.limit)
      const body: DiscountOptions = {
        subscriptionId: id,
        currency,
        data,
        nextCursor: page.length > query.limit ? data[data.length - 1]!.id : null,
      }
      return c.json(body)
    })
    .get('/subscriptions/:id/plan-options', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const id = c.req.param('id')
      const mine = mineIn(scope)
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
