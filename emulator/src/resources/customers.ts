// Customers and their payment methods.
import type Stripe from 'stripe'
import { buildCardPaymentMethod, TEST_TOKENS } from '../cards'
import { route, type Ctx, type Route } from '../context'
import { invalidParam, notFound } from '../errors'
import { paginate } from '../list'
import { previousAttributes } from '../events'
import {
  mergeMetadata,
  optNullableString,
  optObject,
  optString,
  optStringArray,
  type Params,
} from '../params'
import { clone } from '../render'
import type { AccountState } from '../state'
import { cancelSubscriptionNow } from './subscriptions'
import { must, parseAddress, pathId, respond } from './shared'

export function buildCustomer(
  state: AccountState,
  input: {
    created: number
    email?: string | null
    name?: string | null
    description?: string | null
    phone?: string | null
    address?: Stripe.Address | null
    metadata?: Stripe.Metadata
    currency?: string | null
    preferredLocales?: string[]
  }
): Stripe.Customer {
  return {
    id: state.id('cus', 14),
    object: 'customer',
    address: input.address ?? null,
    balance: 0,
    created: input.created,
    currency: input.currency ?? null,
    default_source: null,
    delinquent: false,
    description: input.description ?? null,
    discount: null,
    email: input.email ?? null,
    invoice_prefix: state.random.chars(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: state.livemode,
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    next_invoice_sequence: 1,
    phone: input.phone ?? null,
    preferred_locales: input.preferredLocales ?? [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  }
}

export function findCustomer(state: AccountState, id: string, param = 'customer'): Stripe.Customer {
  return must(state.customers.get(id), 'customer', id, param)
}

/** A payment method id or a `pm_card_*` test token → a payment method attached to the customer. */
export function attachPaymentMethod(
  ctx: Ctx,
  customer: Stripe.Customer,
  idOrToken: string,
  param: string
): Stripe.PaymentMethod {
  const { state } = ctx
  const token = TEST_TOKENS[idOrToken]
  let pm: Stripe.PaymentMethod
  if (token) {
    pm = buildCardPaymentMethod(
      state,
      { ...token, expMonth: 12, expYear: new Date(ctx.now * 1000).getUTCFullYear() + 3 },
      ctx.now,
      null,
      { name: customer.name ?? null, email: customer.email, address: customer.address ?? null }
    )
    state.paymentMethods.insert(pm)
  } else {
    pm = must(state.paymentMethods.get(idOrToken), 'PaymentMethod', idOrToken, param)
  }
  if (pm.customer && pm.customer !== customer.id) {
    throw invalidParam(
      param,
      `The payment method you provided has already been attached to a customer.`
    )
  }
  if (pm.customer !== customer.id) {
    pm.customer = customer.id
    state.paymentMethods.touch()
    ctx.emit('payment_method.attached', pm)
  }
  return pm
}

function create(ctx: Ctx): unknown {
  const p = ctx.params
  const customer = buildCustomer(ctx.state, {
    created: ctx.now,
    email: optString(p, 'email'),
    name: optString(p, 'name'),
    description: optString(p, 'description'),
    phone: optString(p, 'phone'),
    address: parseAddress(p, 'address'),
    metadata: mergeMetadata({}, p),
    preferredLocales: optStringArray(p, 'preferred_locales'),
  })
  ctx.state.customers.insert(customer)
  ctx.emit('customer.created', customer)
  const pmId = optString(p, 'payment_method')
  let defaultPm = optString(optObject(p, 'invoice_settings') ?? {}, 'default_payment_method')
  if (pmId) {
    const pm = attachPaymentMethod(ctx, customer, pmId, 'payment_method')
    if (defaultPm === pmId) defaultPm = pm.id
  }
  if (defaultPm) {
    const pm = attachPaymentMethod(
      ctx,
      customer,
      defaultPm,
      'invoice_settings[default_payment_method]'
    )
    customer.invoice_settings.default_payment_method = pm.id
  }
  return respond(ctx, customer)
}

function retrieve(ctx: Ctx): unknown {
  const id = pathId(ctx)
  if (ctx.state.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true }
  return respond(ctx, findCustomer(ctx.state, id, 'id'))
}

export function applyCustomerUpdate(ctx: Ctx, customer: Stripe.Customer, p: Params): void {
  const before = clone(customer)
  if (p.email !== undefined) customer.email = optNullableString(p, 'email') ?? null
  if (p.name !== undefined) customer.name = optNullableString(p, 'name') ?? null
  if (p.description !== undefined)
    customer.description = optNullableString(p, 'description') ?? null
  if (p.phone !== undefined) customer.phone = optNullableString(p, 'phone') ?? null
  const address = parseAddress(p, 'address')
  if (address !== undefined) customer.address = address
  customer.metadata = mergeMetadata(customer.metadata, p)
  const settings = optObject(p, 'invoice_settings')
  if (settings && settings.default_payment_method !== undefined) {
    const pmId = optNullableString(settings, 'default_payment_method')
    customer.invoice_settings.default_payment_method = pmId
      ? attachPaymentMethod(ctx, customer, pmId, 'invoice_settings[default_payment_method]').id
      : null
  }
  const previous = previousAttributes(before, customer)
  if (Object.keys(previous).length > 0) ctx.emit('customer.updated', customer, previous)
}

function update(ctx: Ctx): unknown {
  const customer = findCustomer(ctx.state, pathId(ctx), 'id')
  applyCustomerUpdate(ctx, customer, ctx.params)
  return respond(ctx, customer)
}

function del(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const customer = findCustomer(ctx.state, id, 'id')
  for (const sub of ctx.state.subscriptions.values()) {
    if (sub.customer === id && !['canceled', 'incomplete_expired'].includes(sub.status)) {
      cancelSubscriptionNow(ctx, sub, {})
    }
  }
  ctx.state.customers.delete(id)
  ctx.state.deletedCustomers.add(id)
  ctx.emit('customer.deleted', customer)
  return { id, object: 'customer', deleted: true }
}

function list(ctx: Ctx): unknown {
  const email = optString(ctx.params, 'email')
  const page = paginate(ctx.state.customers, ctx.params, '/v1/customers', 'customer', (c) =>
    email === undefined ? true : c.email === email
  )
  return respond(ctx, page)
}

function listPaymentMethods(ctx: Ctx): unknown {
  const id = pathId(ctx)
  findCustomer(ctx.state, id, 'customer')
  const type = optString(ctx.params, 'type')
  const page = paginate(
    ctx.state.paymentMethods.group('customer', id),
    ctx.params,
    `/v1/customers/${id}/payment_methods`,
    'payment_method',
    (pm) => pm.customer === id && (type === undefined || pm.type === type)
  )
  return respond(ctx, page)
}

function retrievePaymentMethod(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const pm = ctx.state.paymentMethods.get(pathId(ctx, 'pm'))
  if (!pm || pm.customer !== id) throw notFound('PaymentMethod', pathId(ctx, 'pm'))
  return respond(ctx, pm)
}

export const customerRoutes: Route[] = [
  route('POST', '/v1/customers', 'customers', create),
  route('GET', '/v1/customers', 'customers', list),
  route('GET', '/v1/customers/:id', 'customers', retrieve),
  route('POST', '/v1/customers/:id', 'customers', update),
  route('DELETE', '/v1/customers/:id', 'customers', del),
  route('GET', '/v1/customers/:id/payment_methods', 'payment_methods', listPaymentMethods),
  route('GET', '/v1/customers/:id/payment_methods/:pm', 'payment_methods', retrievePaymentMethod),
]
