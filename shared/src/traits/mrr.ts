// Monthly recurring revenue per currency, following Stripe's definition
// (https://docs.stripe.com/billing/subscriptions/analytics/glossary) as set out in
// docs/stripe-api-notes.md §7:
// - only `active` and `past_due` subscriptions count (trialing, paused, unpaid, canceled and
//   incomplete* do not); `pause_collection` does not stop a sub counting, as in Stripe's own MRR;
// - metered items (`usage_type: metered` or a `meter`) and one-time prices are excluded;
// - each item is normalised by its own interval: month ÷ n, year ÷ 12n, week × 52/12 ÷ n,
//   day × 365/12 ÷ n (Stripe publishes no week/day factor; these are calendar averages);
// - item discounts apply before subscription discounts, in array order; `percent_off` scales,
//   `amount_off` (same currency, or the coupon's `currency_options`) is per invoice, so it is
//   normalised with the item's factor (for subscription discounts: the first counted item's);
//   amounts never go below zero;
// - which discounts count is a setting (`MrrSettings.discounts`);
// - currencies are never added together; the exact total per currency is rounded half-up to
//   minor units once, at the end; subscriptions worth nothing (free, 100 % off) add no entry.
import type { MoneyByCurrency } from '../money'
import {
  add,
  ceilExact,
  div,
  exact,
  floorExact,
  max,
  mul,
  parseExact,
  ratio,
  roundHalfUp,
  sub,
  sum,
  zero,
  type Exact,
} from './exact'
import type {
  DiscountSnapshot,
  PriceSnapshot,
  PriceTierSnapshot,
  SubscriptionItemSnapshot,
  SubscriptionSnapshot,
} from './snapshot'

/**
 * - `all_active` (default): every discount in force now (start ≤ now < end) reduces MRR,
 *   so a `repeating` coupon counts until its end and a `once` coupon while Stripe keeps it attached.
 * - `forever_only`: Stripe's older rule; only `forever` coupons reduce MRR.
 * - `none`: list-price MRR.
 */
export type MrrDiscountPolicy = 'all_active' | 'forever_only' | 'none'
export type MrrSettings = { discounts: MrrDiscountPolicy }
export const DEFAULT_MRR_SETTINGS: MrrSettings = { discounts: 'all_active' }

export const MRR_STATUSES: readonly string[] = ['active', 'past_due']

/** Factor that turns one billing period's amount into a month's; null for unknown intervals. */
export function monthlyFactor(interval: string, intervalCount: number): Exact | null {
  const n = BigInt(Math.max(1, intervalCount))
  switch (interval) {
    case 'month':
      return ratio(1n, n)
    case 'year':
      return ratio(1n, 12n * n)
    case 'week':
      return ratio(52n, 12n * n)
    case 'day':
      return ratio(365n, 12n * n)
    default:
      return null
  }
}

function decimalOr(decimal: string | null, amount: number | null): Exact {
  if (decimal !== null && decimal !== '') return parseExact(decimal)
  return amount === null ? zero() : exact(amount)
}

function tierUnit(t: PriceTierSnapshot) {
  return decimalOr(t.unitAmountDecimal, t.unitAmount)
}
function tierFlat(t: PriceTierSnapshot) {
  return decimalOr(t.flatAmountDecimal, t.flatAmount)
}

/**
 * The amount one billing period of this price costs at `quantity`, before discounts; null when
 * it can't be known (tiered price whose tiers were not synced).
 */
export function computePeriodAmount(price: PriceSnapshot, quantity: number): Exact | null {
  if (price.billingScheme === 'tiered') {
    const tiers = price.tiers
    if (!tiers || tiers.length === 0) return null
    if (price.tiersMode === 'volume') {
      // The whole quantity is priced at the first tier it fits in.
      const tier = tiers.find((t) => t.upTo === null || quantity <= t.upTo) ?? tiers.at(-1)!
      return add(mul(exact(quantity), tierUnit(tier)), tierFlat(tier))
    }
    // graduated: each tier prices its own slice; a flat fee applies once its tier is entered.
    let total = zero()
    let below = 0
    for (const tier of tiers) {
      const top = tier.upTo === null ? quantity : Math.min(quantity, tier.upTo)
      const slice = top - below
      if (slice <= 0) break
      total = add(total, add(mul(exact(slice), tierUnit(tier)), tierFlat(tier)))
      below = top
      if (tier.upTo === null || quantity <= tier.upTo) break
    }
    return total
  }
  let q = exact(quantity)
  if (price.transformQuantity) {
    const divided = div(q, exact(price.transformQuantity.divideBy))
    q = exact(price.transformQuantity.round === 'up' ? ceilExact(divided) : floorExact(divided))
  }
  return mul(q, decimalOr(price.unitAmountDecimal, price.unitAmount))
}

function isDiscountCounted(d: DiscountSnapshot, nowSeconds: number, settings: MrrSettings) {
  if (!d.coupon || settings.discounts === 'none') return false
  if (settings.discounts === 'forever_only' && d.coupon.duration !== 'forever') return false
  return d.start <= nowSeconds && (d.end === null || nowSeconds < d.end)
}

/** Applies counted discounts in order to a per-period amount (never below zero). */
function applyDiscounts(
  amount: Exact,
  discounts: DiscountSnapshot[],
  currency: string,
  nowSeconds: number,
  settings: MrrSettings
): Exact {
  let result = amount
  for (const d of discounts) {
    if (!isDiscountCounted(d, nowSeconds, settings)) continue
    const coupon = d.coupon!
    if (coupon.percentOff !== null) {
      result = mul(result, div(sub(exact(100), exact(coupon.percentOff)), exact(100)))
    } else if (coupon.amountOff !== null) {
      const off =
        coupon.currency?.toLowerCase() === currency
          ? coupon.amountOff
          : coupon.amountOffByCurrency[currency]
      // An amount coupon in another currency has no effect (Stripe wouldn't allow it either).
      if (off !== undefined) result = sub(result, exact(off))
    }
    result = max(result, zero())
  }
  return result
}

export function isItemCounted(item: SubscriptionItemSnapshot): boolean {
  const r = item.price.recurring
  if (!r) return false // one-time price
  return r.usageType !== 'metered' && !r.meter
}

/**
 * Exact MRR of one subscription in its currency, or null when it doesn't count (status,
 * nothing recurring and licensed, or nothing left after discounts).
 */
export function computeSubscriptionMrrExact(
  subscription: SubscriptionSnapshot,
  now: Date,
  settings: MrrSettings = DEFAULT_MRR_SETTINGS
): { currency: string; amount: Exact } | null {
  if (!MRR_STATUSES.includes(subscription.status)) return null
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const currency = subscription.currency.toLowerCase()
  const monthly: Exact[] = []
  let firstFactor: Exact | null = null
  for (const item of subscription.items) {
    if (!isItemCounted(item)) continue
    const factor = monthlyFactor(
      item.price.recurring!.interval,
      item.price.recurring!.intervalCount
    )
    const period = computePeriodAmount(item.price, item.quantity ?? 1)
    if (!factor || !period) continue
    firstFactor ??= factor
    const discounted = applyDiscounts(period, item.discounts, currency, nowSeconds, settings)
    monthly.push(mul(discounted, factor))
  }
  if (!firstFactor) return null
  // Subscription-level amount coupons are per invoice: bring the total back to one period of
  // the first item, discount it, then return to monthly.
  const perPeriod = div(sum(monthly), firstFactor)
  const amount = mul(
    applyDiscounts(perPeriod, subscription.discounts, currency, nowSeconds, settings),
    firstFactor
  )
  if (amount.n <= 0n) return null
  return { currency, amount }
}

/** MRR of one subscription in minor units (rounded half-up), or null when it doesn't count. */
export function computeSubscriptionMrr(
  subscription: SubscriptionSnapshot,
  now: Date,
  settings: MrrSettings = DEFAULT_MRR_SETTINGS
): { amount: number; currency: string } | null {
  const result = computeSubscriptionMrrExact(subscription, now, settings)
  return result && { currency: result.currency, amount: roundHalfUp(result.amount) }
}

/** MRR per currency over all subscriptions (exact sum, rounded once per currency). */
export function computeMrr(
  subscriptions: SubscriptionSnapshot[],
  now: Date,
  settings: MrrSettings = DEFAULT_MRR_SETTINGS
): MoneyByCurrency {
  const exactTotals = new Map<string, Exact>()
  for (const s of subscriptions) {
    const r = computeSubscriptionMrrExact(s, now, settings)
    if (r) exactTotals.set(r.currency, add(exactTotals.get(r.currency) ?? zero(), r.amount))
  }
  const totals: MoneyByCurrency = {}
  for (const [currency, amount] of [...exactTotals].sort(([a], [b]) => a.localeCompare(b))) {
    totals[currency] = roundHalfUp(amount)
  }
  return totals
}
