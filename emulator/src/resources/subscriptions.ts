// Subscriptions: create, update (items, prorations, trials, pauses, cancellation, discounts),
// cancel, pause/resume, list; subscription items; discounts attached to subscriptions.
import type Stripe from 'stripe'
import {
  buildInvoice,
  buildItem,
  finalize,
  finalizeAndPay,
  itemAmount,
  periodEndFor,
  periodLines,
  planFromPrice,
  subscriptionDiscounts,
  type LineInput,
  type PaymentOutcome,
} from '../billing'
import { route, type Ctx, type Route } from '../context'
import { invalidEnum, invalidParam, invalidRequest, missingParam, notFound } from '../errors'
import { previousAttributes } from '../events'
import { paginate } from '../list'
import {
  mergeMetadata,
  optBool,
  optEnum,
  optInt,
  optNullableObject,
  optNullableString,
  optObject,
  optObjectArray,
  optString,
  rangeFilter,
  reqString,
  type Params,
} from '../params'
import { clone } from '../render'
import type { AccountState } from '../state'
import { amountFor } from './prices'
import { must, pathId, respond } from './shared'

const DAY = 86_400
const ENDED = ['canceled', 'incomplete_expired']

export function findSubscription(
  state: AccountState,
  id: string,
  param = 'id'
): Stripe.Subscription {
  return must(state.subscriptions.get(id), 'subscription', id, param)
}

export function findPrice(state: AccountState, id: string, param: string): Stripe.Price {
  return must(state.prices.get(id), 'price', id, param)
}

export function buildDiscount(
  state: AccountState,
  input: {
    coupon: Stripe.Coupon
    customer: string
    subscription: string | null
    start: number
    promotionCode?: string | null
  }
): Stripe.Discount {
  const { coupon } = input
  const end =
    coupon.duration === 'repeating' && coupon.duration_in_months
      ? input.start + coupon.duration_in_months * 30 * DAY
      : null
  return {
    id: state.id('di'),
    object: 'discount',
    checkout_session: null,
    customer: input.customer,
    customer_account: null,
    end,
    invoice: null,
    invoice_item: null,
    promotion_code: input.promotionCode ?? null,
    source: { coupon: coupon.id, type: 'coupon' },
    start: input.start,
    subscription: input.subscription,
    subscription_item: null,
  }
}

export type SubscriptionInput = {
  customer: Stripe.Customer
  items: { price: Stripe.Price; quantity: number; metadata?: Stripe.Metadata }[]
  created: number
  status: Stripe.Subscription.Status
  /** Start of the current period (defaults to `created`). */
  periodStart?: number
  trialStart?: number | null
  trialEnd?: number | null
  collectionMethod?: Stripe.Subscription.CollectionMethod
  daysUntilDue?: number | null
  defaultPaymentMethod?: string | null
  metadata?: Stripe.Metadata
  description?: string | null
}

/** Builds a subscription and its items and stores both. Emits nothing. */
export function insertSubscription(
  state: AccountState,
  input: SubscriptionInput
): Stripe.Subscription {
  const id = state.id('sub')
  const first = input.items[0]
  if (!first) throw missingParam('items')
  const start = input.periodStart ?? input.created
  const trialing = input.trialEnd != null && input.status === 'trialing'
  const items = input.items.map((i) =>
    buildItem(state, {
      subscription: id,
      price: i.price,
      quantity: i.quantity,
      created: input.created,
      periodStart: trialing ? (input.trialStart ?? start) : start,
      periodEnd: trialing ? (input.trialEnd as number) : periodEndFor(i.price, start),
      metadata: i.metadata,
    })
  )
  const sub: Stripe.Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialing ? (input.trialEnd as number) : start,
    billing_cycle_anchor_config: null,
    billing_mode: {
      flexible: { proration_discounts: 'included' },
      type: 'flexible',
      updated_at: input.created,
    },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: input.collectionMethod ?? 'charge_automatically',
    created: input.created,
    currency: first.price.currency,
    customer: input.customer.id,
    customer_account: null,
    days_until_due: input.daysUntilDue ?? null,
    default_payment_method: input.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: {
      object: 'list',
      data: items,
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: state.livemode,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: input.created,
    status: input.status,
    test_clock: null,
    transfer_data: null,
    trial_end: input.trialEnd ?? null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
    },
    trial_start: input.trialEnd != null ? (input.trialStart ?? input.created) : null,
  }
  state.subscriptions.insert(sub)
  for (const item of items) state.subscriptionItems.insert(item)
  return sub
}

/** Resolves `discounts` params (`[{coupon}|{promotion_code}|{discount}]`) to discount objects. */
function resolveDiscounts(
  ctx: Ctx,
  sub: Stripe.Subscription,
  specs: Params[],
  param: string
): Stripe.Discount[] {
  const { state } = ctx
  return specs.map((spec, i) => {
    const existing = optString(spec, 'discount')
    if (existing) {
      const d = state.discounts.get(existing)
      if (!d || d.subscription !== sub.id)
        throw notFound('discount', existing, `${param}[${i}][discount]`)
      return d
    }
    const promoId = optString(spec, 'promotion_code')
    let couponId = optString(spec, 'coupon')
    if (promoId) {
      const promo = must(
        state.promotionCodes.get(promoId),
        'promotion_code',
        promoId,
        `${param}[${i}][promotion_code]`
      )
      if (!promo.active)
        throw invalidParam(`${param}[${i}][promotion_code]`, 'This promotion code is not active.')
      couponId = String(promo.promotion.coupon)
      promo.times_redeemed += 1
    }
    if (!couponId) throw missingParam(`${param}[${i}][coupon]`)
    const coupon = must(state.coupons.get(couponId), 'coupon', couponId, `${param}[${i}][coupon]`)
    if (!coupon.valid)
      throw invalidParam(`${param}[${i}][coupon]`, `Coupon ${couponId} is no longer valid.`)
    coupon.times_redeemed += 1
    const d = buildDiscount(state, {
      coupon,
      customer: String(sub.customer),
      subscription: sub.id,
      start: ctx.now,
      promotionCode: promoId ?? null,
    })
    state.discounts.insert(d)
    ctx.emit('customer.discount.created', d)
    return d
  })
}

function setDiscounts(ctx: Ctx, sub: Stripe.Subscription, p: Params): void {
  if (p.discounts === undefined) return
  if (p.discounts === '') {
    sub.discounts = []
    return
  }
  const specs = optObjectArray(p, 'discounts') ?? []
  if (specs.length === 0) return // [] leaves discounts unchanged
  sub.discounts = resolveDiscounts(ctx, sub, specs, 'discounts').map((d) => d.id)
}

function customerPaymentMethod(
  ctx: Ctx,
  customer: Stripe.Customer,
  id: string,
  param: string
): string {
  const pm = must(ctx.state.paymentMethods.get(id), 'PaymentMethod', id, param)
  if (pm.customer !== customer.id) {
    throw invalidParam(param, `The customer does not have a payment method with the ID ${id}.`)
  }
  return pm.id
}

function create(ctx: Ctx): unknown {
  const { state } = ctx
  const p = ctx.params
  const customerId = reqString(p, 'customer')
  const customer = must(state.customers.get(customerId), 'customer', customerId, 'customer')
  const itemSpecs = optObjectArray(p, 'items')
  if (!itemSpecs?.length) throw missingParam('items')
  const items = itemSpecs.map((spec, i) => {
    const price = findPrice(state, reqString(spec, 'price'), `items[${i}][price]`)
    if (!price.recurring) {
      throw invalidParam(
        `items[${i}][price]`,
        `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`
      )
    }
    if (!price.active)
      throw invalidParam(
        `items[${i}][price]`,
        `The price specified is inactive. This field only accepts active prices.`
      )
    refuseMeteredQuantity(price, spec, `items[${i}]`)
    return { price, quantity: optInt(spec, 'quantity') ?? 1, metadata: mergeMetadata({}, spec) }
  })
  const currencies = new Set(items.map((i) => i.price.currency))
  if (currencies.size > 1)
    throw invalidParam('items', 'All prices on a subscription must have the same currency.')
  const trialEndParam = optString(p, 'trial_end')
  const trialDays = optInt(p, 'trial_period_days')
  let trialEnd: number | null = null
  if (trialEndParam && trialEndParam !== 'now') trialEnd = Number(trialEndParam)
  else if (trialDays) trialEnd = ctx.now + trialDays * DAY
  if (trialEnd !== null && trialEnd <= ctx.now)
    throw invalidParam('trial_end', 'Invalid timestamp: must be in the future.')
  if (trialEnd !== null) refuseFarTrialEnd(trialEnd, ctx.now)
  const pmParam = optString(p, 'default_payment_method')
  const sub = insertSubscription(state, {
    customer,
    items,
    created: ctx.now,
    status: trialEnd ? 'trialing' : 'incomplete',
    trialStart: trialEnd ? ctx.now : null,
    trialEnd,
    collectionMethod: optEnum(p, 'collection_method', [
      'charge_automatically',
      'send_invoice',
    ] as const),
    daysUntilDue: optInt(p, 'days_until_due'),
    defaultPaymentMethod: pmParam
      ? customerPaymentMethod(ctx, customer, pmParam, 'default_payment_method')
      : null,
    metadata: mergeMetadata({}, p),
    description: optString(p, 'description'),
  })
  setDiscounts(ctx, sub, p)
  if (optBool(p, 'cancel_at_period_end')) {
    sub.cancel_at_period_end = true
    sub.cancel_at = minPeriodEnd(sub)
  }
  const invoice = buildInvoice(state, {
    customer,
    subscription: sub,
    lines: trialEnd
      ? periodLines(state, sub, ctx.now).map((l) => ({
          ...l,
          amount: 0,
          description: `Trial period for ${l.description}`,
        }))
      : periodLines(state, sub, ctx.now),
    created: ctx.now,
    billingReason: 'subscription_create',
    periodStart: ctx.now,
    periodEnd: ctx.now,
    discounts: subscriptionDiscounts(state, sub),
    currency: sub.currency,
    collectionMethod: sub.collection_method,
  })
  state.invoices.insert(invoice)
  sub.latest_invoice = invoice.id
  ctx.emit('customer.subscription.created', sub)
  const paymentBehavior = optString(p, 'payment_behavior') ?? 'allow_incomplete'
  let outcome: PaymentOutcome
  if (paymentBehavior === 'default_incomplete' && !trialEnd && invoice.amount_due > 0) {
    // The first invoice waits for the customer to confirm payment (no charge attempted).
    ctx.emit('invoice.created', invoice)
    finalize(state, invoice, ctx.now)
    ctx.emit('invoice.finalized', invoice)
    outcome = 'no_payment_method'
  } else {
    outcome = finalizeAndPay(ctx, invoice)
  }
  if (!trialEnd) {
    const ok = outcome === 'paid' || outcome === 'sent'
    if (ok) {
      const before = clone(sub)
      sub.status = 'active'
      ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
    }
  } else if (trialEnd - ctx.now <= 3 * DAY) {
    ctx.emit('customer.subscription.trial_will_end', sub)
  }
  return respond(ctx, sub)
}

function minPeriodEnd(sub: Stripe.Subscription): number {
  return Math.min(...sub.items.data.map((i) => i.current_period_end))
}

function maxPeriodEnd(sub: Stripe.Subscription): number {
  return Math.max(...sub.items.data.map((i) => i.current_period_end))
}

type PlannedItem = {
  existing: Stripe.SubscriptionItem | null
  price: Stripe.Price
  quantity: number
  deleted: boolean
  metadata?: Params
}

/** What `items[]` asks for, without changing anything (shared by update and createPreview). */
function planItems(
  ctx: Ctx,
  sub: Stripe.Subscription,
  specs: Params[],
  param: string
): PlannedItem[] {
  const { state } = ctx
  const planned: PlannedItem[] = sub.items.data.map((item) => ({
    existing: item,
    price: item.price,
    quantity: item.quantity ?? 1,
    deleted: false,
  }))
  specs.forEach((spec, i) => {
    const id = optString(spec, 'id')
    const priceId = optString(spec, 'price')
    const price = priceId ? findPrice(state, priceId, `${param}[${i}][price]`) : undefined
    const quantity = optInt(spec, 'quantity')
    const deleted = optBool(spec, 'deleted') ?? false
    const metadata = optObject(spec, 'metadata')
    if (id) {
      const target = planned.find((x) => x.existing?.id === id)
      if (!target) throw notFound('subscription_item', id, `${param}[${i}][id]`)
      refuseMeteredQuantity(price ?? target.price, spec, `${param}[${i}]`)
      if (price && price.id !== target.price.id) {
        target.price = price
        target.quantity = quantity ?? 1 // Stripe resets the quantity when the price changes
      } else if (quantity !== undefined) target.quantity = quantity
      target.deleted = deleted
      if (metadata) target.metadata = spec
      return
    }
    if (!price) throw missingParam(`${param}[${i}][price]`)
    refuseMeteredQuantity(price, spec, `${param}[${i}]`)
    if (price.currency !== sub.currency) {
      throw invalidParam(
        `${param}[${i}][price]`,
        'All prices on a subscription must have the same currency.'
      )
    }
    planned.push({ existing: null, price, quantity: quantity ?? 1, deleted, metadata: spec })
  })
  if (planned.every((x) => x.deleted))
    throw invalidParam(param, 'A subscription must have at least one active item.')
  return planned
}

function isChange(x: PlannedItem): boolean {
  if (!x.existing) return !x.deleted
  return (
    x.deleted || x.existing.price.id !== x.price.id || (x.existing.quantity ?? 1) !== x.quantity
  )
}

/** Proration lines for moving from the current items to `planned` at `at`. */
function prorationLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  planned: PlannedItem[],
  at: number
): LineInput[] {
  const { state } = ctx
  const lines: LineInput[] = []
  const anchor = sub.items.data[0]
  for (const x of planned.filter(isChange)) {
    const start = x.existing?.current_period_start ?? anchor?.current_period_start ?? at
    const end = x.existing?.current_period_end ?? anchor?.current_period_end ?? at
    const fraction = end > start ? Math.min(1, Math.max(0, (end - at) / (end - start))) : 0
    const name = (price: Stripe.Price) =>
      state.products.get(String(price.product))?.name ?? 'Product'
    if (x.existing) {
      const old = x.existing
      lines.push({
        description: `Unused time on ${old.quantity ?? 1} × ${name(old.price)} after ${isoDay(at)}`,
        amount: -Math.round(itemAmount(state, old) * fraction),
        quantity: old.quantity ?? 1,
        price: old.price,
        period: { start: at, end },
        proration: true,
        subscriptionItem: old.id,
      })
    }
    if (!x.deleted) {
      lines.push({
        description: `Remaining time on ${x.quantity} × ${name(x.price)} after ${isoDay(at)}`,
        amount: Math.round(amountFor(state, x.price, x.quantity) * fraction),
        quantity: x.quantity,
        price: x.price,
        period: { start: at, end },
        proration: true,
        subscriptionItem: x.existing?.id ?? null,
      })
    }
  }
  return lines
}

function isoDay(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 10)
}

function applyItems(ctx: Ctx, sub: Stripe.Subscription, planned: PlannedItem[]): void {
  const { state } = ctx
  const anchor = sub.items.data[0]
  const next: Stripe.SubscriptionItem[] = []
  for (const x of planned) {
    if (x.existing && x.deleted) {
      state.subscriptionItems.delete(x.existing.id)
      continue
    }
    if (x.deleted) continue
    if (x.existing) {
      const item = x.existing
      if (item.price.id !== x.price.id) {
        item.price = x.price
        item.plan = planFromPrice(x.price)
      }
      if (x.price.recurring?.usage_type !== 'metered') item.quantity = x.quantity
      if (x.metadata) item.metadata = mergeMetadata(item.metadata, x.metadata)
      next.push(item)
      continue
    }
    const item = buildItem(state, {
      subscription: sub.id,
      price: x.price,
      quantity: x.quantity,
      created: ctx.now,
      periodStart: anchor?.current_period_start ?? ctx.now,
      periodEnd: anchor?.current_period_end ?? periodEndFor(x.price, ctx.now),
      metadata: x.metadata ? mergeMetadata({}, x.metadata) : {},
    })
    state.subscriptionItems.insert(item)
    next.push(item)
  }
  sub.items.data = next
}

/** Starts a new period for every item at `at` and invoices it. */
export function startNewPeriod(
  ctx: Ctx,
  sub: Stripe.Subscription,
  at: number,
  reason: Stripe.Invoice.BillingReason,
  extra: LineInput[] = [],
  forceFail = false
): PaymentOutcome {
  const { state } = ctx
  for (const item of sub.items.data) {
    item.current_period_start = at
    item.current_period_end = periodEndFor(item.price, at)
  }
  sub.billing_cycle_anchor = at
  const customer = state.customers.get(String(sub.customer))
  if (!customer) return 'no_payment_method'
  const pending = state.pendingLines.get(sub.id) ?? []
  state.pendingLines.delete(sub.id)
  const invoice = buildInvoice(state, {
    customer,
    subscription: sub,
    lines: [...pending, ...extra, ...periodLines(state, sub, at)],
    created: ctx.now,
    billingReason: reason,
    periodStart: at,
    periodEnd: at,
    discounts: subscriptionDiscounts(state, sub),
    currency: sub.currency,
    collectionMethod: sub.collection_method,
  })
  state.invoices.insert(invoice)
  sub.latest_invoice = invoice.id
  return finalizeAndPay(ctx, invoice, forceFail)
}

function update(ctx: Ctx): unknown {
  const { state } = ctx
  const p = ctx.params
  const sub = findSubscription(state, pathId(ctx))
  const before = clone(sub)
  if (ENDED.includes(sub.status)) {
    const allowed = new Set(['metadata', 'cancellation_details', 'expand'])
    const bad = Object.keys(p).find((k) => !allowed.has(k))
    if (bad) {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        bad,
        'parameter_invalid'
      )
    }
  }
  sub.metadata = mergeMetadata(sub.metadata, p)
  if (p.description !== undefined) sub.description = optNullableString(p, 'description') ?? null
  const customer = must(state.customers.get(String(sub.customer)), 'customer', String(sub.customer))
  if (p.default_payment_method !== undefined) {
    const pm = optNullableString(p, 'default_payment_method')
    sub.default_payment_method = pm
      ? customerPaymentMethod(ctx, customer, pm, 'default_payment_method')
      : null
  }
  const details = optObject(p, 'cancellation_details')
  if (details) {
    const current = sub.cancellation_details ?? {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: null,
    }
    if (details.comment !== undefined)
      current.comment = optNullableString(details, 'comment') ?? null
    if (details.feedback !== undefined) {
      current.feedback = (optNullableString(details, 'feedback') ??
        null) as Stripe.Subscription.CancellationDetails.Feedback | null
    }
    sub.cancellation_details = current
  }
  const pause = optNullableObject(p, 'pause_collection')
  if (pause === null) sub.pause_collection = null
  else if (pause) {
    // Stripe requires behavior and a future resumes_at (docs/stripe-rules.md §3).
    const behavior = optEnum(pause, 'behavior', [
      'keep_as_draft',
      'mark_uncollectible',
      'void',
    ] as const)
    if (!behavior) throw missingParam('pause_collection[behavior]')
    const resumesAt = optInt(pause, 'resumes_at') ?? null
    if (resumesAt !== null && resumesAt <= ctx.now)
      throw invalidParam(
        'pause_collection[resumes_at]',
        'Invalid timestamp: must be an integer Unix timestamp in the future.'
      )
    sub.pause_collection = { behavior, resumes_at: resumesAt }
  }
  const cancelAtPeriodEnd = optBool(p, 'cancel_at_period_end')
  if (cancelAtPeriodEnd !== undefined) {
    sub.cancel_at_period_end = cancelAtPeriodEnd
    sub.cancel_at = cancelAtPeriodEnd ? minPeriodEnd(sub) : null
    if (cancelAtPeriodEnd) setCancellationReason(sub, 'cancellation_requested')
    else clearCancellationReason(sub)
  }
  if (p.cancel_at !== undefined) {
    const v = optString(p, 'cancel_at')
    if (v === '') {
      sub.cancel_at = null
      sub.cancel_at_period_end = false
      clearCancellationReason(sub)
    } else {
      sub.cancel_at =
        v === 'min_period_end'
          ? minPeriodEnd(sub)
          : v === 'max_period_end'
            ? maxPeriodEnd(sub)
            : Number(v)
      if (!Number.isFinite(sub.cancel_at))
        throw invalidParam('cancel_at', `Invalid cancel_at: ${v}`)
      sub.cancel_at_period_end = false
      setCancellationReason(sub, 'cancellation_requested')
    }
  }
  setDiscounts(ctx, sub, p)

  const behavior =
    optEnum(p, 'proration_behavior', ['create_prorations', 'always_invoice', 'none'] as const) ??
    'create_prorations'
  const prorationDate = optInt(p, 'proration_date') ?? ctx.now
  const itemSpecs = optObjectArray(p, 'items')
  let prorations: LineInput[] = []
  if (itemSpecs?.length) {
    const planned = planItems(ctx, sub, itemSpecs, 'items')
    if (behavior !== 'none' && sub.status !== 'trialing')
      prorations = prorationLines(ctx, sub, planned, prorationDate)
    applyItems(ctx, sub, planned)
  }

  const trialEnd = optString(p, 'trial_end')
  const anchor = optObject(p, 'billing_cycle_anchor')
  const anchorNow = anchor
    ? optString(anchor, 'type') === 'now'
    : optString(p, 'billing_cycle_anchor') === 'now'
  if (trialEnd === 'now') {
    if (sub.status === 'trialing') {
      sub.trial_end = ctx.now
      sub.status = 'active'
      const outcome = startNewPeriod(ctx, sub, ctx.now, 'subscription_update')
      if (outcome === 'failed' || outcome === 'no_payment_method') sub.status = 'past_due'
      ctx.emit('customer.subscription.trial_will_end', sub)
    }
  } else if (trialEnd !== undefined) {
    const end = Number(trialEnd)
    if (!Number.isInteger(end) || end <= ctx.now)
      throw invalidParam(
        'trial_end',
        'Invalid timestamp: must be an integer Unix timestamp in the future.'
      )
    refuseFarTrialEnd(end, sub.billing_cycle_anchor)
    sub.trial_start = sub.trial_start ?? ctx.now
    sub.trial_end = end
    sub.billing_cycle_anchor = end
    if (sub.status === 'active' || sub.status === 'trialing') sub.status = 'trialing'
    for (const item of sub.items.data) item.current_period_end = end
    if (end - ctx.now <= 3 * DAY) ctx.emit('customer.subscription.trial_will_end', sub)
  } else if (anchorNow && !ENDED.includes(sub.status)) {
    const outcome = startNewPeriod(ctx, sub, ctx.now, 'subscription_update', prorations)
    prorations = []
    if (outcome === 'failed' || outcome === 'no_payment_method') sub.status = 'past_due'
  }
  if (prorations.length > 0) {
    if (behavior === 'always_invoice') {
      const invoice = buildInvoice(state, {
        customer,
        subscription: sub,
        lines: prorations,
        created: ctx.now,
        billingReason: 'subscription_update',
        periodStart: prorationDate,
        periodEnd: prorationDate,
        discounts: subscriptionDiscounts(state, sub),
        currency: sub.currency,
        collectionMethod: sub.collection_method,
      })
      state.invoices.insert(invoice)
      sub.latest_invoice = invoice.id
      finalizeAndPay(ctx, invoice)
    } else {
      state.pendingLines.set(sub.id, [...(state.pendingLines.get(sub.id) ?? []), ...prorations])
    }
  }
  const previous = previousAttributes(before, sub)
  if (Object.keys(previous).length > 0) ctx.emit('customer.subscription.updated', sub, previous)
  return respond(ctx, sub)
}

function setCancellationReason(
  sub: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason
): void {
  sub.cancellation_details = {
    ...(sub.cancellation_details ?? { comment: null, feedback: null, feedback_option: null }),
    reason,
  }
}

function clearCancellationReason(sub: Stripe.Subscription): void {
  if (sub.cancellation_details) sub.cancellation_details.reason = null
}

export function cancelSubscriptionNow(
  ctx: Ctx,
  sub: Stripe.Subscription,
  details: { comment?: string | null; feedback?: string | null },
  reason: Stripe.Subscription.CancellationDetails.Reason = 'cancellation_requested'
): void {
  sub.status = 'canceled'
  sub.canceled_at = ctx.now
  sub.ended_at = ctx.now
  sub.cancel_at_period_end = false
  sub.cancellation_details = {
    comment: details.comment ?? sub.cancellation_details?.comment ?? null,
    feedback: (details.feedback ??
      sub.cancellation_details?.feedback ??
      null) as Stripe.Subscription.CancellationDetails.Feedback | null,
    feedback_option: null,
    reason,
  }
  ctx.state.pendingLines.delete(sub.id)
  ctx.emit('customer.subscription.deleted', sub)
}

function cancel(ctx: Ctx): unknown {
  const sub = findSubscription(ctx.state, pathId(ctx))
  if (ENDED.includes(sub.status)) {
    throw invalidRequest(
      `A canceled subscription can't be canceled again: ${sub.id}.`,
      'subscription',
      'resource_missing'
    )
  }
  const details = optObject(ctx.params, 'cancellation_details') ?? {}
  cancelSubscriptionNow(ctx, sub, {
    comment: optString(details, 'comment'),
    feedback: optString(details, 'feedback'),
  })
  return respond(ctx, sub)
}

/** `{type}` of a nested enum object param (`bill_for[unused_time_from][type]`), Stripe-strict. */
function typeOf<T extends string>(
  parent: Params,
  key: string,
  path: string,
  allowed: readonly T[]
): T | undefined {
  const obj = optObject(parent, key)
  if (!obj) return undefined
  const v = optString(obj, 'type')
  if (v === undefined || v === '') throw missingParam(`${path}[type]`)
  if (!(allowed as readonly string[]).includes(v)) throw invalidEnum(`${path}[type]`, allowed)
  return v as T
}

function isMetered(item: Stripe.SubscriptionItem): boolean {
  return item.price.recurring?.usage_type === 'metered'
}

/**
 * True pause (API 2026-09-30.endive): status `paused`, no invoices and no new periods until resumed;
 * each item's period ends now. Refused for ended, incomplete and already paused subscriptions,
 * with a schedule, outside flexible billing mode, and with collection paused.
 * @see docs/stripe-api-notes.md §2 and §9
 */
function pause(ctx: Ctx): unknown {
  const { state } = ctx
  const p = ctx.params
  const sub = findSubscription(state, pathId(ctx))
  optEnum(p, 'type', ['subscription'] as const)
  const invoicing =
    optEnum(p, 'invoicing_behavior', ['invoice', 'pending_invoice_item'] as const) ??
    'pending_invoice_item'
  const billFor = optObject(p, 'bill_for') ?? {}
  const unusedFrom =
    typeOf(billFor, 'unused_time_from', 'bill_for[unused_time_from]', [
      'item_current_period_start',
      'none',
      'now',
    ] as const) ?? 'now'
  typeOf(billFor, 'outstanding_usage_through', 'bill_for[outstanding_usage_through]', [
    'none',
    'now',
  ] as const)
  if (sub.status === 'paused')
    throw invalidRequest(
      `Subscription ${sub.id} is already paused.`,
      'subscription',
      'parameter_invalid'
    )
  if (!['active', 'trialing', 'past_due'].includes(sub.status)) {
    throw invalidRequest(
      `Subscription ${sub.id} cannot be paused from status ${sub.status}.`,
      'subscription',
      'parameter_invalid'
    )
  }
  if (sub.schedule)
    throw invalidRequest(
      `Subscription ${sub.id} is attached to a schedule; subscriptions with attached schedules cannot be paused.`,
      'subscription',
      'parameter_invalid'
    )
  if (sub.billing_mode?.type !== 'flexible')
    throw invalidRequest(
      `Subscription ${sub.id} uses classic billing mode; only subscriptions in flexible billing mode can be paused.`,
      'subscription',
      'parameter_invalid'
    )
  if (sub.pause_collection)
    throw invalidRequest(
      `Subscription ${sub.id} has paused collection; subscriptions with paused collection can't move into status paused. Resume collection first.`,
      'subscription',
      'parameter_invalid'
    )
  const before = clone(sub)
  const at = ctx.now
  // Credit for the licensed time not used; metered usage is not modelled (nothing outstanding).
  const credits: LineInput[] =
    unusedFrom === 'none' || sub.status === 'trialing'
      ? []
      : sub.items.data
          .filter((i) => !isMetered(i))
          .map((item) => {
            const from = unusedFrom === 'now' ? at : item.current_period_start
            const span = item.current_period_end - item.current_period_start
            const fraction =
              span > 0 ? Math.min(1, Math.max(0, (item.current_period_end - from) / span)) : 0
            const product = state.products.get(String(item.price.product))
            return {
              description: `Unused time on ${item.quantity ?? 1} × ${product?.name ?? 'Product'} after ${isoDay(from)}`,
              amount: -Math.round(itemAmount(state, item) * fraction),
              quantity: item.quantity ?? 1,
              price: item.price,
              period: { start: from, end: item.current_period_end },
              proration: true,
              subscriptionItem: item.id,
            }
          })
          .filter((l) => l.amount !== 0)
  for (const item of sub.items.data) item.current_period_end = at
  sub.status = 'paused'
  sub.status_details = {
    paused: {
      subscription: { type: 'pause_requested' },
      transitioned_at: at,
      type: 'subscription',
    },
  }
  if (credits.length > 0) {
    if (invoicing === 'invoice') {
      const customer = must(
        state.customers.get(String(sub.customer)),
        'customer',
        String(sub.customer)
      )
      const invoice = buildInvoice(state, {
        customer,
        subscription: sub,
        lines: credits,
        created: at,
        billingReason: 'subscription_update',
        periodStart: at,
        periodEnd: at,
        discounts: [],
        currency: sub.currency,
        collectionMethod: sub.collection_method,
      })
      state.invoices.insert(invoice)
      sub.latest_invoice = invoice.id
      finalizeAndPay(ctx, invoice)
    } else {
      state.pendingLines.set(sub.id, [...(state.pendingLines.get(sub.id) ?? []), ...credits])
    }
  }
  ctx.emit('customer.subscription.paused', sub)
  ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
  return respond(ctx, sub)
}

/** The item's current period if its cycle had run on through `at` from the billing cycle anchor. */
function anchoredPeriod(
  item: Stripe.SubscriptionItem,
  anchor: number,
  at: number
): { start: number; end: number } {
  let start = anchor
  let end = periodEndFor(item.price, anchor)
  // Bounded: a daily price over many years is still a few thousand steps.
  for (let n = 0; end <= at && n < 100_000; n++) {
    start = end
    end = periodEndFor(item.price, end)
  }
  return { start, end }
}

/**
 * Resume a paused subscription. `billing_cycle_anchor[type]=now` (default) starts a new period and
 * invoices it; `unchanged` keeps the renewal date and prorates the rest of the current period
 * (`proration_behavior`, default create_prorations; `proration_date` prices it at that second).
 * `payment_behavior=resume_on_payment_success` keeps it paused unless the invoice is paid.
 */
function resume(ctx: Ctx): unknown {
  const { state } = ctx
  const p = ctx.params
  const sub = findSubscription(state, pathId(ctx))
  const anchorType = typeOf(p, 'billing_cycle_anchor', 'billing_cycle_anchor', [
    'now',
    'unchanged',
  ] as const)
  const paymentBehavior =
    optEnum(p, 'payment_behavior', [
      'resume_on_payment_attempt',
      'resume_on_payment_success',
    ] as const) ?? 'resume_on_payment_attempt'
  const behavior =
    optEnum(p, 'proration_behavior', ['always_invoice', 'create_prorations', 'none'] as const) ??
    'create_prorations'
  const prorationDate = optInt(p, 'proration_date')
  if (sub.status !== 'paused') {
    throw invalidRequest(
      `Subscription ${sub.id} is not paused; only paused subscriptions can be resumed.`,
      'subscription',
      'parameter_invalid'
    )
  }
  if (sub.collection_method !== 'charge_automatically')
    throw invalidRequest(
      `Subscription ${sub.id} uses send_invoice collection; resume is only available for subscriptions that use charge_automatically collection.`,
      'subscription',
      'parameter_invalid'
    )
  const at = ctx.now
  if (prorationDate !== undefined && (prorationDate > at + 60 || prorationDate < at - 3600))
    throw invalidParam('proration_date', 'The proration_date must be close to the current time.')
  const before = clone(sub)
  const customer = must(state.customers.get(String(sub.customer)), 'customer', String(sub.customer))
  let outcome: PaymentOutcome | null = null
  if ((anchorType ?? 'now') === 'now') {
    outcome = startNewPeriod(ctx, sub, at, 'subscription_update')
  } else {
    const anchor = sub.billing_cycle_anchor
    const from = prorationDate ?? at
    const lines: LineInput[] = []
    for (const item of sub.items.data) {
      const period = anchoredPeriod(item, anchor, at)
      item.current_period_start = at
      item.current_period_end = period.end
      if (behavior === 'none' || isMetered(item)) continue
      const span = period.end - period.start
      const fraction = span > 0 ? Math.min(1, Math.max(0, (period.end - from) / span)) : 0
      const product = state.products.get(String(item.price.product))
      lines.push({
        description: `Remaining time on ${item.quantity ?? 1} × ${product?.name ?? 'Product'} after ${isoDay(from)}`,
        amount: Math.round(itemAmount(state, item) * fraction),
        quantity: item.quantity ?? 1,
        price: item.price,
        period: { start: from, end: period.end },
        proration: true,
        subscriptionItem: item.id,
      })
    }
    if (behavior === 'always_invoice' && lines.length > 0) {
      const pending = state.pendingLines.get(sub.id) ?? []
      state.pendingLines.delete(sub.id)
      const invoice = buildInvoice(state, {
        customer,
        subscription: sub,
        lines: [...pending, ...lines],
        created: at,
        billingReason: 'subscription_update',
        periodStart: from,
        periodEnd: from,
        discounts: subscriptionDiscounts(state, sub),
        currency: sub.currency,
        collectionMethod: sub.collection_method,
      })
      state.invoices.insert(invoice)
      sub.latest_invoice = invoice.id
      outcome = finalizeAndPay(ctx, invoice)
    } else if (lines.length > 0) {
      state.pendingLines.set(sub.id, [...(state.pendingLines.get(sub.id) ?? []), ...lines])
    }
  }
  const failed = outcome === 'failed' || outcome === 'no_payment_method'
  if (failed && paymentBehavior === 'resume_on_payment_success') {
    // Stays paused; Stripe retries the open resumption invoice.
    return respond(ctx, sub)
  }
  sub.status = failed ? 'past_due' : 'active'
  delete sub.status_details
  ctx.emit('customer.subscription.resumed', sub)
  ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
  return respond(ctx, sub)
}

function deleteDiscount(ctx: Ctx): unknown {
  const { state } = ctx
  const sub = findSubscription(state, pathId(ctx))
  const current = subscriptionDiscounts(state, sub)
  const first = current[0]
  if (!first) throw notFound('discount', `for subscription ${sub.id}`, 'subscription')
  const before = clone(sub)
  sub.discounts = []
  for (const d of current) ctx.emit('customer.discount.deleted', d)
  ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
  return { ...clone(first), deleted: true }
}

function list(ctx: Ctx): unknown {
  const p = ctx.params
  const status = optString(p, 'status')
  const customer = optString(p, 'customer')
  const price = optString(p, 'price')
  const periodEnd = rangeFilter(p, 'current_period_end')
  const periodStart = rangeFilter(p, 'current_period_start')
  const statusOk = (s: string) => {
    if (status === 'all') return true
    if (status === undefined) return s !== 'canceled'
    if (status === 'ended') return ENDED.includes(s)
    return s === status
  }
  const source = customer
    ? ctx.state.subscriptions.group('customer', customer)
    : ctx.state.subscriptions
  const page = paginate(
    source,
    p,
    '/v1/subscriptions',
    'subscription',
    (s) =>
      statusOk(s.status) &&
      (customer === undefined || s.customer === customer) &&
      (price === undefined || s.items.data.some((i) => i.price.id === price)) &&
      (periodEnd === undefined || periodEnd(minPeriodEnd(s))) &&
      (periodStart === undefined ||
        periodStart(Math.min(...s.items.data.map((i) => i.current_period_start))))
  )
  return respond(ctx, page)
}

function listItems(ctx: Ctx): unknown {
  const subId = optString(ctx.params, 'subscription')
  if (!subId) throw missingParam('subscription')
  findSubscription(ctx.state, subId, 'subscription')
  const page = paginate(
    ctx.state.subscriptionItems.group('subscription', subId),
    ctx.params,
    `/v1/subscription_items`,
    'subscription_item',
    (i) => i.subscription === subId
  )
  return respond(ctx, page)
}

/** `invoices.createPreview` for a subscription change: prorations plus the next period. */
export function previewSubscriptionChange(ctx: Ctx): Stripe.Invoice {
  const { state } = ctx
  const p = ctx.params
  const sub = findSubscription(state, reqString(p, 'subscription'), 'subscription')
  const customer = must(state.customers.get(String(sub.customer)), 'customer', String(sub.customer))
  const details = optObject(p, 'subscription_details') ?? {}
  const behavior =
    optEnum(details, 'proration_behavior', [
      'create_prorations',
      'always_invoice',
      'none',
    ] as const) ?? 'create_prorations'
  const at = optInt(details, 'proration_date') ?? ctx.now
  const specs = optObjectArray(details, 'items') ?? []
  const planned = specs.length ? planItems(ctx, sub, specs, 'subscription_details[items]') : []
  const prorations =
    behavior === 'none' || sub.status === 'trialing' ? [] : prorationLines(ctx, sub, planned, at)
  const pending = state.pendingLines.get(sub.id) ?? []
  const nextStart = minPeriodEnd(sub)
  const kept = planned.length
    ? planned.filter((x) => !x.deleted)
    : sub.items.data.map((i) => ({
        existing: i,
        price: i.price,
        quantity: i.quantity ?? 1,
        deleted: false,
      }))
  const nextLines: LineInput[] = kept.map((x) => ({
    description: `${x.quantity} × ${state.products.get(String(x.price.product))?.name ?? 'Product'}`,
    amount: x.price.recurring?.usage_type === 'metered' ? 0 : amountFor(state, x.price, x.quantity),
    quantity: x.quantity,
    price: x.price,
    period: { start: nextStart, end: periodEndFor(x.price, nextStart) },
    proration: false,
    subscriptionItem: x.existing?.id ?? null,
  }))
  const lines =
    behavior === 'always_invoice' ? prorations : [...pending, ...prorations, ...nextLines]
  const invoice = buildInvoice(state, {
    id: `upcoming_${state.id('in')}`,
    customer,
    subscription: sub,
    lines,
    created: ctx.now,
    billingReason: behavior === 'always_invoice' ? 'subscription_update' : 'upcoming',
    periodStart:
      behavior === 'always_invoice' ? at : (sub.items.data[0]?.current_period_start ?? at),
    periodEnd: behavior === 'always_invoice' ? at : nextStart,
    discounts: subscriptionDiscounts(state, sub),
    currency: sub.currency,
    collectionMethod: sub.collection_method,
  })
  invoice.next_payment_attempt = behavior === 'always_invoice' ? at : nextStart
  return invoice
}

export const subscriptionRoutes: Route[] = [
  route('POST', '/v1/subscriptions', 'subscriptions', create),
  route('GET', '/v1/subscriptions', 'subscriptions', list),
  route('GET', '/v1/subscriptions/:id', 'subscriptions', (ctx) =>
    respond(ctx, findSubscription(ctx.state, pathId(ctx)))
  ),
  route('POST', '/v1/subscriptions/:id', 'subscriptions', update),
  route('DELETE', '/v1/subscriptions/:id', 'subscriptions', cancel),
  route('POST', '/v1/subscriptions/:id/pause', 'subscriptions', pause),
  route('POST', '/v1/subscriptions/:id/resume', 'subscriptions', resume),
  route('DELETE', '/v1/subscriptions/:id/discount', 'subscriptions', deleteDiscount),
  route('GET', '/v1/subscription_items', 'subscriptions', listItems),
  route('GET', '/v1/subscription_items/:id', 'subscriptions', (ctx) =>
    respond(
      ctx,
      must(ctx.state.subscriptionItems.get(pathId(ctx)), 'subscription_item', pathId(ctx))
    )
  ),
]

/** Metered prices bill usage, so Stripe refuses a quantity on them (docs/stripe-rules.md §3). */
function refuseMeteredQuantity(price: Stripe.Price, spec: Params, item: string): void {
  if (spec.quantity === undefined || price.recurring?.usage_type !== 'metered') return
  throw invalidParam(
    `${item}[quantity]`,
    `Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`${item}\`.`
  )
}

const TWO_YEARS = 730 * DAY

/** trial_end is at most two years from the billing cycle anchor (docs/stripe-rules.md §3). */
function refuseFarTrialEnd(end: number, anchor: number): void {
  if (end - anchor <= TWO_YEARS) return
  throw invalidParam(
    'trial_end',
    'Invalid timestamp: can be no more than two years from the billing cycle anchor.'
  )
}
