// Arranging state for retention-action tests: a merchant installed through OAuth, a catalogue,
// a paying customer and a subscription at the emulator, synced into our database by webhooks.
import { and, eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import {
  actionRuns,
  customerTraits,
  segmentMemberships,
  segments,
  stripeSubscriptions,
  syncRuns,
} from '../../backend/src/db/schema'
import type { Harness } from '../support/harness'
import { extensionHeaders, type Merchant as Signer } from '../support/signing'
import { waitFor } from '../support/wait'

export type Merchant = {
  accountId: string
  mode: 'test' | 'live'
  livemode: boolean
  userId?: string
}

export type Arranged = {
  m: Merchant
  stripe: Stripe
  product: Stripe.Product
  price: Stripe.Price
  bigger: Stripe.Price
  customer: Stripe.Customer
  sub: Stripe.Subscription
}

export async function arrange(
  h: Harness,
  options: {
    mode?: 'test' | 'live'
    accountId?: string
    trialDays?: number
    quantity?: number
    card?: string
  } = {}
): Promise<Arranged> {
  const installed = await h.installMerchant({ mode: options.mode, accountId: options.accountId })
  const m: Merchant = { ...installed, mode: installed.mode ?? 'test' }
  // Let the install's import finish first: a row it writes is not refreshed into traits, and the
  // webhook for the same state is then stale, so traits could lag behind (see the report).
  await waitFor(
    async () => {
      const runs = await h
        .db()
        .select({ state: syncRuns.state })
        .from(syncRuns)
        .where(and(eq(syncRuns.accountId, m.accountId), eq(syncRuns.livemode, m.livemode)))
      return runs.length > 0 && runs.every((r) => r.state === 'done' || r.state === 'failed')
    },
    { what: 'the initial import' }
  )
  const stripe = h.stripeAs(m.accountId, m.mode)
  const product = await stripe.products.create({ name: 'Pro' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 2000,
    recurring: { interval: 'month' },
  })
  const bigger = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 5000,
    recurring: { interval: 'month' },
  })
  const card = options.card ?? 'pm_card_visa'
  const customer = await stripe.customers.create({
    email: 'saved@example.com',
    payment_method: card,
    invoice_settings: { default_payment_method: card },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id, quantity: options.quantity ?? 1 }],
    ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
  })
  const expected = options.trialDays ? 'trialing' : 'active'
  await waitForLocal(h, m, sub.id, (s) => s.status === expected, `${sub.id} ${expected} locally`)
  // Traits and segment memberships are refreshed together, after the row: wait for both.
  await waitFor(
    async () => (await traitsOf(h, m, customer.id))?.['subscription.status'] === expected,
    { what: `traits of ${customer.id} with a ${expected} subscription` }
  )
  return { m, stripe, product, price, bigger, customer, sub }
}

export function emulatorSub(h: Harness, m: Merchant, id: string): Stripe.Subscription {
  const sub = h.emulator!.account(m.accountId, m.mode).subscriptions.get(id)
  if (!sub) throw new Error(`no ${id} at the emulator`)
  return sub
}

export async function localSub(h: Harness, m: Merchant, id: string) {
  const [row] = await h
    .db()
    .select()
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.accountId, m.accountId),
        eq(stripeSubscriptions.livemode, m.livemode),
        eq(stripeSubscriptions.id, id)
      )
    )
  return row ? (row.data as Stripe.Subscription) : undefined
}

export async function waitForLocal(
  h: Harness,
  m: Merchant,
  id: string,
  check: (s: Stripe.Subscription) => boolean,
  what: string
) {
  await waitFor(
    async () => {
      const s = await localSub(h, m, id)
      return !!s && check(s)
    },
    { what }
  )
}

export async function traitsOf(h: Harness, m: Merchant, customerId: string) {
  const [row] = await h
    .db()
    .select({ traits: customerTraits.traits })
    .from(customerTraits)
    .where(
      and(
        eq(customerTraits.accountId, m.accountId),
        eq(customerTraits.livemode, m.livemode),
        eq(customerTraits.customerId, customerId)
      )
    )
  return (row?.traits as Record<string, unknown> | undefined) ?? null
}

export async function runsOf(h: Harness, m: Merchant) {
  return h
    .db()
    .select()
    .from(actionRuns)
    .where(and(eq(actionRuns.accountId, m.accountId), eq(actionRuns.livemode, m.livemode)))
}

/** A signed POST with extra headers (Idempotency-Key), as the Stripe App sends it. */
export function postWithHeaders(
  h: Harness,
  m: Signer,
  path: string,
  body: unknown,
  headers: Record<string, string>
) {
  return h.request(path, {
    method: 'POST',
    body,
    headers: {
      ...extensionHeaders(m, undefined, Math.floor(h.deps.now().getTime() / 1000)),
      ...headers,
    },
  })
}

/** Any signed request (PATCH, DELETE…). */
export function send(h: Harness, m: Signer, method: string, path: string, body?: unknown) {
  return h.request(path, {
    method,
    body,
    headers: extensionHeaders(m, undefined, Math.floor(h.deps.now().getTime() / 1000)),
  })
}

/** The exact form params Stripe received under this idempotency key (the action run id). */
export function sentToStripe(h: Harness, m: Merchant, idempotencyKey: string) {
  const saved = h.emulator!.account(m.accountId, m.mode).sentWithKey.get(idempotencyKey)
  if (!saved) return undefined
  const [method, path, params] = JSON.parse(saved) as [string, string, unknown]
  return { method, path, params }
}

export function endpointCount(h: Harness, endpoint: string): number {
  return h.emulator!.counters().byEndpoint[endpoint] ?? 0
}

/** Keys of the predefined segments the customer is in now. */
export async function segmentKeysOf(h: Harness, m: Merchant, customerId: string) {
  const rows = await h
    .db()
    .select({ key: segments.predefinedKey })
    .from(segmentMemberships)
    .innerJoin(segments, eq(segments.id, segmentMemberships.segmentId))
    .where(
      and(
        eq(segmentMemberships.accountId, m.accountId),
        eq(segmentMemberships.livemode, m.livemode),
        eq(segmentMemberships.customerId, customerId)
      )
    )
  return rows.map((r) => r.key).sort()
}
