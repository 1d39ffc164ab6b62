// Our copy of a merchant's Stripe objects beside the emulator's, object for object: the sync
// tests assert on it, and npm run chaos counts what differs (so nothing here imports vitest).
import type { Scope } from '../../backend/src/kernel/scope'
import { getTableName, sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../../backend/src/db/client'
import { objectSpecs } from '../../backend/src/sync/stripe-objects'
import { renderObject, type Emulator } from '@holdfast/stripe-emulator'

/** Every object type's rows we hold (not deleted), id → data. */
export async function heldObjects(db: Db, scope: Scope, type: string) {
  const table = sql.identifier(getTableName(objectSpecs[type]!.table))
  const rows = rowsOf<{ id: string; data: unknown }>(
    await db.execute(sql`
      select id, data from ${table}
      where account_id = ${scope.accountId} and livemode = ${scope.livemode} and deleted_at is null`)
  )
  return new Map(
    rows.map((r) => [r.id, typeof r.data === 'string' ? JSON.parse(r.data) : r.data] as const)
  )
}

/** The emulator's objects in API shape, per our object type. */
export function emulatorObjects(em: Emulator, accountId: string, mode: 'test' | 'live') {
  const state = em.account(accountId, mode)
  const plain = (values: Iterable<unknown>) =>
    new Map(
      [...values].map((o) => {
        const copy = JSON.parse(JSON.stringify(o)) as { id: string }
        return [copy.id, copy] as const
      })
    )
  return {
    customer: plain(state.customers.values()),
    // As Stripe sends them: embedded items and lines cut to their first page.
    subscription: plain([...state.subscriptions.values()].map((s) => renderObject(state, s))),
    subscription_item: plain(state.subscriptionItems.values()),
    price: plain([...state.prices.values()].map((p) => renderObject(state, p, ['tiers']))),
    product: plain(state.products.values()),
    coupon: plain(state.coupons.values()),
    promotion_code: plain(state.promotionCodes.values()),
    // A deleted discount stays in the emulator's collection; at Stripe it is gone from its owner.
    discount: plain(
      [...state.discounts.values()].filter(
        (d) =>
          [...state.subscriptions.values()].some((s) => s.discounts.includes(d.id)) ||
          [...state.customers.values()].some((c) => c.discount?.id === d.id)
      )
    ),
    invoice: plain([...state.invoices.values()].map((i) => renderObject(state, i))),
    invoice_payment: plain(state.invoicePayments.values()),
    charge: plain(state.charges.values()),
    payment_method: plain(state.paymentMethods.values()),
  } as Record<string, Map<string, unknown>>
}

/**
 * Objects the import cannot see, which we hold only if a webhook brought them: payment methods
 * that are no customer's or subscription's default (Stripe has no account-wide list of those).
 */
export function unlistable(em: Emulator, accountId: string, mode: 'test' | 'live'): Set<string> {
  const state = em.account(accountId, mode)
  const defaults = new Set<string>()
  const add = (pm: unknown) => {
    const id = typeof pm === 'string' ? pm : (pm as { id?: string } | null)?.id
    if (id) defaults.add(id)
  }
  for (const c of state.customers.values()) add(c.invoice_settings?.default_payment_method)
  for (const s of state.subscriptions.values()) add(s.default_payment_method)
  return new Set(
    [...state.paymentMethods.values()].map((pm) => pm.id).filter((id) => !defaults.has(id))
  )
}

/** Equal as JSON, whatever the key order (jsonb reorders keys); undefined keys are absent. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])
    )
  }
  return v
}

export type MirrorDiff = {
  type: string
  /** Objects the emulator holds of this type. */
  expected: number
  missing: string[]
  extra: string[]
  differing: string[]
}

/** Every synced type's missing, extra and differing ids between our copy and the emulator. */
export async function compareMirror(
  db: Db,
  em: Emulator,
  accountId: string,
  mode: 'test' | 'live'
): Promise<MirrorDiff[]> {
  const scope: Scope = { accountId, livemode: mode === 'live' }
  const out: MirrorDiff[] = []
  const optional = unlistable(em, accountId, mode)
  for (const [type, objects] of Object.entries(emulatorObjects(em, accountId, mode))) {
    const held = await heldObjects(db, scope, type)
    out.push({
      type,
      expected: objects.size,
      missing: [...objects.keys()].filter((id) => !held.has(id) && !optional.has(id)),
      extra: [...held.keys()].filter((id) => !objects.has(id)),
      differing: [...objects.entries()]
        .filter(([id, o]) => held.has(id) && !isDeepEqual(held.get(id), o))
        .map(([id]) => id),
    })
  }
  return out
}
