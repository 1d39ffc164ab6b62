// Orchestration for one customer's traits: load the synced Stripe rows → snapshotFromStripe →
// computeTraits (shared, pure) → upsert `customer_traits`. Every query is scoped to account + mode.
import type { Scope } from '../kernel/scope'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
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
  scope: Scope,
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

const byIds = (db: Db, table: ObjectTable, scope: Scope, ids: Iterable<string>) => {
  const list = [...new Set(ids)]
  return list.length === 0
    ? Promise.resolve([])
    : selectData(db, table, scope, inArray(table.id, list))
}

type CustomerTable =
  | typeof stripeSubscriptions
  | typeof stripeDiscounts
  | typeof stripePaymentMethods
  | typeof stripeCharges
  | typeof stripeInvoices

/** Rows of several customers in one query, grouped by customer. */
async function byCustomer<T>(
  db: Db,
  table: CustomerTable,
  scope: Scope,
  customerIds: string[]
): Promise<Map<string, T[]>> {
  const rows = await db
    .select({ customerId: table.customerId, data: table.data })
    .from(table)
    .where(
      and(
        eq(table.accountId, scope.accountId),
        eq(table.livemode, scope.livemode),
        isNull(table.deletedAt),
        inArray(table.customerId, customerIds)
      )
    )
  const grouped = new Map<string, T[]>()
  for (const row of rows) {
    const list = grouped.get(row.customerId!) ?? []
    list.push(row.data as T)
    grouped.set(row.customerId!, list)
  }
  return grouped
}

/** Everything synced about one customer, or null when it isn't synced (or was deleted). */
export async function loadStripeCustomerData(
  db: Db,
  scope: Scope,
  customerId: string
): Promise<StripeCustomerData | null> {
  return (await loadStripeCustomersData(db, scope, [customerId])).get(customerId) ?? null
}

/**
 * Everything synced about several customers, with one query per table whatever their number
 * (a refresh is dominated by round trips). Customers not synced (or deleted) are absent.
 */
export async function loadStripeCustomersData(
  db: Db,
  scope: Scope,
  customerIds: readonly string[]
): Promise<Map<string, StripeCustomerData>> {
  const ids = [...new Set(customerIds)]
  if (ids.length === 0) return new Map()
  const customers = await selectData<Stripe.Customer>(
    db,
    stripeCustomers,
    scope,
    inArray(stripeCustomers.id, ids)
  )
  if (customers.length === 0) return new Map()
  const present = customers.map((c) => c.id)
  const [subscriptions, discounts, paymentMethods, charges, invoices] = await Promise.all([
    byCustomer<Stripe.Subscription>(db, stripeSubscriptions, scope, present),
    byCustomer<Stripe.Discount>(db, stripeDiscounts, scope, present),
    byCustomer<Stripe.PaymentMethod>(db, stripePaymentMethods, scope, present),
    byCustomer<Stripe.Charge>(db, stripeCharges, scope, present),
    byCustomer<Stripe.Invoice>(db, stripeInvoices, scope, present),
  ])
  const withAllItems = await addMissingItems(db, scope, [...subscriptions.values()].flat())
  const items = withAllItems.flatMap((s) => s.items.data)
  const productIds = items
    .map((i) => idOf(i.price.product))
    .filter((id): id is string => id !== null)
  const couponIds = [
    ...[...discounts.values()].flat(),
    ...withAllItems.flatMap((s) => [...s.discounts, ...s.items.data.flatMap((i) => i.discounts)]),
  ]
    .map((d) => (typeof d === 'string' ? null : idOf(d.source?.coupon)))
    .filter((id): id is string => id !== null)
  const [prices, products, coupons] = await Promise.all([
    byIds(
      db,
      stripePrices,
      scope,
      items.map((i) => i.price.id)
    ),
    byIds(db, stripeProducts, scope, productIds),
    byIds(db, stripeCoupons, scope, couponIds),
  ])
  const subscriptionsOf = new Map<string, Stripe.Subscription[]>()
  for (const sub of withAllItems) {
    const owner = idOf(sub.customer)
    if (owner) subscriptionsOf.set(owner, [...(subscriptionsOf.get(owner) ?? []), sub])
  }
  // Prices, products and coupons are looked up by id, so each customer gets the batch's lists.
  return new Map(
    customers.map((customer) => [
      customer.id,
      {
        customer,
        subscriptions: subscriptionsOf.get(customer.id) ?? [],
        prices: prices as Stripe.Price[],
        products: products as Stripe.Product[],
        coupons: coupons as Stripe.Coupon[],
        discounts: discounts.get(customer.id) ?? [],
        paymentMethods: paymentMethods.get(customer.id) ?? [],
        charges: charges.get(customer.id) ?? [],
        invoices: invoices.get(customer.id) ?? [],
      },
    ])
  )
}

/**
 * Subscriptions embed their first page of items; the events that update a subscription carry
 * them too, so embedded items are the freshest. Only when Stripe said `has_more` do we add the
 * synced item rows the embedded page lacks.
 */
async function addMissingItems(
  db: Db,
  scope: Scope,
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
 * the customer is no longer synced.
 */
export async function refreshCustomerTraits(
  deps: TraitsDeps,
  scope: Scope,
  customerId: string,
  options: ComputeTraitsOptions = {}
): Promise<Traits | null> {
  return (await refreshCustomersTraits(deps, scope, [customerId], options)).get(customerId) ?? null
}

/**
 * Recomputes and stores several customers' traits in a fixed number of queries; returns each
 * one's traits, or null (row removed) when the customer is no longer synced.
 * `last_activity_at` is kept as it was and fed into the traits.
 */
export async function refreshCustomersTraits(
  deps: TraitsDeps,
  scope: Scope,
  customerIds: readonly string[],
  options: ComputeTraitsOptions = {}
): Promise<Map<string, Traits | null>> {
  const { db } = deps
  const ids = [...new Set(customerIds)]
  const result = new Map<string, Traits | null>()
  if (ids.length === 0) return result
  const ofThese = and(
    eq(customerTraits.accountId, scope.accountId),
    eq(customerTraits.livemode, scope.livemode),
    inArray(customerTraits.customerId, ids)
  )
  const [data, existingRows] = await Promise.all([
    loadStripeCustomersData(db, scope, ids),
    db
      .select({
        customerId: customerTraits.customerId,
        lastActivityAt: customerTraits.lastActivityAt,
        traits: customerTraits.traits,
      })
      .from(customerTraits)
      .where(ofThese),
  ])
  const existing = new Map(existingRows.map((r) => [r.customerId, r]))
  const now = deps.now()
  const gone: string[] = []
  const changed: Array<{ customerId: string; traits: Traits }> = []
  for (const id of ids) {
    const customer = data.get(id)
    const held = existing.get(id)
    if (!customer) {
      result.set(id, null)
      if (held) gone.push(id)
      continue
    }
    const lastActivity = held?.lastActivityAt
    const traits = computeTraits(
      snapshotFromStripe({
        ...customer,
        lastActivityAt: lastActivity ? Math.floor(lastActivity.getTime() / 1000) : null,
      }),
      now,
      options
    )
    result.set(id, traits)
    // Most events change nothing a trait shows (an invoice finalized, metadata rewritten as it
    // was): then there is nothing to write (no WAL flush).
    if (!held || !sameTraits(held.traits as Traits, traits))
      changed.push({ customerId: id, traits })
  }
  if (gone.length > 0)
    await db
      .delete(customerTraits)
      .where(
        and(
          eq(customerTraits.accountId, scope.accountId),
          eq(customerTraits.livemode, scope.livemode),
          inArray(customerTraits.customerId, gone)
        )
      )
  if (changed.length > 0)
    await db
      .insert(customerTraits)
      .values(changed.map((c) => ({ ...scope, ...c, computedAt: now })))
      .onConflictDoUpdate({
        target: [customerTraits.accountId, customerTraits.livemode, customerTraits.customerId],
        set: { traits: sql`excluded.traits`, computedAt: sql`excluded.computed_at` },
      })
  return result
}

/** Flat objects of primitives, compared regardless of key order (jsonb reorders keys). */
function sameTraits(a: Traits, b: Traits): boolean {
  const keys = Object.keys(b)
  if (Object.keys(a).length !== keys.length) return false
  return keys.every((k) => Object.prototype.hasOwnProperty.call(a, k) && a[k] === b[k])
}
