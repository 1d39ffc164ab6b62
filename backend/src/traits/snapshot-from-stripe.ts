// Stripe objects → our CustomerSnapshot (shared/src/traits/snapshot.ts). Pure: the caller loads
// the customer, its subscriptions and whatever synced objects it has, and this joins them.
// Stripe shapes as of stripe@23 / 2026-10-28.endive (docs/stripe-api-notes.md §1):
// - periods live on subscription items, not the subscription;
// - `discounts` are arrays of ids or Discount objects, `discount.source.coupon` an id or Coupon;
// - `*_decimal` fields are Stripe.Decimal objects in API responses but plain strings in webhook
//   payloads, so they go through String();
// - expandable fields (product, default_payment_method, coupon) are an id or the object: objects
//   win, ids are looked up in the synced lists passed in.
import type Stripe from 'stripe'
import type {
  ChargeSnapshot,
  CouponSnapshot,
  CustomerSnapshot,
  DiscountSnapshot,
  InvoiceSnapshot,
  PaymentMethodSnapshot,
  PriceSnapshot,
  SubscriptionItemSnapshot,
  SubscriptionSnapshot,
} from '@holdfast/shared/traits/snapshot'
import { LIVE_SUBSCRIPTION_STATUSES } from '@holdfast/shared/traits/compute-traits'

export type StripeCustomerData = {
  customer: Stripe.Customer
  subscriptions: readonly Stripe.Subscription[]
  /** Synced prices: tiers are only here (sub items embed prices without tiers). */
  prices?: readonly Stripe.Price[]
  products?: readonly Stripe.Product[]
  coupons?: readonly Stripe.Coupon[]
  /** Discounts referenced by id from subscriptions and items. */
  discounts?: readonly Stripe.Discount[]
  paymentMethods?: readonly Stripe.PaymentMethod[]
  charges?: readonly Stripe.Charge[]
  invoices?: readonly Stripe.Invoice[]
  lastActivityAt?: number | null
}

type Lookups = {
  prices: Map<string, Stripe.Price>
  products: Map<string, Stripe.Product>
  coupons: Map<string, Stripe.Coupon>
  discounts: Map<string, Stripe.Discount>
  paymentMethods: Map<string, Stripe.PaymentMethod>
}

const byId = <T extends { id: string }>(list: readonly T[] = []) =>
  new Map(list.map((x) => [x.id, x]))

/** Decimal object (API response), string (webhook payload) or nothing → string or null. */
export function decimalToString(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value)
}

const idOf = (value: string | { id: string } | null | undefined) =>
  value == null ? null : typeof value === 'string' ? value : value.id

export function snapshotFromStripe(data: StripeCustomerData): CustomerSnapshot {
  const lookups: Lookups = {
    prices: byId(data.prices),
    products: byId(data.products),
    coupons: byId(data.coupons),
    discounts: byId(data.discounts),
    paymentMethods: byId(data.paymentMethods),
  }
  const c = data.customer
  return {
    customer: {
      id: c.id,
      email: c.email ?? null,
      name: c.name ?? null,
      phone: c.phone ?? null,
      description: c.description ?? null,
      created: c.created,
      address: c.address
        ? {
            line1: c.address.line1 ?? null,
            line2: c.address.line2 ?? null,
            city: c.address.city ?? null,
            state: c.address.state ?? null,
            postalCode: c.address.postal_code ?? null,
            country: c.address.country ?? null,
          }
        : null,
      metadata: { ...c.metadata },
      delinquent: c.delinquent ?? null,
      livemode: c.livemode,
    },
    subscriptions: data.subscriptions.map((s) => mapSubscription(s, lookups)),
    defaultPaymentMethod: mapDefaultPaymentMethod(c, data.subscriptions, lookups),
    charges: (data.charges ?? []).map(mapCharge),
    invoices: (data.invoices ?? []).map(mapInvoice),
    lastActivityAt: data.lastActivityAt ?? null,
  }
}

function mapSubscription(s: Stripe.Subscription, lookups: Lookups): SubscriptionSnapshot {
  return {
    id: s.id,
    status: s.status,
    currency: s.currency.toLowerCase(),
    created: s.created,
    startDate: s.start_date,
    trialStart: s.trial_start ?? null,
    trialEnd: s.trial_end ?? null,
    canceledAt: s.canceled_at ?? null,
    cancelAtPeriodEnd: s.cancel_at_period_end,
    cancelAt: s.cancel_at ?? null,
    endedAt: s.ended_at ?? null,
    pauseCollection: s.pause_collection
      ? { behavior: s.pause_collection.behavior, resumesAt: s.pause_collection.resumes_at ?? null }
      : null,
    discounts: mapDiscounts(s.discounts, lookups),
    items: s.items.data.map((item) => mapItem(item, lookups)),
    metadata: { ...s.metadata },
  }
}

function mapItem(item: Stripe.SubscriptionItem, lookups: Lookups): SubscriptionItemSnapshot {
  return {
    id: item.id,
    quantity: item.quantity ?? null,
    currentPeriodStart: item.current_period_start,
    currentPeriodEnd: item.current_period_end,
    price: mapPrice(item.price, lookups),
    discounts: mapDiscounts(item.discounts, lookups),
  }
}

export function mapPrice(
  embedded: Stripe.Price,
  lookups: Pick<Lookups, 'prices' | 'products'>
): PriceSnapshot {
  // The synced copy may carry expanded tiers the embedded one lacks.
  const synced = lookups.prices.get(embedded.id)
  const tiers = embedded.tiers ?? synced?.tiers ?? null
  const product = embedded.product
  const productId = idOf(product)
  const productObject =
    typeof product === 'object' && product !== null && !product.deleted
      ? product
      : productId
        ? lookups.products.get(productId)
        : undefined
  const recurring = embedded.recurring
  return {
    id: embedded.id,
    nickname: embedded.nickname ?? null,
    productId,
    productName: productObject?.name ?? null,
    currency: embedded.currency.toLowerCase(),
    unitAmount: embedded.unit_amount ?? null,
    unitAmountDecimal: decimalToString(embedded.unit_amount_decimal),
    billingScheme: embedded.billing_scheme,
    tiersMode: embedded.tiers_mode ?? null,
    tiers: tiers
      ? tiers.map((t) => ({
          upTo: t.up_to ?? null,
          unitAmount: t.unit_amount ?? null,
          unitAmountDecimal: decimalToString(t.unit_amount_decimal),
          flatAmount: t.flat_amount ?? null,
          flatAmountDecimal: decimalToString(t.flat_amount_decimal),
        }))
      : null,
    transformQuantity: embedded.transform_quantity
      ? {
          divideBy: embedded.transform_quantity.divide_by,
          round: embedded.transform_quantity.round,
        }
      : null,
    recurring: recurring
      ? {
          interval: recurring.interval,
          intervalCount: recurring.interval_count ?? 1,
          usageType: recurring.usage_type ?? 'licensed',
          meter: recurring.meter ?? null,
        }
      : null,
  }
}

/** Ids we can't resolve are dropped: without the Discount we know neither start nor coupon. */
function mapDiscounts(
  discounts: ReadonlyArray<string | Stripe.Discount> | null | undefined,
  lookups: Lookups
): DiscountSnapshot[] {
  const result: DiscountSnapshot[] = []
  for (const entry of discounts ?? []) {
    const discount = typeof entry === 'string' ? lookups.discounts.get(entry) : entry
    if (discount) result.push(mapDiscount(discount, lookups))
  }
  return result
}

export function mapDiscount(
  d: Stripe.Discount,
  lookups: Pick<Lookups, 'coupons'>
): DiscountSnapshot {
  const source = d.source?.coupon
  const coupon = typeof source === 'string' ? lookups.coupons.get(source) : (source ?? undefined)
  return { id: d.id, start: d.start, end: d.end ?? null, coupon: coupon ? mapCoupon(coupon) : null }
}

export function mapCoupon(c: Stripe.Coupon): CouponSnapshot {
  const amountOffByCurrency: Record<string, number> = {}
  for (const [currency, option] of Object.entries(c.currency_options ?? {})) {
    if (option?.amount_off != null) amountOffByCurrency[currency.toLowerCase()] = option.amount_off
  }
  return {
    id: c.id,
    name: c.name ?? null,
    percentOff: c.percent_off ?? null,
    amountOff: c.amount_off ?? null,
    currency: c.currency?.toLowerCase() ?? null,
    amountOffByCurrency,
    duration: c.duration,
    durationInMonths: c.duration_in_months ?? null,
  }
}

/**
 * The customer's invoice default payment method, else that of their newest live subscription
 * (a sub's own default wins over the customer's when Stripe charges it).
 */
function mapDefaultPaymentMethod(
  customer: Stripe.Customer,
  subscriptions: readonly Stripe.Subscription[],
  lookups: Lookups
): PaymentMethodSnapshot | null {
  const resolve = (v: string | Stripe.PaymentMethod | null | undefined) =>
    v == null ? undefined : typeof v === 'string' ? lookups.paymentMethods.get(v) : v
  const live = [...subscriptions]
    .filter((s) => LIVE_SUBSCRIPTION_STATUSES.includes(s.status))
    .sort((a, b) => b.created - a.created)
  const pm =
    resolve(customer.invoice_settings?.default_payment_method) ??
    live.map((s) => resolve(s.default_payment_method)).find((x) => x !== undefined)
  return pm ? mapPaymentMethod(pm) : null
}

export function mapPaymentMethod(pm: Stripe.PaymentMethod): PaymentMethodSnapshot {
  const card = pm.card
  return {
    id: pm.id,
    type: pm.type,
    card: card
      ? {
          brand: card.brand ?? null,
          country: card.country ?? null,
          expMonth: card.exp_month ?? null,
          expYear: card.exp_year ?? null,
          last4: card.last4 ?? null,
          wallet: card.wallet?.type ?? null,
        }
      : null,
  }
}

export function mapCharge(ch: Stripe.Charge): ChargeSnapshot {
  return {
    id: ch.id,
    amount: ch.amount,
    amountRefunded: ch.amount_refunded ?? 0,
    currency: ch.currency.toLowerCase(),
    created: ch.created,
    status: ch.status,
    paid: ch.paid,
    description: ch.description ?? null,
  }
}

export function mapInvoice(inv: Stripe.Invoice): InvoiceSnapshot {
  return {
    id: inv.id,
    number: inv.number ?? null,
    status: inv.status ?? null,
    currency: inv.currency.toLowerCase(),
    amountPaid: inv.amount_paid,
    amountPaidOffStripe: inv.amount_paid_off_stripe ?? 0,
    paidAt: inv.status_transitions?.paid_at ?? null,
    description: inv.description ?? null,
  }
}
