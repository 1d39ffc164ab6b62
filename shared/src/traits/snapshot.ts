// Our own picture of one customer's Stripe data: just what traits, MRR and stages need.
// The backend maps Stripe objects into this (backend/src/traits/snapshot-from-stripe.ts); shared/
// never sees a Stripe type. All times are unix seconds, all amounts minor units.
import { z } from 'zod'

const unixSeconds = z.number().int()
const nullableString = z.string().nullable()

export const AddressSnapshot = z.object({
  line1: nullableString,
  line2: nullableString,
  city: nullableString,
  state: nullableString,
  postalCode: nullableString,
  country: nullableString,
})
export type AddressSnapshot = z.infer<typeof AddressSnapshot>

export const CouponSnapshot = z.object({
  id: z.string(),
  name: nullableString,
  /** 0–100, may have decimals (12.5). */
  percentOff: z.number().nullable(),
  amountOff: z.number().int().nullable(),
  currency: nullableString,
  /** `currency_options[cur].amount_off`, so an amount coupon can apply to other currencies. */
  amountOffByCurrency: z.record(z.string(), z.number().int()).default({}),
  /** forever | once | repeating (open set, as Stripe's). */
  duration: z.string(),
  durationInMonths: z.number().int().nullable(),
})
export type CouponSnapshot = z.infer<typeof CouponSnapshot>

export const DiscountSnapshot = z.object({
  id: z.string(),
  start: unixSeconds,
  /** Set for `repeating` coupons; null = no end. */
  end: unixSeconds.nullable(),
  /** Null when the coupon could not be resolved (deleted, not synced). */
  coupon: CouponSnapshot.nullable(),
})
export type DiscountSnapshot = z.infer<typeof DiscountSnapshot>

export const PriceTierSnapshot = z.object({
  /** Null = infinity (the last tier). */
  upTo: z.number().nullable(),
  unitAmount: z.number().nullable(),
  /** Exact decimal string in minor units ("12.5"); wins over unitAmount. */
  unitAmountDecimal: nullableString,
  flatAmount: z.number().nullable(),
  flatAmountDecimal: nullableString,
})
export type PriceTierSnapshot = z.infer<typeof PriceTierSnapshot>

export const PriceSnapshot = z.object({
  id: z.string(),
  nickname: nullableString,
  productId: nullableString,
  productName: nullableString,
  currency: z.string(),
  unitAmount: z.number().nullable(),
  unitAmountDecimal: nullableString,
  /** per_unit | tiered */
  billingScheme: z.string(),
  /** graduated | volume | null */
  tiersMode: nullableString,
  /** Null when tiers were not expanded/synced. */
  tiers: z.array(PriceTierSnapshot).nullable(),
  transformQuantity: z
    .object({ divideBy: z.number().int().positive(), round: z.string() })
    .nullable(),
  recurring: z
    .object({
      /** day | week | month | year */
      interval: z.string(),
      intervalCount: z.number().int().positive(),
      /** licensed | metered */
      usageType: z.string(),
      meter: nullableString,
    })
    .nullable(),
})
export type PriceSnapshot = z.infer<typeof PriceSnapshot>

export const SubscriptionItemSnapshot = z.object({
  id: z.string(),
  quantity: z.number().nullable(),
  currentPeriodStart: unixSeconds,
  currentPeriodEnd: unixSeconds,
  price: PriceSnapshot,
  discounts: z.array(DiscountSnapshot),
})
export type SubscriptionItemSnapshot = z.infer<typeof SubscriptionItemSnapshot>

export const SubscriptionSnapshot = z.object({
  id: z.string(),
  /** Stripe's status string: active, past_due, trialing, canceled, unpaid, incomplete, … */
  status: z.string(),
  currency: z.string(),
  created: unixSeconds,
  startDate: unixSeconds,
  trialStart: unixSeconds.nullable(),
  trialEnd: unixSeconds.nullable(),
  canceledAt: unixSeconds.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: unixSeconds.nullable(),
  endedAt: unixSeconds.nullable(),
  pauseCollection: z.object({ behavior: z.string(), resumesAt: unixSeconds.nullable() }).nullable(),
  discounts: z.array(DiscountSnapshot),
  items: z.array(SubscriptionItemSnapshot),
  metadata: z.record(z.string(), z.string()).default({}),
})
export type SubscriptionSnapshot = z.infer<typeof SubscriptionSnapshot>

export const PaymentMethodSnapshot = z.object({
  id: z.string(),
  /** card, sepa_debit, us_bank_account, … */
  type: z.string(),
  card: z
    .object({
      brand: nullableString,
      country: nullableString,
      expMonth: z.number().int().nullable(),
      expYear: z.number().int().nullable(),
      last4: nullableString,
      /** apple_pay, google_pay, link, … null for a plain card. */
      wallet: nullableString,
    })
    .nullable(),
})
export type PaymentMethodSnapshot = z.infer<typeof PaymentMethodSnapshot>

export const ChargeSnapshot = z.object({
  id: z.string(),
  amount: z.number().int(),
  amountRefunded: z.number().int(),
  currency: z.string(),
  created: unixSeconds,
  /** succeeded | pending | failed */
  status: z.string(),
  paid: z.boolean(),
  description: nullableString,
})
export type ChargeSnapshot = z.infer<typeof ChargeSnapshot>

export const InvoiceSnapshot = z.object({
  id: z.string(),
  number: nullableString,
  /** draft | open | paid | uncollectible | void */
  status: nullableString,
  currency: z.string(),
  amountPaid: z.number().int(),
  /** Paid outside Stripe (no charge exists for it), so it counts towards lifetime value. */
  amountPaidOffStripe: z.number().int(),
  paidAt: unixSeconds.nullable(),
  description: nullableString,
})
export type InvoiceSnapshot = z.infer<typeof InvoiceSnapshot>

export const CustomerSnapshot = z.object({
  customer: z.object({
    id: z.string(),
    email: nullableString,
    name: nullableString,
    phone: nullableString,
    description: nullableString,
    created: unixSeconds,
    address: AddressSnapshot.nullable(),
    metadata: z.record(z.string(), z.string()),
    delinquent: z.boolean().nullable(),
    livemode: z.boolean(),
  }),
  subscriptions: z.array(SubscriptionSnapshot),
  defaultPaymentMethod: PaymentMethodSnapshot.nullable(),
  charges: z.array(ChargeSnapshot),
  invoices: z.array(InvoiceSnapshot),
  /** Latest activity we know of (app event, login, Stripe event), unix seconds. */
  lastActivityAt: unixSeconds.nullable(),
})
export type CustomerSnapshot = z.infer<typeof CustomerSnapshot>
