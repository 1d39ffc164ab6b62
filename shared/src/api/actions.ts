// The extension ↔ backend contract for retention actions: request bodies, answers, the audit list
// and the outcome summary. Every action takes a client idempotency key (`clientKey` here or the
// `Idempotency-Key` header): a repeated click gets the first answer back.
import { z } from 'zod'
import { PauseBehavior, ProrationBehavior } from './offers'

export const ActionKindSchema = z.enum([
  'pause_collection',
  'resume_collection',
  'apply_discount',
  'change_plan',
  'cancel',
  'reactivate',
  'extend_trial',
  'pause_subscription',
  'resume_subscription',
])

const clientKey = z.string().trim().min(1).max(200).optional()
const offerId = z.string().uuid('must be an offer id').optional()

const exactlyOne =
  (keys: string[], what: string) => (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const given = keys.filter((k) => value[k] !== undefined)
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `give exactly one of ${keys.join(', ')} (${what})`,
      })
  }

export const PauseCollectionRequest = z
  .object({
    clientKey,
    offerId,
    behavior: PauseBehavior.optional(),
    months: z.number().int().min(1).max(24).optional(),
    days: z.number().int().min(1).max(730).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.months !== undefined && v.days !== undefined)
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'give months or days, not both' })
    if (v.offerId !== undefined && (v.months !== undefined || v.days !== undefined))
      ctx.addIssue({ code: 'custom', path: ['offerId'], message: 'the offer sets the length' })
  })
export type PauseCollectionRequest = z.infer<typeof PauseCollectionRequest>

export const ResumeCollectionRequest = z.object({ clientKey })

/** True pause (status `paused`): no invoices and no access until resumed. */
export const PauseSubscriptionRequest = z.object({
  clientKey,
  /** Credit the unused rest of the current period on the resumption invoice (default true). */
  creditUnusedTime: z.boolean().optional(),
})
export type PauseSubscriptionRequest = z.infer<typeof PauseSubscriptionRequest>

export const ResumeSubscriptionRequest = z
  .object({
    clientKey,
    /** `now`: a new period starts and is charged today. `unchanged`: the old renewal date stays. */
    billingCycleAnchor: z.enum(['now', 'unchanged']).default('now'),
    /** Only with `unchanged`: how the rest of the current period is charged. */
    prorationBehavior: ProrationBehavior.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.billingCycleAnchor === 'now' && v.prorationBehavior !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['prorationBehavior'],
        message: 'prorationBehavior only applies with billingCycleAnchor "unchanged"',
      })
  })
export type ResumeSubscriptionRequest = z.infer<typeof ResumeSubscriptionRequest>
export const ReactivateRequest = z.object({ clientKey })

export const ApplyDiscountRequest = z
  .object({
    clientKey,
    offerId,
    couponId: z.string().trim().min(1).max(200).optional(),
    /** A promotion code id (promo_…) or the code customers type. */
    promotionCode: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine(exactlyOne(['offerId', 'couponId', 'promotionCode'], 'what to apply'))
export type ApplyDiscountRequest = z.infer<typeof ApplyDiscountRequest>

const planChangeFields = {
  offerId,
  priceId: z
    .string()
    .regex(/^(price|plan)_\w+$/, 'must be a Stripe price id (price_…)')
    .optional(),
  /** Which item to change; only needed when the subscription has several. */
  itemId: z.string().optional(),
  prorationBehavior: ProrationBehavior.optional(),
}

export const ChangePlanPreviewRequest = z
  .object(planChangeFields)
  .superRefine(exactlyOne(['offerId', 'priceId'], 'the new price'))
export type ChangePlanPreviewRequest = z.infer<typeof ChangePlanPreviewRequest>

export const ChangePlanRequest = z
  .object({
    ...planChangeFields,
    clientKey,
    /** The `prorationDate` the preview answered with, so the charge matches what was shown. */
    prorationDate: z.number().int().positive().optional(),
  })
  .superRefine(exactlyOne(['offerId', 'priceId'], 'the new price'))
export type ChangePlanRequest = z.infer<typeof ChangePlanRequest>

export const CancellationFeedback = z.enum([
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
])

export const CancelRequest = z
  .object({
    clientKey,
    when: z.enum(['now', 'period_end']),
    /** Only with `now`: credit unused time. */
    prorate: z.boolean().optional(),
    /** Only with `now`: invoice pending items and prorations at once. */
    invoiceNow: z.boolean().optional(),
    reason: CancellationFeedback.optional(),
    comment: z.string().trim().max(500).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.when === 'period_end' && (v.prorate !== undefined || v.invoiceNow !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['when'],
        message: 'prorate and invoiceNow only apply when canceling now',
      })
  })
export type CancelRequest = z.infer<typeof CancelRequest>

export const ExtendTrialRequest = z
  .object({
    clientKey,
    offerId,
    days: z.number().int().min(1).max(730).optional(),
    /** New trial end, unix seconds. */
    until: z.number().int().positive().optional(),
  })
  .superRefine(exactlyOne(['offerId', 'days', 'until'], 'how long'))
export type ExtendTrialRequest = z.infer<typeof ExtendTrialRequest>

const MoneySchema = z.object({ amount: z.number().int(), currency: z.string() })

export const SubscriptionState = z.object({
  id: z.string(),
  customerId: z.string(),
  status: z.string(),
  pauseCollection: z.object({ behavior: z.string(), resumesAt: z.number().nullable() }).nullable(),
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: z.number().nullable(),
  trialEnd: z.number().nullable(),
  discountIds: z.array(z.string()),
  items: z.array(z.object({ id: z.string(), priceId: z.string(), quantity: z.number() })),
})
export type SubscriptionState = z.infer<typeof SubscriptionState>

export const ActionResult = z.object({
  actionId: z.string(),
  kind: ActionKindSchema,
  state: z.literal('succeeded'),
  customerId: z.string(),
  subscriptionId: z.string(),
  offerId: z.string().nullable(),
  stripeRequestId: z.string().nullable(),
  subscription: SubscriptionState,
  finishedAt: z.string(),
})
export type ActionResult = z.infer<typeof ActionResult>

export const ChangePlanPreview = z.object({
  subscriptionId: z.string(),
  itemId: z.string(),
  fromPriceId: z.string(),
  toPriceId: z.string(),
  quantity: z.number(),
  prorationBehavior: ProrationBehavior,
  /** Send back as `prorationDate` when confirming, so Stripe prorates to the same second. */
  prorationDate: z.number(),
  dueNow: MoneySchema,
  nextInvoice: z.object({
    amount: z.number().nullable(),
    currency: z.string(),
    date: z.number().nullable(),
  }),
  prorations: MoneySchema,
  lines: z.array(
    z.object({ description: z.string().nullable(), amount: z.number(), proration: z.boolean() })
  ),
})
export type ChangePlanPreview = z.infer<typeof ChangePlanPreview>

const MoneyByCurrencySchema = z.record(z.string(), z.number())
const MilestoneSchema = z.object({
  active: z.boolean(),
  mrr: MoneyByCurrencySchema,
  checkedAt: z.number(),
})

export const ActionRun = z.object({
  id: z.string(),
  kind: z.string(),
  userId: z.string(),
  /** The Dashboard roles Stripe signed for the user when the action ran. */
  userRoles: z.array(z.string()),
  customerId: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  offerId: z.string().nullable(),
  params: z.unknown(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  stripeRequestId: z.string().nullable(),
  error: z.string().nullable(),
  mrrBefore: MoneyByCurrencySchema.nullable(),
  outcome: z
    .object({
      status: z.enum(['pending', 'saved', 'lost']),
      d30: MilestoneSchema.optional(),
      d60: MilestoneSchema.optional(),
      d90: MilestoneSchema.optional(),
    })
    .nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type ActionRun = z.infer<typeof ActionRun>

export const ActionListQuery = z.object({
  customerId: z.string().max(100).optional(),
  subscriptionId: z.string().max(100).optional(),
  userId: z.string().max(100).optional(),
  kind: ActionKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export type ActionListQuery = z.infer<typeof ActionListQuery>

export const ActionList = z.object({ data: z.array(ActionRun), nextCursor: z.string().nullable() })
export type ActionList = z.infer<typeof ActionList>

const SummaryRow = z.object({
  actions: z.number(),
  saves: z.number(),
  lost: z.number(),
  pending: z.number(),
  savedMrr: MoneyByCurrencySchema,
})

export const ActionSummary = z.object({
  totals: SummaryRow,
  byOffer: z.array(SummaryRow.extend({ offerId: z.string().nullable(), offerName: z.string() })),
  byAgent: z.array(SummaryRow.extend({ userId: z.string() })),
  byKind: z.array(SummaryRow.extend({ kind: z.string() })),
})
export type ActionSummary = z.infer<typeof ActionSummary>

const PlanPrice = z.object({
  priceId: z.string(),
  nickname: z.string().nullable(),
  unitAmount: z.number().int().nullable(),
  currency: z.string(),
  interval: z.string().nullable(),
  intervalCount: z.number().int(),
})

/** GET /subscriptions/:id/plan-options: what the plan-change picker offers. */
export const PlanOptions = z.object({
  subscriptionId: z.string(),
  currency: z.string(),
  items: z.array(
    PlanPrice.extend({
      itemId: z.string(),
      quantity: z.number(),
      productName: z.string().nullable(),
    })
  ),
  products: z.array(
    z.object({ productId: z.string(), productName: z.string(), prices: z.array(PlanPrice) })
  ),
})
export type PlanOptions = z.infer<typeof PlanOptions>

/** GET /subscriptions/:id/discount-options: one page of the coupons or promotion codes a discount can apply. */
export const DiscountOptionsQuery = z.object({
  kind: z.enum(['coupon', 'promotion_code']),
  /** Part of a coupon's name or id, or of a promotion code (case-insensitive). */
  q: z.string().trim().max(100).optional(),
  /** The id to start after (from `nextCursor`). */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
export type DiscountOptionsQuery = z.infer<typeof DiscountOptionsQuery>

export const DiscountOption = z.object({
  kind: z.enum(['coupon', 'promotion_code']),
  /** What apply-discount takes: `couponId` for a coupon, `promotionCode` for a promotion code. */
  id: z.string(),
  /** The coupon's name (or id), or the promotion code customers type. */
  name: z.string(),
  /** "20% off for 3 months", "¥500 off once": the terms, in words the sheet formats. */
  percentOff: z.number().nullable(),
  amountOff: z.number().int().nullable(),
  currency: z.string().nullable(),
  duration: z.enum(['forever', 'once', 'repeating']).nullable(),
  durationInMonths: z.number().int().nullable(),
})
export type DiscountOption = z.infer<typeof DiscountOption>

export const DiscountOptions = z.object({
  subscriptionId: z.string(),
  currency: z.string(),
  data: z.array(DiscountOption),
  nextCursor: z.string().nullable(),
})
export type DiscountOptions = z.infer<typeof DiscountOptions>
