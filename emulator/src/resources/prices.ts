// Prices (per-unit and tiered; recurring licensed or metered). Tiers only appear when expanded.
import type Stripe from 'stripe'
import { route, type Ctx, type Route } from '../context'
import { invalidParam, missingParam } from '../errors'
import { previousAttributes } from '../events'
import { paginate } from '../list'
import {
  mergeMetadata,
  optBool,
  optEnum,
  optInt,
  optNullableString,
  optObject,
  optObjectArray,
  optString,
  reqString,
} from '../params'
import { clone } from '../render'
import type { AccountState } from '../state'
import { buildProduct } from './products'
import { must, pathId, respond } from './shared'

/** Decimal fields travel as strings on the wire; the SDK turns them into `Stripe.Decimal`. */
export function decimal(value: number | string): Stripe.Decimal {
  return String(value) as unknown as Stripe.Decimal
}

export type PriceInput = {
  product: string
  currency: string
  created: number
  unitAmount?: number | null
  recurring?: {
    interval: 'day' | 'week' | 'month' | 'year'
    intervalCount?: number
    usageType?: 'licensed' | 'metered'
  } | null
  tiers?: { upTo: number | null; unitAmount: number | null; flatAmount: number | null }[]
  tiersMode?: 'graduated' | 'volume'
  active?: boolean
  nickname?: string | null
  lookupKey?: string | null
  metadata?: Stripe.Metadata
}

export function buildPrice(state: AccountState, input: PriceInput): Stripe.Price {
  const tiered = (input.tiers?.length ?? 0) > 0
  const unit = tiered ? null : (input.unitAmount ?? 0)
  const recurring: Stripe.Price.Recurring | null = input.recurring
    ? {
        interval: input.recurring.interval,
        interval_count: input.recurring.intervalCount ?? 1,
        meter: input.recurring.usageType === 'metered' ? state.id('mtr', 16) : null,
        trial_period_days: null,
        usage_type: input.recurring.usageType ?? 'licensed',
      }
    : null
  const price: Stripe.Price = {
    id: state.id('price'),
    object: 'price',
    active: input.active ?? true,
    billing_scheme: tiered ? 'tiered' : 'per_unit',
    created: input.created,
    currency: input.currency,
    custom_unit_amount: null,
    livemode: state.livemode,
    lookup_key: input.lookupKey ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring,
    tax_behavior: 'unspecified',
    tiers_mode: tiered ? (input.tiersMode ?? 'graduated') : null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unit,
    unit_amount_decimal: unit === null ? null : decimal(unit),
  }
  if (tiered) {
    state.priceTiers.set(
      price.id,
      (input.tiers ?? []).map((t) => ({
        flat_amount: t.flatAmount,
        flat_amount_decimal: t.flatAmount === null ? null : decimal(t.flatAmount),
        unit_amount: t.unitAmount,
        unit_amount_decimal: t.unitAmount === null ? null : decimal(t.unitAmount),
        up_to: t.upTo,
      }))
    )
  }
  return price
}

/** The amount one period of `quantity` costs at this price (minor units). */
export function amountFor(state: AccountState, price: Stripe.Price, quantity: number): number {
  if (price.billing_scheme !== 'tiered') return (price.unit_amount ?? 0) * quantity
  const tiers = state.priceTiers.get(price.id) ?? []
  if (price.tiers_mode === 'volume') {
    const tier =
      tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1]
    if (!tier) return 0
    return (tier.unit_amount ?? 0) * quantity + (tier.flat_amount ?? 0)
  }
  let total = 0
  let floor = 0
  for (const tier of tiers) {
    if (quantity <= floor) break
    const ceiling = tier.up_to ?? Infinity
    const inTier = Math.min(quantity, ceiling) - floor
    total += inTier * (tier.unit_amount ?? 0) + (tier.flat_amount ?? 0)
    floor = ceiling
  }
  return total
}

export function priceInputFromParams(ctx: Ctx, p: Record<string, unknown>, param = ''): PriceInput {
  const params = p as Parameters<typeof optString>[0]
  const name = (k: string) => (param ? `${param}[${k}]` : k)
  const currency = optString(params, 'currency')
  if (!currency) throw missingParam(name('currency'))
  let product = optString(params, 'product')
  const productData = optObject(params, 'product_data')
  if (!product && productData) {
    const created = buildProduct(ctx.state, {
      name: reqString(productData, 'name'),
      created: ctx.now,
    })
    ctx.state.products.insert(created)
    ctx.emit('product.created', created)
    product = created.id
  }
  if (!product) throw missingParam(name('product'))
  must(ctx.state.products.get(product), 'product', product, name('product'))
  const r = optObject(params, 'recurring')
  const tiers = optObjectArray(params, 'tiers')
  const billingScheme = optEnum(params, 'billing_scheme', ['per_unit', 'tiered'] as const)
  if (billingScheme === 'tiered' && !tiers?.length) throw missingParam(name('tiers'))
  const unitAmount = optInt(params, 'unit_amount') ?? optInt(params, 'unit_amount_decimal')
  if (billingScheme !== 'tiered' && unitAmount === undefined)
    throw missingParam(name('unit_amount'))
  return {
    product,
    currency: currency.toLowerCase(),
    created: ctx.now,
    unitAmount,
    recurring: r
      ? {
          interval: optEnum(r, 'interval', ['day', 'week', 'month', 'year'] as const) ?? 'month',
          intervalCount: optInt(r, 'interval_count') ?? 1,
          usageType: optEnum(r, 'usage_type', ['licensed', 'metered'] as const) ?? 'licensed',
        }
      : null,
    tiers: tiers?.map((t, i) => {
      const upTo = optString(t, 'up_to')
      if (upTo === undefined) throw missingParam(name(`tiers[${i}][up_to]`))
      return {
        upTo: upTo === 'inf' ? null : Number(upTo),
        unitAmount: optInt(t, 'unit_amount') ?? null,
        flatAmount: optInt(t, 'flat_amount') ?? null,
      }
    }),
    tiersMode: optEnum(params, 'tiers_mode', ['graduated', 'volume'] as const),
    active: optBool(params, 'active'),
    nickname: optString(params, 'nickname'),
    lookupKey: optString(params, 'lookup_key'),
    metadata: mergeMetadata({}, params),
  }
}

function create(ctx: Ctx): unknown {
  const price = buildPrice(ctx.state, priceInputFromParams(ctx, ctx.params))
  ctx.state.prices.insert(price)
  ctx.emit('price.created', price)
  return respond(ctx, price)
}

function update(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const price = must(ctx.state.prices.get(id), 'price', id)
  const before = clone(price)
  const p = ctx.params
  const active = optBool(p, 'active')
  if (active !== undefined) price.active = active
  if (p.nickname !== undefined) price.nickname = optNullableString(p, 'nickname') ?? null
  if (p.lookup_key !== undefined) price.lookup_key = optNullableString(p, 'lookup_key') ?? null
  if (p.unit_amount !== undefined)
    throw invalidParam('unit_amount', 'Received unknown parameter: unit_amount')
  price.metadata = mergeMetadata(price.metadata, p)
  const previous = previousAttributes(before, price)
  if (Object.keys(previous).length > 0) ctx.emit('price.updated', price, previous)
  return respond(ctx, price)
}

function list(ctx: Ctx): unknown {
  const p = ctx.params
  const active = optBool(p, 'active')
  const product = optString(p, 'product')
  const type = optString(p, 'type')
  const currency = optString(p, 'currency')
  const lookupKeys = Array.isArray(p.lookup_keys) ? p.lookup_keys : undefined
  const page = paginate(
    ctx.state.prices,
    p,
    '/v1/prices',
    'price',
    (x) =>
      (active === undefined || x.active === active) &&
      (product === undefined || x.product === product) &&
      (type === undefined || x.type === type) &&
      (currency === undefined || x.currency === currency) &&
      (lookupKeys === undefined || (x.lookup_key !== null && lookupKeys.includes(x.lookup_key)))
  )
  return respond(ctx, page)
}

export const priceRoutes: Route[] = [
  route('POST', '/v1/prices', 'prices', create),
  route('GET', '/v1/prices', 'prices', list),
  route('GET', '/v1/prices/:id', 'prices', (ctx) =>
    respond(ctx, must(ctx.state.prices.get(pathId(ctx)), 'price', pathId(ctx)))
  ),
  route('POST', '/v1/prices/:id', 'prices', update),
]
