// Periods, invoices, charges and invoice payments: the money side of subscriptions.
// Builders here emit nothing; functions taking a Ctx emit the events Stripe would.
import type Stripe from 'stripe'
import type { Ctx } from './context'
import { amountFor, decimal } from './resources/prices'
import type { AccountState } from './state'

export type Interval = Stripe.Price.Recurring.Interval

/** Adds `count` intervals to a unix timestamp (calendar months, UTC). */
export function addInterval(t: number, interval: Interval, count: number): number {
  const d = new Date(t * 1000)
  switch (interval) {
    case 'day':
      return t + 86_400 * count
    case 'week':
      return t + 7 * 86_400 * count
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + count)
      return Math.floor(d.getTime() / 1000)
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + count)
      return Math.floor(d.getTime() / 1000)
    default:
      throw new Error(`Unknown interval ${interval}`)
  }
}

export function periodEndFor(price: Stripe.Price, start: number): number {
  const r = price.recurring
  if (!r) return start
  return addInterval(start, r.interval, r.interval_count)
}

export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  const r = price.recurring
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r?.interval ?? 'month',
    interval_count: r?.interval_count ?? 1,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: r?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: null,
    trial_period_days: null,
    usage_type: r?.usage_type ?? 'licensed',
  }
}

export function buildItem(
  state: AccountState,
  input: {
    subscription: string
    price: Stripe.Price
    quantity: number
    created: number
    periodStart: number
    periodEnd: number
    metadata?: Stripe.Metadata
  }
): Stripe.SubscriptionItem {
  const metered = input.price.recurring?.usage_type === 'metered'
  const item: Stripe.SubscriptionItem = {
    id: state.id('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: input.created,
    current_period_end: input.periodEnd,
    current_period_start: input.periodStart,
    current_trial: null,
    discounts: [],
    metadata: input.metadata ?? {},
    plan: planFromPrice(input.price),
    price: input.price,
    subscription: input.subscription,
    tax_rates: [],
  }
  if (!metered) item.quantity = input.quantity
  return item
}

export function itemAmount(state: AccountState, item: Stripe.SubscriptionItem): number {
  if (item.price.recurring?.usage_type === 'metered') return 0
  return amountFor(state, item.price, item.quantity ?? 1)
}

export type LineInput = {
  description: string
  amount: number
  quantity: number
  price: Stripe.Price
  period: { start: number; end: number }
  proration: boolean
  subscriptionItem: string | null
}

export type InvoiceInput = {
  customer: Stripe.Customer
  subscription: Stripe.Subscription | null
  lines: LineInput[]
  created: number
  billingReason: Stripe.Invoice.BillingReason
  periodStart: number
  periodEnd: number
  discounts: Stripe.Discount[]
  currency: string
  collectionMethod?: Stripe.Invoice.CollectionMethod
  id?: string
}

export function discountAmount(
  state: AccountState,
  discount: Stripe.Discount,
  base: number,
  currency: string
): number {
  const couponId = discount.source.coupon
  const coupon = typeof couponId === 'string' ? state.coupons.get(couponId) : couponId
  if (!coupon || base <= 0) return 0
  if (coupon.percent_off) return Math.round((base * coupon.percent_off) / 100)
  if (coupon.amount_off && coupon.currency === currency) return Math.min(coupon.amount_off, base)
  return 0
}

export function buildInvoice(state: AccountState, input: InvoiceInput): Stripe.Invoice {
  const id = input.id ?? state.id('in')
  const lines: Stripe.InvoiceLineItem[] = input.lines.map((l) =>
    buildLine(state, id, input.subscription, l)
  )
  const subtotal = lines.reduce((s, l) => s + l.amount, 0)
  let remaining = subtotal
  const totalDiscounts: Stripe.Invoice.TotalDiscountAmount[] = []
  for (const d of input.discounts) {
    if (d.end !== null && d.end <= input.periodStart) continue
    const amount = Math.min(remaining, discountAmount(state, d, remaining, input.currency))
    if (amount <= 0) continue
    remaining -= amount
    totalDiscounts.push({ amount, discount: d.id })
  }
  const total = subtotal - (subtotal - remaining)
  const customer = input.customer
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: null,
    account_tax_ids: null,
    amount_due: Math.max(0, total),
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod ?? 'charge_automatically',
    created: input.created,
    currency: input.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: input.discounts.map((d) => d.id),
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: state.livemode,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: input.subscription
      ? {
          quote_details: null,
          subscription_details: {
            metadata: input.subscription.metadata,
            subscription: input.subscription.id,
          },
          type: 'subscription_details',
        }
      : null,
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: {
      finalized_at: null,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: null,
    total,
    total_discount_amounts: totalDiscounts,
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: input.created,
  }
}

function buildLine(
  state: AccountState,
  invoiceId: string,
  sub: Stripe.Subscription | null,
  l: LineInput
): Stripe.InvoiceLineItem {
  return {
    id: state.id('il'),
    object: 'line_item',
    amount: l.amount,
    currency: l.price.currency,
    description: l.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: state.livemode,
    metadata: {},
    parent: sub
      ? {
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: l.proration,
            proration_details: { credited_items: null },
            subscription: sub.id,
            subscription_item: l.subscriptionItem ?? '',
          },
          type: 'subscription_item_details',
        }
      : null,
    period: l.period,
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: l.price.id, product: String(l.price.product) },
      type: 'price_details',
      unit_amount_decimal: l.price.unit_amount_decimal,
    },
    quantity: l.quantity,
    quantity_decimal: decimal(l.quantity),
    subscription: sub?.id ?? null,
    subtotal: l.amount,
    taxes: [],
  }
}

/** Lines for one full period of every item of a subscription. */
export function periodLines(
  state: AccountState,
  sub: Stripe.Subscription,
  start: number
): LineInput[] {
  return sub.items.data.map((item) => {
    const quantity = item.quantity ?? 1
    const product = state.products.get(String(item.price.product))
    return {
      description: `${quantity} × ${product?.name ?? 'Product'}`,
      amount: itemAmount(state, item),
      quantity,
      price: item.price,
      period: { start, end: periodEndFor(item.price, start) },
      proration: false,
      subscriptionItem: item.id,
    }
  })
}

export function subscriptionDiscounts(
  state: AccountState,
  sub: Stripe.Subscription
): Stripe.Discount[] {
  return sub.discounts
    .map((d) => state.discounts.get(typeof d === 'string' ? d : d.id))
    .filter((d): d is Stripe.Discount => d !== undefined)
}

export function finalize(state: AccountState, invoice: Stripe.Invoice, now: number): void {
  const customer = state.customers.get(String(invoice.customer))
  const seq = customer?.next_invoice_sequence ?? 1
  if (customer) customer.next_invoice_sequence = seq + 1
  invoice.number = `${customer?.invoice_prefix ?? 'INV'}-${String(seq).padStart(4, '0')}`
  invoice.status = 'open'
  invoice.effective_at = now
  invoice.status_transitions.finalized_at = now
  invoice.hosted_invoice_url = `https://invoice.stripe.com/i/${invoice.id}`
  invoice.invoice_pdf = `https://pay.stripe.com/invoice/${invoice.id}/pdf`
  if (invoice.collection_method === 'send_invoice') invoice.due_date = now + 30 * 86_400
}

export function buildCharge(
  state: AccountState,
  input: {
    amount: number
    currency: string
    customer: string
    paymentMethod: Stripe.PaymentMethod | null
    created: number
    succeeded: boolean
    description: string | null
  }
): Stripe.Charge {
  const pm = input.paymentMethod
  const card = pm?.card
  const id = state.id('ch')
  return {
    id,
    object: 'charge',
    amount: input.amount,
    amount_captured: input.succeeded ? input.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: input.succeeded ? state.id('txn') : null,
    billing_details: pm?.billing_details ?? {
      address: null,
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'HOLDFAST',
    captured: input.succeeded,
    created: input.created,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: input.succeeded ? null : 'card_declined',
    failure_message: input.succeeded ? null : 'Your card was declined.',
    fraud_details: {},
    livemode: state.livemode,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: input.succeeded ? 'approved_by_network' : 'declined_by_network',
      reason: input.succeeded ? null : 'generic_decline',
      risk_level: 'normal',
      risk_score: 20,
      seller_message: input.succeeded
        ? 'Payment complete.'
        : 'The bank did not return any further details with this decline.',
      type: input.succeeded ? 'authorized' : 'issuer_declined',
    },
    paid: input.succeeded,
    payment_intent: state.id('pi'),
    payment_method: pm?.id ?? null,
    payment_method_details: card
      ? {
          card: {
            amount_authorized: input.succeeded ? input.amount : null,
            electronic_commerce_indicator: null,
            transaction_link_id: null,
            authorization_code: null,
            brand: card.brand,
            checks: card.checks,
            country: card.country,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            extended_authorization: { status: 'disabled' },
            fingerprint: card.fingerprint,
            funding: card.funding,
            incremental_authorization: { status: 'unavailable' },
            installments: null,
            last4: card.last4,
            mandate: null,
            multicapture: { status: 'unavailable' },
            network: card.brand,
            network_token: { used: false },
            network_transaction_id: null,
            overcapture: { maximum_amount_capturable: input.amount, status: 'unavailable' },
            regulated_status: null,
            three_d_secure: null,
            wallet: card.wallet ? chargeWallet(card.wallet) : null,
          },
          type: 'card',
        }
      : null,
    receipt_email: null,
    receipt_number: null,
    receipt_url: input.succeeded ? `https://pay.stripe.com/receipts/payment/${id}` : null,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  }
}

function chargeWallet(
  w: Stripe.PaymentMethod.Card.Wallet
): Stripe.Charge.PaymentMethodDetails.Card.Wallet {
  const wallet: Stripe.Charge.PaymentMethodDetails.Card.Wallet = {
    dynamic_last4: w.dynamic_last4,
    type: w.type,
  }
  if (w.apple_pay) wallet.apple_pay = {}
  if (w.google_pay) wallet.google_pay = {}
  if (w.link)
    wallet.link = {
      funding_source_group: null,
    } as Stripe.Charge.PaymentMethodDetails.Card.Wallet.Link
  return wallet
}

export function buildInvoicePayment(
  state: AccountState,
  invoice: Stripe.Invoice,
  charge: Stripe.Charge,
  created: number
): Stripe.InvoicePayment {
  const paid = charge.status === 'succeeded'
  return {
    id: state.id('inpay'),
    object: 'invoice_payment',
    amount_paid: paid ? charge.amount : null,
    amount_requested: invoice.amount_due,
    created,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: state.livemode,
    payment: { payment_intent: String(charge.payment_intent), type: 'payment_intent' },
    status: paid ? 'paid' : 'open',
    status_transitions: { canceled_at: null, paid_at: paid ? created : null },
  }
}

export function markPaid(invoice: Stripe.Invoice, now: number): void {
  invoice.status = 'paid'
  invoice.amount_paid = invoice.amount_due
  invoice.amount_remaining = 0
  invoice.attempted = true
  invoice.status_transitions.paid_at = now
  invoice.next_payment_attempt = null
}

/** The payment method a subscription's invoices are charged to. */
export function paymentMethodFor(
  state: AccountState,
  sub: Stripe.Subscription | null,
  customer: Stripe.Customer
): Stripe.PaymentMethod | null {
  const id = sub?.default_payment_method ?? customer.invoice_settings.default_payment_method
  if (!id) return null
  return state.paymentMethods.get(typeof id === 'string' ? id : id.id) ?? null
}

export type PaymentOutcome = 'paid' | 'failed' | 'no_payment_method' | 'sent'

/**
 * Finalizes a draft invoice and tries to collect it, emitting invoice.*, charge.* and
 * invoice_payment.* events. `forceFail` declines whatever the card.
 */
export function finalizeAndPay(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  forceFail = false
): PaymentOutcome {
  const { state } = ctx
  ctx.emit('invoice.created', invoice)
  finalize(state, invoice, ctx.now)
  ctx.emit('invoice.finalized', invoice)
  return collect(ctx, invoice, forceFail)
}

export function collect(ctx: Ctx, invoice: Stripe.Invoice, forceFail = false): PaymentOutcome {
  const { state } = ctx
  if (invoice.collection_method === 'send_invoice') return 'sent'
  const customer = state.customers.get(String(invoice.customer))
  const subId = invoice.parent?.subscription_details?.subscription
  const sub = subId ? (state.subscriptions.get(String(subId)) ?? null) : null
  if (invoice.amount_due === 0 && !forceFail) {
    markPaid(invoice, ctx.now)
    ctx.emit('invoice.paid', invoice)
    ctx.emit('invoice.payment_succeeded', invoice)
    return 'paid'
  }
  const pm = customer ? paymentMethodFor(state, sub, customer) : null
  invoice.attempt_count += 1
  invoice.attempted = true
  if (!pm && !forceFail) {
    invoice.next_payment_attempt = null
    ctx.emit('invoice.payment_failed', invoice)
    return 'no_payment_method'
  }
  const succeeded = !forceFail && pm !== null && !state.decliningPaymentMethods.has(pm.id)
  const charge = buildCharge(state, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: String(invoice.customer),
    paymentMethod: pm,
    created: ctx.now,
    succeeded,
    description:
      invoice.billing_reason === 'subscription_create'
        ? 'Subscription creation'
        : 'Subscription update',
  })
  state.charges.insert(charge)
  const payment = buildInvoicePayment(state, invoice, charge, ctx.now)
  state.invoicePayments.insert(payment)
  if (succeeded) {
    ctx.emit('charge.succeeded', charge)
    markPaid(invoice, ctx.now)
    ctx.emit('invoice_payment.paid', payment)
    ctx.emit('invoice.paid', invoice)
    ctx.emit('invoice.payment_succeeded', invoice)
    if (customer?.delinquent) {
      customer.delinquent = false
      ctx.emit('customer.updated', customer, { delinquent: true })
    }
    return 'paid'
  }
  ctx.emit('charge.failed', charge)
  invoice.next_payment_attempt = ctx.now + 3 * 86_400
  ctx.emit('invoice.payment_failed', invoice)
  if (customer && !customer.delinquent) {
    customer.delinquent = true
    ctx.emit('customer.updated', customer, { delinquent: false })
  }
  return 'failed'
}
