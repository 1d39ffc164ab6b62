// Products.
import type Stripe from 'stripe'
import { route, type Ctx, type Route } from '../context'
import { previousAttributes } from '../events'
import { paginate } from '../list'
import { mergeMetadata, optBool, optNullableString, optString, reqString } from '../params'
import { clone } from '../render'
import type { AccountState } from '../state'
import { must, pathId, respond } from './shared'

export function buildProduct(
  state: AccountState,
  input: {
    name: string
    created: number
    description?: string | null
    active?: boolean
    metadata?: Stripe.Metadata
    id?: string
  }
): Stripe.Product {
  return {
    id: input.id ?? state.id('prod', 14),
    object: 'product',
    active: input.active ?? true,
    created: input.created,
    default_price: null,
    description: input.description ?? null,
    images: [],
    livemode: state.livemode,
    marketing_features: [],
    metadata: input.metadata ?? {},
    name: input.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: input.created,
    url: null,
  }
}

function create(ctx: Ctx): unknown {
  const p = ctx.params
  const product = buildProduct(ctx.state, {
    id: optString(p, 'id'),
    name: reqString(p, 'name'),
    created: ctx.now,
    description: optString(p, 'description'),
    active: optBool(p, 'active'),
    metadata: mergeMetadata({}, p),
  })
  ctx.state.products.insert(product)
  ctx.emit('product.created', product)
  return respond(ctx, product)
}

function update(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const product = must(ctx.state.products.get(id), 'product', id)
  const before = clone(product)
  const p = ctx.params
  if (p.name !== undefined) product.name = reqString(p, 'name')
  if (p.description !== undefined) product.description = optNullableString(p, 'description') ?? null
  const active = optBool(p, 'active')
  if (active !== undefined) product.active = active
  product.metadata = mergeMetadata(product.metadata, p)
  const previous = previousAttributes(before, product)
  if (Object.keys(previous).length > 0) {
    product.updated = ctx.now
    ctx.emit('product.updated', product, previousAttributes(before, product))
  }
  return respond(ctx, product)
}

function del(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const product = must(ctx.state.products.get(id), 'product', id)
  ctx.state.products.delete(id)
  ctx.emit('product.deleted', product)
  return { id, object: 'product', deleted: true }
}

function list(ctx: Ctx): unknown {
  const active = optBool(ctx.params, 'active')
  return respond(
    ctx,
    paginate(ctx.state.products, ctx.params, '/v1/products', 'product', (x) =>
      active === undefined ? true : x.active === active
    )
  )
}

export const productRoutes: Route[] = [
  route('POST', '/v1/products', 'products', create),
  route('GET', '/v1/products', 'products', list),
  route('GET', '/v1/products/:id', 'products', (ctx) =>
    respond(ctx, must(ctx.state.products.get(pathId(ctx)), 'product', pathId(ctx)))
  ),
  route('POST', '/v1/products/:id', 'products', update),
  route('DELETE', '/v1/products/:id', 'products', del),
]
