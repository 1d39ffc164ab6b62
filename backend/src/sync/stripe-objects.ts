// Which table holds each Stripe object type, its key columns, and how to fetch it again.
import type Stripe from 'stripe'
import type { PgTable } from 'drizzle-orm/pg-core'
import {
  stripeCharges,
  stripeCoupons,
  stripeCustomers,
  stripeDiscounts,
  stripeInvoicePayments,
  stripeInvoices,
  stripePaymentMethods,
  stripePrices,
  stripeProducts,
  stripePromotionCodes,
  stripeSubscriptionItems,
  stripeSubscriptions,
} from '../db/schema'

export type StripeObject = { id: string; object: string; created?: number; [key: string]: unknown }

export type ObjectSpec = {
  table: PgTable
  /** Key columns besides the common ones, from the object. */
  columns(o: StripeObject): Record<string, string | null>
  /** Fetches the current object; undefined where Stripe cannot retrieve by id (discounts). */
  retrieve?(stripe: Stripe, id: string): Promise<StripeObject>
  /** The customer a timeline entry goes to. */
  customerId(o: StripeObject): string | null
}

/** An expandable field's id, whether Stripe sent the id or the object. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object' && 'id' in value) return String(value.id)
  return null
}

const asObject = (p: Promise<unknown>) => p as Promise<StripeObject>

export const objectSpecs: Record<string, ObjectSpec> = {
  customer: {
    table: stripeCustomers,
    columns: (o) => ({ email: (o.email as string) ?? null, name: (o.name as string) ?? null }),
    retrieve: (s, id) => asObject(s.customers.retrieve(id)),
    customerId: (o) => o.id,
  },
  subscription: {
    table: stripeSubscriptions,
    columns: (o) => ({ customerId: idOf(o.customer), status: (o.status as string) ?? null }),
    retrieve: (s, id) => asObject(s.subscriptions.retrieve(id)),
    customerId: (o) => idOf(o.customer),
  },
  subscription_item: {
    table: stripeSubscriptionItems,
    columns: (o) => ({ subscriptionId: idOf(o.subscription), priceId: idOf(o.price) }),
    retrieve: (s, id) => asObject(s.subscriptionItems.retrieve(id)),
    customerId: () => null,
  },
  price: {
    table: stripePrices,
    columns: (o) => ({ productId: idOf(o.product) }),
    retrieve: (s, id) => asObject(s.prices.retrieve(id, { expand: ['tiers'] })),
    customerId: () => null,
  },
  product: {
    table: stripeProducts,
    columns: () => ({}),
    retrieve: (s, id) => asObject(s.products.retrieve(id)),
    customerId: () => null,
  },
  coupon: {
    table: stripeCoupons,
    columns: () => ({}),
    retrieve: (s, id) => asObject(s.coupons.retrieve(id)),
    customerId: () => null,
  },
  promotion_code: {
    table: stripePromotionCodes,
    columns: (o) => ({
      couponId: idOf((o.promotion as { coupon?: unknown } | undefined)?.coupon ?? o.coupon),
      code: (o.code as string) ?? null,
    }),
    retrieve: (s, id) => asObject(s.promotionCodes.retrieve(id)),
    customerId: (o) => idOf(o.customer),
  },
  discount: {
    table: stripeDiscounts,
    columns: (o) => ({
      customerId: idOf(o.customer),
      subscriptionId: idOf(o.subscription),
      couponId: idOf((o.source as { coupon?: unknown } | undefined)?.coupon),
    }),
    customerId: (o) => idOf(o.customer),
  },
  invoice: {
    table: stripeInvoices,
    columns: (o) => ({
      customerId: idOf(o.customer),
      subscriptionId: idOf(
        (o.parent as { subscription_details?: { subscription?: unknown } } | null)
          ?.subscription_details?.subscription
      ),
      status: (o.status as string) ?? null,
    }),
    retrieve: (s, id) => asObject(s.invoices.retrieve(id)),
    customerId: (o) => idOf(o.customer),
  },
  invoice_payment: {
    table: stripeInvoicePayments,
    columns: (o) => ({ invoiceId: idOf(o.invoice) }),
    retrieve: (s, id) => asObject(s.invoicePayments.retrieve(id)),
    customerId: () => null,
  },
  charge: {
    table: stripeCharges,
    columns: (o) => ({ customerId: idOf(o.customer), status: (o.status as string) ?? null }),
    retrieve: (s, id) => asObject(s.charges.retrieve(id)),
    customerId: (o) => idOf(o.customer),
  },
  payment_method: {
    table: stripePaymentMethods,
    columns: (o) => ({ customerId: idOf(o.customer), type: (o.type as string) ?? null }),
    retrieve: (s, id) => asObject(s.paymentMethods.retrieve(id)),
    customerId: (o) => idOf(o.customer),
  },
}

export const syncedObjectTypes = Object.keys(objectSpecs)
