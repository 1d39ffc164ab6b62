// Coupons and promotion codes.
import type Stripe from 'stripe'
import { route, type Ctx, type Route } from '../context'
import { invalidParam, invalidRequest } from '../errors'
import { previousAttributes } from '../events'
import { paginate } from '../list'
import {
  mergeMetadata,
  optBool,
  optEnum,
  optInt,
  optNullableString,
  optNumber,
  optObject,
  optString,
  reqString,
} from '../params'
import { clone } from '../render'
import type { AccountState } from '../state'
import { must, pathId, respond } from './shared'

export type CouponInput = {
  id?: string
  created: number
  percentOff?: number | null
  amountOff?: number | null
  currency?: string | null
  duration: 'once' | 'repeating' | 'forever'
  durationInMonths?: number | null
  name?: string | null
  maxRedemptions?: number | null
  redeemBy?: number | null
  metadata?: Stripe.Metadata
}

export function buildCoupon(state: AccountState, input: CouponInput): Stripe.Coupon {
  return {
    id: input.id ?? state.random.chars(8),
    object: 'coupon',
    amount_off: input.amountOff ?? null,
    created: input.created,
    currency: input.amountOff ? (input.currency ?? 'usd') : null,
    duration: input.duration,
    duration_in_months: input.duration === 'repeating' ? (input.durationInMonths ?? 1) : null,
    livemode: state.livemode,
    max_redemptions: input.maxRedemptions ?? null,
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    percent_off: input.percentOff ?? null,
    redeem_by: input.redeemBy ?? null,
    times_redeemed: 0,
    valid: true,
  }
}

function createCoupon(ctx: Ctx): unknown {
  const p = ctx.params
  const percentOff = optNumber(p, 'percent_off')
  const amountOff = optInt(p, 'amount_off')
  if (percentOff === undefined && amountOff === undefined) {
    throw invalidRequest(
      'You must pass either `percent_off` or `amount_off`.',
      'percent_off',
      'parameter_missing'
    )
  }
  if (percentOff !== undefined && (percentOff <= 0 || percentOff > 100)) {
    throw invalidParam('percent_off', 'percent_off must be greater than 0 and at most 100.')
  }
  const currency = optString(p, 'currency')
  if (amountOff !== undefined && !currency) {
    throw invalidRequest(
      'You must pass `currency` with `amount_off`.',
      'currency',
      'parameter_missing'
    )
  }
  const duration = optEnum(p, 'duration', ['once', 'repeating', 'forever'] as const) ?? 'once'
  const durationInMonths = optInt(p, 'duration_in_months')
  if (duration === 'repeating' && durationInMonths === undefined) {
    throw invalidRequest(
      'You must pass `duration_in_months` with a repeating coupon.',
      'duration_in_months',
      'parameter_missing'
    )
  }
  const id = optString(p, 'id')
  if (id && ctx.state.coupons.has(id)) {
    throw invalidRequest('Coupon already exists.', 'id', 'resource_already_exists')
  }
  const coupon = buildCoupon(ctx.state, {
    id,
    created: ctx.now,
    percentOff,
    amountOff,
    currency: currency?.toLowerCase(),
    duration,
    durationInMonths,
    name: optString(p, 'name'),
    maxRedemptions: optInt(p, 'max_redemptions'),
    redeemBy: optInt(p, 'redeem_by'),
    metadata: mergeMetadata({}, p),
  })
  ctx.state.coupons.insert(coupon)
  ctx.emit('coupon.created', coupon)
  return respond(ctx, coupon)
}

function updateCoupon(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const coupon = must(ctx.state.coupons.get(id), 'coupon', id)
  const before = clone(coupon)
  if (ctx.params.name !== undefined) coupon.name = optNullableString(ctx.params, 'name') ?? null
  coupon.metadata = mergeMetadata(coupon.metadata ?? {}, ctx.params)
  const previous = previousAttributes(before, coupon)
  if (Object.keys(previous).length > 0) ctx.emit('coupon.updated', coupon, previous)
  return respond(ctx, coupon)
}

function deleteCoupon(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const coupon = must(ctx.state.coupons.get(id), 'coupon', id)
  ctx.state.coupons.delete(id)
  coupon.valid = false
  ctx.emit('coupon.deleted', coupon)
  return { id, object: 'coupon', deleted: true }
}

function createPromotionCode(ctx: Ctx): unknown {
  const p = ctx.params
  const promotion = optObject(p, 'promotion')
  const couponId = promotion ? reqString(promotion, 'coupon') : reqString(p, 'coupon')
  must(ctx.state.coupons.get(couponId), 'coupon', couponId, 'promotion[coupon]')
  const promo: Stripe.PromotionCode = {
    id: ctx.state.id('promo'),
    object: 'promotion_code',
    active: optBool(p, 'active') ?? true,
    code: optString(p, 'code') ?? ctx.state.random.chars(8).toUpperCase(),
    created: ctx.now,
    customer: optString(p, 'customer') ?? null,
    customer_account: null,
    expires_at: optInt(p, 'expires_at') ?? null,
    livemode: ctx.state.livemode,
    max_redemptions: optInt(p, 'max_redemptions') ?? null,
    metadata: mergeMetadata({}, p),
    promotion: { coupon: couponId, type: 'coupon' },
    restrictions: {
      first_time_transaction: false,
      minimum_amount: null,
      minimum_amount_currency: null,
    },
    times_redeemed: 0,
  }
  ctx.state.promotionCodes.insert(promo)
  ctx.emit('promotion_code.created', promo)
  return respond(ctx, promo)
}

function updatePromotionCode(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const promo = must(ctx.state.promotionCodes.get(id), 'promotion_code', id)
  const before = clone(promo)
  const active = optBool(ctx.params, 'active')
  if (active !== undefined) promo.active = active
  promo.metadata = mergeMetadata(promo.metadata ?? {}, ctx.params)
  const previous = previousAttributes(before, promo)
  if (Object.keys(previous).length > 0) ctx.emit('promotion_code.updated', promo, previous)
  return respond(ctx, promo)
}

function listPromotionCodes(ctx: Ctx): unknown {
  const code = optString(ctx.params, 'code')
  const coupon = optString(ctx.params, 'coupon')
  const active = optBool(ctx.params, 'active')
  return respond(
    ctx,
    paginate(
      ctx.state.promotionCodes,
      ctx.params,
      '/v1/promotion_codes',
      'promotion_code',
      (x) =>
        (code === undefined || x.code === code) &&
        (coupon === undefined || x.promotion.coupon === coupon) &&
        (active === undefined || x.active === active)
    )
  )
}

export const couponRoutes: Route[] = [
  route('POST', '/v1/coupons', 'coupons', createCoupon),
  route('GET', '/v1/coupons', 'coupons', (ctx) =>
    respond(ctx, paginate(ctx.state.coupons, ctx.params, '/v1/coupons', 'coupon'))
  ),
  route('GET', '/v1/coupons/:id', 'coupons', (ctx) =>
    respond(ctx, must(ctx.state.coupons.get(pathId(ctx)), 'coupon', pathId(ctx)))
  ),
  route('POST', '/v1/coupons/:id', 'coupons', updateCoupon),
  route('DELETE', '/v1/coupons/:id', 'coupons', deleteCoupon),
  route('POST', '/v1/promotion_codes', 'promotion_codes', createPromotionCode),
  route('GET', '/v1/promotion_codes', 'promotion_codes', listPromotionCodes),
  route('GET', '/v1/promotion_codes/:id', 'promotion_codes', (ctx) =>
    respond(ctx, must(ctx.state.promotionCodes.get(pathId(ctx)), 'promotion_code', pathId(ctx)))
  ),
  route('POST', '/v1/promotion_codes/:id', 'promotion_codes', updatePromotionCode),
]
