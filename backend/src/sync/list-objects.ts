// What the import lists, one Stripe list endpoint per object type, and how each page is turned into
// rows: objects that ride inside others (subscription items, discounts, invoice payments, default
// payment methods) are taken out, and paged further where Stripe's embedded list stopped (items
// past 10, payments).
import type Stripe from 'stripe'
import { idOf, type StripeObject } from './stripe-objects'

export const listTypes = [
  'product',
  'price',
  'coupon',
  'promotion_code',
  'customer',
  'subscription',
  'invoice',
  'charge',
] as const
export type ListType = (typeof listTypes)[number]

export type ListParams = {
  limit: number
  starting_after?: string
  created?: { gte?: number; lt?: number }
}
export type ListPage = { data: StripeObject[]; hasMore: boolean }
/** Rows per object type, ready for upsertObjects. */
export type Rows = Map<string, StripeObject[]>
/** Runs one more Stripe request (through the limiter and retries). */
export type Fetch = <T>(endpoint: string, fn: (stripe: Stripe) => Promise<T>) => Promise<T>

export type ListSpec = {
  type: ListType
  endpoint: string
  /** Object types this list writes: itself and what rides inside its objects. */
  writes: string[]
  /** Expected size relative to customers: claim order and the first priority estimate. */
  weight: number
  list(stripe: Stripe, params: ListParams): Promise<ListPage>
  /** The page as rows per type (the listed objects under their own type, always). */
  split?(objects: StripeObject[], fetch: Fetch): Promise<Rows>
}

const page = (p: Promise<{ data: unknown[]; has_more: boolean }>): Promise<ListPage> =>
  p.then((r) => ({ data: r.data as StripeObject[], hasMore: r.has_more }))

export const listSpecs: Record<ListType, ListSpec> = {
  product: {
    type: 'product',
    endpoint: 'GET /v1/products',
    writes: ['product'],
    weight: 0.01,
    list: (s, p) => page(s.products.list(p)),
  },
  price: {
    type: 'price',
    endpoint: 'GET /v1/prices',
    writes: ['price'],
    weight: 0.01,
    list: (s, p) => page(s.prices.list({ ...p, expand: ['data.tiers'] })),
  },
  coupon: {
    type: 'coupon',
    endpoint: 'GET /v1/coupons',
    writes: ['coupon'],
    weight: 0.01,
    list: (s, p) => page(s.coupons.list(p)),
  },
  promotion_code: {
    type: 'promotion_code',
    endpoint: 'GET /v1/promotion_codes',
    writes: ['promotion_code'],
    weight: 0.01,
    list: (s, p) => page(s.promotionCodes.list(p)),
  },
  customer: {
    type: 'customer',
    endpoint: 'GET /v1/customers',
    writes: ['customer', 'discount', 'payment_method'],
    weight: 1,
    // The default card rides along: Stripe has no account-wide list of customers' payment methods.
    list: (s, p) =>
      page(s.customers.list({ ...p, expand: ['data.invoice_settings.default_payment_method'] })),
    async split(customers) {
      // A customer-level discount rides inside the customer.
      const discounts = customers
        .map((c) => c.discount)
        .filter((d): d is StripeObject => isObject(d) && typeof d.id === 'string')
      const paymentMethods: StripeObject[] = []
      for (const customer of customers) {
        const settings = customer.invoice_settings
        if (isObject(settings)) {
          const pm = takeExpanded(settings, 'default_payment_method')
          if (pm) paymentMethods.push(pm)
        }
      }
      return new Map([
        ['customer', customers],
        ['discount', discounts],
        ['payment_method', paymentMethods],
      ])
    },
  },
  subscription: {
    type: 'subscription',
    endpoint: 'GET /v1/subscriptions',
    writes: ['subscription', 'subscription_item', 'discount', 'payment_method'],
    weight: 0.9,
    list: (s, p) =>
      page(
        s.subscriptions.list({
          ...p,
          status: 'all',
          expand: ['data.discounts', 'data.default_payment_method'],
        })
      ),
    async split(subs, fetch) {
      const items: StripeObject[] = []
      const discounts: StripeObject[] = []
      const paymentMethods: StripeObject[] = []
      const stored: StripeObject[] = []
      for (const sub of subs) {
        const embedded = sub.items as { data?: StripeObject[]; has_more?: boolean } | undefined
        let subItems = embedded?.data ?? []
        if (embedded?.has_more) {
          subItems = await allPages(fetch, 'GET /v1/subscription_items', (s, after) =>
            s.subscriptionItems.list({ subscription: sub.id, limit: 100, starting_after: after })
          )
        }
        // (Freshly parsed objects, ours to change in place: no copies of big pages.)
        for (const item of subItems) {
          if (typeof item.subscription !== 'string')
            item.subscription = idOf(item.subscription) ?? sub.id
          items.push(item)
        }
        // Expanded to reach the discount objects; stored as ids, the shape webhooks carry.
        const list = Array.isArray(sub.discounts) ? (sub.discounts as unknown[]) : null
        if (list) {
          for (const d of list) if (isObject(d) && typeof d.id === 'string') discounts.push(d)
          sub.discounts = list.map((d) => idOf(d) ?? d)
        }
        const pm = takeExpanded(sub, 'default_payment_method')
        if (pm) paymentMethods.push(pm)
        stored.push(sub)
      }
      return new Map([
        ['subscription', stored],
        ['subscription_item', items],
        ['discount', discounts],
        ['payment_method', paymentMethods],
      ])
    },
  },
  invoice: {
    type: 'invoice',
    endpoint: 'GET /v1/invoices',
    writes: ['invoice', 'invoice_payment'],
    weight: 1.3,
    // Payments ride along (includable `payments`): no request of their own for most invoices.
    list: (s, p) => page(s.invoices.list({ ...p, expand: ['data.payments'] })),
    async split(invoices, fetch) {
      const payments: StripeObject[] = []
      const stored: StripeObject[] = []
      for (const invoice of invoices) {
        const embedded = invoice.payments as
          { data?: StripeObject[]; has_more?: boolean } | undefined
        // Stored without them, the shape webhooks carry.
        delete invoice.payments
        let list = embedded?.data ?? []
        if (embedded?.has_more) {
          list = await allPages(fetch, 'GET /v1/invoice_payments', (s, after) =>
            s.invoicePayments.list({ invoice: invoice.id, limit: 100, starting_after: after })
          )
        }
        payments.push(...list)
        stored.push(invoice)
      }
      return new Map([
        ['invoice', stored],
        ['invoice_payment', payments],
      ])
    },
  },
  charge: {
    type: 'charge',
    endpoint: 'GET /v1/charges',
    writes: ['charge'],
    weight: 1.2,
    list: (s, p) => page(s.charges.list(p)),
  },
}

/** Which list type brings each stored object type. */
export const parentListOf: Record<string, ListType> = {
  product: 'product',
  price: 'price',
  coupon: 'coupon',
  promotion_code: 'promotion_code',
  customer: 'customer',
  subscription: 'subscription',
  subscription_item: 'subscription',
  discount: 'subscription',
  invoice: 'invoice',
  invoice_payment: 'invoice',
  charge: 'charge',
  payment_method: 'customer',
}

/** Endpoint of a retrieve-by-id, for the limiter. */
export const retrieveEndpoint: Record<string, string> = {
  customer: 'GET /v1/customers/:id',
  subscription: 'GET /v1/subscriptions/:id',
  subscription_item: 'GET /v1/subscription_items/:id',
  price: 'GET /v1/prices/:id',
  product: 'GET /v1/products/:id',
  coupon: 'GET /v1/coupons/:id',
  promotion_code: 'GET /v1/promotion_codes/:id',
  invoice: 'GET /v1/invoices/:id',
  invoice_payment: 'GET /v1/invoice_payments/:id',
  charge: 'GET /v1/charges/:id',
  payment_method: 'GET /v1/payment_methods/:id',
}

export async function allPages(
  fetch: Fetch,
  endpoint: string,
  list: (
    stripe: Stripe,
    startingAfter: string | undefined
  ) => Promise<{ data: unknown[]; has_more: boolean }>
): Promise<StripeObject[]> {
  const out: StripeObject[] = []
  let after: string | undefined
  for (;;) {
    const p = await fetch(endpoint, (s) => list(s, after))
    const data = p.data as StripeObject[]
    out.push(...data)
    if (!p.has_more || data.length === 0) return out
    after = data[data.length - 1]!.id
  }
}

/**
 * An expanded object taken out of its owner, which keeps the id (the shape webhooks carry).
 * @see https://docs.stripe.com/api/payment_methods/list (customers' cards are not listed account-wide)
 */
function takeExpanded(owner: StripeObject, key: string): StripeObject | undefined {
  const value = owner[key]
  if (!isObject(value) || typeof value.id !== 'string') return undefined
  owner[key] = value.id
  return value
}

function isObject(v: unknown): v is StripeObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
