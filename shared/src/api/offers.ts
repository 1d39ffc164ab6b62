// Offers: reusable retention offers a merchant defines in settings, each in one mode only.
import { z } from 'zod'

export const OfferKind = z.enum([
  'percent_off',
  'amount_off',
  'free_period',
  'pause',
  'extend_trial',
  'switch_price',
])
export type OfferKind = z.infer<typeof OfferKind>

export const CouponDuration = z.enum(['once', 'repeating', 'forever'])
export const PauseBehavior = z.enum(['mark_uncollectible', 'keep_as_draft', 'void'])
export const ProrationBehavior = z.enum(['create_prorations', 'none', 'always_invoice'])

const months = z.number().int().min(1).max(36)

export const OfferParams = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('percent_off'),
    percentOff: z.number().gt(0).max(100),
    duration: CouponDuration.default('once'),
    durationInMonths: months.optional(),
  }),
  z.object({
    kind: z.literal('amount_off'),
    /** Minor units of `currency`. */
    amountOff: z.number().int().positive(),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO currency code')
      .transform((c) => c.toLowerCase()),
    duration: CouponDuration.default('once'),
    durationInMonths: months.optional(),
  }),
  /** 100 % off for N months. */
  z.object({ kind: z.literal('free_period'), months }),
  z.object({
    kind: z.literal('pause'),
    months: z.number().int().min(1).max(12),
    behavior: PauseBehavior.default('mark_uncollectible'),
  }),
  z.object({ kind: z.literal('extend_trial'), days: z.number().int().min(1).max(730) }),
  z.object({
    kind: z.literal('switch_price'),
    priceId: z.string().regex(/^(price|plan)_\w+$/, 'must be a Stripe price id (price_…)'),
    prorationBehavior: ProrationBehavior.default('create_prorations'),
  }),
])
export type OfferParams = z.infer<typeof OfferParams>

function checkDuration(
  p: { kind: string; duration?: string; durationInMonths?: number },
  ctx: z.RefinementCtx
) {
  if (p.kind !== 'percent_off' && p.kind !== 'amount_off') return
  if (p.duration === 'repeating' && p.durationInMonths === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['durationInMonths'],
      message: 'a repeating discount needs durationInMonths',
    })
  if (p.duration !== 'repeating' && p.durationInMonths !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['durationInMonths'],
      message: 'durationInMonths only goes with duration "repeating"',
    })
}

export const CreateOfferRequest = z
  .intersection(z.object({ name: z.string().trim().min(1).max(100) }), OfferParams)
  .superRefine(checkDuration)
export type CreateOfferRequest = z.infer<typeof CreateOfferRequest>

/** Terms can't change once a coupon exists (Stripe coupons are immutable): only the name. */
export const UpdateOfferRequest = z.object({ name: z.string().trim().min(1).max(100) }).strict()

export const Offer = z.object({
  id: z.string(),
  name: z.string(),
  kind: OfferKind,
  params: z.record(z.string(), z.unknown()),
  /** The coupon a discount offer created in the merchant's Stripe account. */
  couponId: z.string().nullable(),
  mode: z.enum(['test', 'live']),
  archived: z.boolean(),
  createdAt: z.string(),
})
export type Offer = z.infer<typeof Offer>

export const OfferList = z.object({ data: z.array(Offer) })
export type OfferList = z.infer<typeof OfferList>

/** Which action an offer is used with. */
export const OFFER_ACTION: Record<OfferKind, string> = {
  percent_off: 'apply_discount',
  amount_off: 'apply_discount',
  free_period: 'apply_discount',
  pause: 'pause_collection',
  extend_trial: 'extend_trial',
  switch_price: 'change_plan',
}
