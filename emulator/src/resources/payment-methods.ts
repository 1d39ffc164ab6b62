// Payment methods: list by customer (Treasury-only without one), retrieve, attach (ids or `pm_card_*` tokens), detach.
import { route, type Ctx, type Route } from '../context'
import { missingParam } from '../errors'
import { paginate } from '../list'
import { optString } from '../params'
import { attachPaymentMethod, findCustomer } from './customers'
import { must, pathId, respond } from './shared'

/**
 * Without `customer`, Stripe lists only Treasury-flow payment methods (none here), never the
 * customers' cards.
 * @see https://docs.stripe.com/api/payment_methods/list
 */
function list(ctx: Ctx): unknown {
  const customer = optString(ctx.params, 'customer')
  const type = optString(ctx.params, 'type')
  const page = paginate(
    ctx.state.paymentMethods.group('customer', customer ?? ''),
    ctx.params,
    '/v1/payment_methods',
    'payment_method',
    (pm) =>
      customer !== undefined && pm.customer === customer && (type === undefined || pm.type === type)
  )
  return respond(ctx, page)
}

function retrieve(ctx: Ctx): unknown {
  const id = pathId(ctx)
  return respond(ctx, must(ctx.state.paymentMethods.get(id), 'PaymentMethod', id))
}

function attach(ctx: Ctx): unknown {
  const customerId = optString(ctx.params, 'customer')
  if (!customerId) throw missingParam('customer')
  const customer = findCustomer(ctx.state, customerId)
  return respond(ctx, attachPaymentMethod(ctx, customer, pathId(ctx), 'payment_method'))
}

function detach(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const pm = must(ctx.state.paymentMethods.get(id), 'PaymentMethod', id)
  const previousCustomer = pm.customer
  if (previousCustomer) {
    pm.customer = null
    ctx.state.paymentMethods.touch()
    const customer = ctx.state.customers.get(String(previousCustomer))
    if (customer?.invoice_settings.default_payment_method === id) {
      customer.invoice_settings.default_payment_method = null
    }
    ctx.emit('payment_method.detached', pm, { customer: previousCustomer })
  }
  return respond(ctx, pm)
}

export const paymentMethodRoutes: Route[] = [
  route('GET', '/v1/payment_methods', 'payment_methods', list),
  route('GET', '/v1/payment_methods/:id', 'payment_methods', retrieve),
  route('POST', '/v1/payment_methods/:id/attach', 'payment_methods', attach),
  route('POST', '/v1/payment_methods/:id/detach', 'payment_methods', detach),
]
