// What the discount picker can offer on one subscription, from synced coupons and promotion
// codes. Stripe refuses a coupon that is no longer valid, an inactive or used-up promotion code,
// and an amount-off coupon in another currency (without currency_options for this one), so none
// of those is offered. Pure: the route loads the rows, this decides.
import type { DiscountOption } from '../api/actions'

type Coupon = {
  id: string
  name?: string | null
  valid?: boolean
  percent_off?: number | null
  amount_off?: number | null
  currency?: string | null
  currency_options?: Record<string, { amount_off?: number }> | null
  duration?: 'forever' | 'once' | 'repeating' | null
  duration_in_months?: number | null
}

type PromotionCode = {
  id: string
  code: string
  active?: boolean
  expires_at?: number | null
  max_redemptions?: number | null
  times_redeemed?: number
}

/** The coupon's terms on a subscription in `currency`, or null when Stripe would refuse it there. */
function terms(coupon: Coupon, currency: string) {
  if (coupon.valid === false) return null
  let amountOff = coupon.amount_off ?? null
  let couponCurrency = coupon.currency ?? null
  if (amountOff !== null && couponCurrency !== currency) {
    const option = coupon.currency_options?.[currency]?.amount_off
    if (option === undefined) return null
    amountOff = option
    couponCurrency = currency
  }
  return {
    percentOff: coupon.percent_off ?? null,
    amountOff,
    currency: amountOff === null ? null : couponCurrency,
    duration: coupon.duration ?? null,
    durationInMonths: coupon.duration_in_months ?? null,
  }
}

export function couponOption(coupon: Coupon, currency: string): DiscountOption | null {
  const t = terms(coupon, currency)
  return t && { kind: 'coupon', id: coupon.id, name: coupon.name || coupon.id, ...t }
}

export function promotionCodeOption(
  promo: PromotionCode,
  coupon: Coupon | null,
  currency: string,
  nowSeconds: number
): DiscountOption | null {
  if (promo.active === false || !coupon) return null
  if (promo.expires_at && promo.expires_at <= nowSeconds) return null
  if (promo.max_redemptions && (promo.times_redeemed ?? 0) >= promo.max_redemptions) return null
  const t = terms(coupon, currency)
  return t && { kind: 'promotion_code', id: promo.id, name: promo.code, ...t }
}
