// Orchestration for one customer's traits: load the synced Stripe rows → snapshotFromStripe →
// computeTraits (shared, pure) → upsert `customer_traits`. Every query is scoped to account + mode.
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Traits } from '@holdfast/shared/traits/catalog'
import { computeTraits, type ComputeTraitsOptions } from '@holdfast/shared/traits/compute-traits'
import type { Db } from '../db/client'
import {
  customerTraits,
  stripeCharges,
  stripeCoupons,
  stripeCustomers,
  stripeDiscounts,
  stripeInvoices,
  stripePaymentMethods,
  stripePrices,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
} from '../db/schema'
import { snapshotFromStripe, type StripeCustomerData } from './snapshot-from-stripe'

export type TraitsScope = { accountId: string; livemode: boolean }
export type TraitsDeps = { db: Db; now: () => Date }

type ObjectTable =
  | typeof stripeCustomers
  | typeof stripeSubscriptions
  | typeof stripeSubscriptionItems
  | typeof stripePrices
  | typeof stripeProducts
  | typeof stripeCoupons
  | typeof stripeDiscounts
  | typeof stripeInvoices
  | typeof stripeCharges
  | typeof stripePaymentMethods

const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String(v.id) : null

async function selectData<T>(
  db: Db,
  table: ObjectTable,
  scope: TraitsScope,
  where: ReturnType<typeof eq> | undefined
): Promise<T[]> {
  const rows = await db
    .select({ data: table.data })
    .from(table)
    .where(
      and(
        eq(table.accountId, scope.accountId),
        eq(table.livemode, scope.livemode),
        isNull(table.deletedAt),
        where
      )
    )
  return rows.map((r) => r.data as T)
}

const byIds = (db: Db, table: ObjectTable, scope: TraitsScope, ids: Iterable<string>) => {
  const list = [...new Set(ids)]
  return list.length === 0
    ? Promise.resolve([])
    : selectData(db, table, scope, inArray(table.id, list))
}

/** Everything synced about one customer, or null when it isn't synced (or was deleted). */
export async function loadStripeCustomerData(
  db: Db,
  scope: TraitsScope,
  customerId: string
): Promise<StripeCustomerData | null> {
  const [customer] = await selectData<Stripe.Customer>(
    db,
    stripeCustomers,
    scope,
    eq(stripeCustomers.id, customerId)
  )
  if (!customer) return null
  const [subscriptions, discounts, paymentMethods, charges, invoices] = await Promise.all([
    selectData<Stripe.Subscription>(
      db,
      stripeSubscriptions,
      scope,
      eq(stripeSubscriptions.customerId, customerId)
    ),
    selectData<Stripe.Discount>(
      db,
      stripeDiscounts,
      scope,
      eq(stripeDiscounts.customerId, customerId)
    ),
    selectData<Stripe.PaymentMethod>(
      db,
      stripePaymentMethods,
      scope,
      eq(stripePaymentMethods.customerId, customerId)
    ),
    selectData<Stripe.Charge>(db, stripeCharges, scope, eq(stripeCharges.customerId, customerId)),
    selectData<Stripe.Invoice>(
      db,
      stripeInvoices,
      scope,
      eq(stripeInvoices.customerId, customerId)
    ),
  ])
  const withAllItems = await addMissingItems(db, scope, subscriptions)
  const items = withAllItems.flatMap((s) => s.items.data)
  const prices = await byIds(
    db,
    stripePrices,
    scope,
    items.map((i) => i.price.id)
  )
  const productIds = items
    .map((i) => idOf(i.price.product))
    .filter((id): id is string => id !== null)
  const couponIds = [
    ...discounts,
    ...withAllItems.flatMap((s) => [...s.discounts, ...s.items.data.flatMap((i) => i.discounts)]),
  ]
    .map((d) => (typeof d === 'string' ? null : idOf(d.source?.coupon)))
    .filter((id): id is string => id !== null)
  const [products, coupons] = await Promise.all([
    byIds(db, stripeProducts, scope, productIds),
    byIds(db, stripeCoupons, scope, couponIds),
  ])
  return {
    customer,
    subscriptions: withAllItems,
    prices: prices as Stripe.Price[],
    products: products as Stripe.Product[],
    coupons: coupons as Stripe.Coupon[],
    discounts,
    paymentMethods,
    charges,
    invoices,
  }
}

/**
 * Subscriptions embed their first page of items; the events that update a subscription carry
 * them too, so embedded items are the freshest. Only when Stripe said `has_more` do we add the
 * synced item rows the embedded page lacks.
 */
async function addMissingItems(
  db: Db,
  scope: TraitsScope,
  subscriptions: Stripe.Subscription[]
): Promise<Stripe.Subscription[]> {
  const partial = subscriptions.filter((s) => s.items?.has_more)
  if (partial.length === 0) return subscriptions
  const rows = await selectData<Stripe.SubscriptionItem>(
    db,
    stripeSubscriptionItems,
    scope,
    inArray(
      stripeSubscriptionItems.subscriptionId,
      partial.map((s) => s.id)
    )
  )
  return subscriptions.map((s) => {
    if (!s.items?.has_more) return s
    const seen = new Set(s.items.data.map((i) => i.id))
    const extra = rows.filter((i) => i.subscription === s.id && !seen.has(i.id))
    return { ...s, items: { ...s.items, data: [...s.items.data, ...extra] } }
  })
}

/**
 * Recomputes and stores one customer's traits; returns them, or null after removing the row when
 * the customer is no longer synced. `last_activity_at` is kept as it was and fed into the traits.
 */
export async function refreshCustomerTraits(
  deps: TraitsDeps,
  scope: TraitsScope,
  customerId: string,
  options: ComputeTraitsOptions = {}
): Promise<Traits | null> {
  const { db } = deps
  const key = and(
    eq(customerTraits.accountId, scope.accountId),
    eq(customerTraits.livemode, scope.livemode),
    eq(customerTraits.customerId, customerId)
  )
  const [data, [existing]] = await Promise.all([
    loadStripeCustomerData(db, scope, customerId),
    db
      .select({ lastActivityAt: customerTraits.lastActivityAt, traits: customerTraits.traits })
      .from(customerTraits)
      .where(key),
  ])
  if (!data) {
    await db.delete(customerTraits).where(key)
    return null
  }
  const lastActivity = existing?.lastActivityAt
  const now = deps.now()
  const traits = computeTraits(
    snapshotFromStripe({
      ...data,
      lastActivityAt: lastActivity ? Math.floor(lastActivity.getTime() / 1000) : null,
    }),
    now,
    options
  )
  // Most events change nothing a trait shows (an invoice finalized, metadata rewritten as it
  // was): then there is nothing to write, and the refresh stays read-only (no WAL flush).
  if (existing && sameTraits(existing.traits as Traits, traits)) return traits
  await db
    .insert(customerTraits)
    .values({ ...scope, customerId, traits, computedAt: now })
    .onConflictDoUpdate({
      target: [customerTraits.accountId, customerTraits.livemode, customerTraits.customerId],
      set: { traits, computedAt: now },
    })
  return traits
}

/** Flat objects of primitives, compared regardless of key order (jsonb reorders keys). */
function sameTraits(a: Traits, b: Traits): boolean {
  const keys = Object.keys(b)
  if (Object.keys(a).length !== keys.length) return false
  return keys.every((k) => Object.prototype.hasOwnProperty.call(a, k) && a[k] === b[k])
}
