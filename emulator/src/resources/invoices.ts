// Invoices (list, retrieve, lines, createPreview), invoice payments, charges and refunds.
import type Stripe from 'stripe'
import { route, type Ctx, type Route } from '../context'
import { invalidRequest, missingParam } from '../errors'
import { paginate, paginateArray } from '../list'
import { optInt, optObject, optString, reqString } from '../params'
import { clone } from '../render'
import { previousAttributes } from '../events'
import { previewSubscriptionChange } from './subscriptions'
import { must, pathId, respond } from './shared'

function listInvoices(ctx: Ctx): unknown {
  const p = ctx.params
  const customer = optString(p, 'customer')
  const subscription = optString(p, 'subscription')
  const status = optString(p, 'status')
  const source = customer
    ? ctx.state.invoices.group('customer', customer)
    : subscription
      ? ctx.state.invoices.group('subscription', subscription)
      : ctx.state.invoices
  const page = paginate(
    source,
    p,
    '/v1/invoices',
    'invoice',
    (inv) =>
      (customer === undefined || inv.customer === customer) &&
      (status === undefined || inv.status === status) &&
      (subscription === undefined ||
        inv.parent?.subscription_details?.subscription === subscription)
  )
  return respond(ctx, page)
}

function listLines(ctx: Ctx): unknown {
  const invoice = must(ctx.state.invoices.get(pathId(ctx)), 'invoice', pathId(ctx))
  return respond(
    ctx,
    paginateArray(invoice.lines.data, ctx.params, `/v1/invoices/${invoice.id}/lines`, 'line_item')
  )
}

function createPreview(ctx: Ctx): unknown {
  if (!optString(ctx.params, 'subscription')) {
    throw missingParam('subscription')
  }
  return respond(ctx, previewSubscriptionChange(ctx))
}

function listInvoicePayments(ctx: Ctx): unknown {
  const p = ctx.params
  const invoice = optString(p, 'invoice')
  const payment = optObject(p, 'payment')
  const pi = payment ? optString(payment, 'payment_intent') : undefined
  const chargeId = payment ? optString(payment, 'charge') : undefined
  const chargePi = chargeId ? ctx.state.charges.get(chargeId)?.payment_intent : undefined
  const source = invoice
    ? ctx.state.invoicePayments.group('invoice', invoice)
    : ctx.state.invoicePayments
  const page = paginate(
    source,
    p,
    '/v1/invoice_payments',
    'invoice_payment',
    (x) =>
      (invoice === undefined || x.invoice === invoice) &&
      (pi === undefined || x.payment.payment_intent === pi) &&
      (chargeId === undefined || (chargePi !== undefined && x.payment.payment_intent === chargePi))
  )
  return respond(ctx, page)
}

function listCharges(ctx: Ctx): unknown {
  const customer = optString(ctx.params, 'customer')
  const pi = optString(ctx.params, 'payment_intent')
  const source = customer ? ctx.state.charges.group('customer', customer) : ctx.state.charges
  const page = paginate(
    source,
    ctx.params,
    '/v1/charges',
    'charge',
    (c) =>
      (customer === undefined || c.customer === customer) &&
      (pi === undefined || c.payment_intent === pi)
  )
  return respond(ctx, page)
}

/** Refunds (part of) a charge and emits `charge.refunded`. */
export function refundCharge(ctx: Ctx, charge: Stripe.Charge, amount?: number): Stripe.Refund {
  const remaining = charge.amount_captured - charge.amount_refunded
  const value = amount ?? remaining
  if (charge.status !== 'succeeded' || value <= 0 || value > remaining) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      'charge',
      'charge_already_refunded'
    )
  }
  const before = clone(charge)
  const refund = {
    id: ctx.state.id('re'),
    object: 'refund',
    amount: value,
    balance_transaction: ctx.state.id('txn'),
    charge: charge.id,
    created: ctx.now,
    currency: charge.currency,
    destination_details: null,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  } as unknown as Stripe.Refund
  charge.amount_refunded += value
  charge.refunded = charge.amount_refunded === charge.amount_captured
  if (charge.refunds) {
    charge.refunds.data.unshift(refund)
  }
  ctx.emit('charge.refunded', charge, previousAttributes(before, charge))
  return refund
}

function createRefund(ctx: Ctx): unknown {
  const chargeId = reqString(ctx.params, 'charge')
  const charge = must(ctx.state.charges.get(chargeId), 'charge', chargeId, 'charge')
  return refundCharge(ctx, charge, optInt(ctx.params, 'amount'))
}

export const invoiceRoutes: Route[] = [
  route('GET', '/v1/invoices', 'invoices', listInvoices),
  route('POST', '/v1/invoices/create_preview', 'invoices', createPreview),
  route('GET', '/v1/invoices/:id', 'invoices', (ctx) =>
    respond(ctx, must(ctx.state.invoices.get(pathId(ctx)), 'invoice', pathId(ctx)))
  ),
  route('GET', '/v1/invoices/:id/lines', 'invoices', listLines),
  route('GET', '/v1/invoice_payments', 'invoices', listInvoicePayments),
  route('GET', '/v1/invoice_payments/:id', 'invoices', (ctx) =>
    respond(ctx, must(ctx.state.invoicePayments.get(pathId(ctx)), 'invoice_payment', pathId(ctx)))
  ),
  route('GET', '/v1/charges', 'charges', listCharges),
  route('GET', '/v1/charges/:id', 'charges', (ctx) =>
    respond(ctx, must(ctx.state.charges.get(pathId(ctx)), 'charge', pathId(ctx)))
  ),
  route('POST', '/v1/refunds', 'charges', createRefund),
]
