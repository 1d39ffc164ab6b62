// Turns stored objects into response JSON: a deep copy with `expand` paths resolved.
// Stored objects reference others by id, as Stripe returns them unexpanded.
import { EMBEDDED_PAGE } from './list'
import type { AccountState } from './state'

type Json = Record<string, unknown>

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

export function render(state: AccountState, obj: unknown, expand: readonly string[] = []): unknown {
  const copy = clone(obj)
  for (const path of expand) expandPath(state, copy, path.split('.'), 0)
  cutEmbeddedLists(copy)
  return copy
}

/**
 * Stored subscriptions and invoices hold all their items and lines; Stripe sends the first page
 * (10) with `has_more` and the `url` to page the rest (docs/stripe-rules.md §4). In place.
 */
export function cutEmbeddedLists(node: unknown): void {
  if (node === null || typeof node !== 'object') return
  if (Array.isArray(node)) {
    for (const x of node) cutEmbeddedLists(x)
    return
  }
  const obj = node as Json
  const key = obj.object === 'subscription' ? 'items' : obj.object === 'invoice' ? 'lines' : null
  const list = key ? (obj[key] as { object?: string; data?: unknown[]; has_more?: boolean }) : null
  if (list?.object === 'list' && Array.isArray(list.data) && list.data.length > EMBEDDED_PAGE) {
    list.data = list.data.slice(0, EMBEDDED_PAGE)
    list.has_more = true
  }
  for (const v of Object.values(obj)) if (v !== null && typeof v === 'object') cutEmbeddedLists(v)
}

function expandPath(state: AccountState, node: unknown, segments: string[], depth: number): void {
  if (depth >= segments.length || node === null || typeof node !== 'object') return
  if (Array.isArray(node)) {
    for (const item of node) expandPath(state, item, segments, depth)
    return
  }
  const obj = node as Json
  const key = segments[depth] as string
  const includable = includableField(state, obj, key)
  if (includable !== undefined) obj[key] = includable
  const value = obj[key]
  if (typeof value === 'string') obj[key] = resolve(state, key, value) ?? value
  else if (Array.isArray(value)) {
    obj[key] = value.map((v) => (typeof v === 'string' ? (resolve(state, key, v) ?? v) : v))
  }
  expandPath(state, obj[key], segments, depth + 1)
}

/** Fields Stripe omits unless expanded. */
function includableField(state: AccountState, obj: Json, key: string): unknown {
  if (obj.object === 'price' && key === 'tiers') {
    return clone(state.priceTiers.get(obj.id as string) ?? null) ?? undefined
  }
  if (obj.object === 'invoice' && key === 'payments') {
    const invoiceId = obj.id as string
    const data = state.invoicePayments.group('invoice', invoiceId).ordered()
    return {
      object: 'list',
      data: clone(data),
      has_more: false,
      url: `/v1/invoice_payments?invoice=${invoiceId}`,
    }
  }
  return undefined
}

function resolve(state: AccountState, key: string, id: string): unknown {
  const found = lookup(state, key, id)
  return found === undefined ? undefined : clone(found)
}

export function lookup(state: AccountState, key: string, id: string): unknown {
  if (key === 'coupon') return state.coupons.get(id)
  const prefix = id.slice(0, id.indexOf('_') + 1)
  switch (prefix) {
    case 'cus_':
      if (state.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true }
      return state.customers.get(id)
    case 'pm_':
      return state.paymentMethods.get(id)
    case 'in_':
      return state.invoices.get(id)
    case 'sub_':
      return state.subscriptions.get(id)
    case 'si_':
      return state.subscriptionItems.get(id)
    case 'di_':
      return state.discounts.get(id)
    case 'price_':
      return state.prices.get(id)
    case 'prod_':
      return state.products.get(id)
    case 'ch_':
      return state.charges.get(id)
    case 'promo_':
      return state.promotionCodes.get(id)
    case 'inpay_':
      return state.invoicePayments.get(id)
    default:
      return undefined
  }
}
