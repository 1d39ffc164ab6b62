// The synced coupons or promotion codes a discount can apply to one subscription, a page at a time
// (shared/src/plans/discount-options.ts says which are offered).
import { and, asc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm'
import type {
  DiscountOption,
  DiscountOptions,
  DiscountOptionsQuery,
} from '@holdfast/shared/api/actions'
import { couponOption, promotionCodeOption } from '@holdfast/shared/plans/discount-options'
import type { Db } from '../db/client'
import { stripeCoupons, stripePromotionCodes, stripeSubscriptions } from '../db/schema'
import type { Scope } from '../kernel/scope'
import { mineIn } from './synced-rows'

/** LIKE pattern matching `q` anywhere, its own % and _ taken literally. */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`

// Rows read per round while filling a page (some synced rows are not offered: expired, used up).
const BATCH = 200

/** A page of options, or null when the subscription is not synced in this scope. */
export async function discountOptionsOf(
  deps: { db: Db; now: () => Date },
  scope: Scope,
  id: string,
  query: DiscountOptionsQuery
): Promise<DiscountOptions | null> {
  const mine = mineIn(scope)
  const [sub] = await deps.db
    .select({ data: stripeSubscriptions.data })
    .from(stripeSubscriptions)
    .where(and(mine(stripeSubscriptions), eq(stripeSubscriptions.id, id)))
  if (!sub) return null
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
          or(ilike(stripeCoupons.id, pattern), ilike(sql`${stripeCoupons.data}->>'name'`, pattern))
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
  return {
    subscriptionId: id,
    currency,
    data,
    nextCursor: page.length > query.limit ? data[data.length - 1]!.id : null,
  }
}
