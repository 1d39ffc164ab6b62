// What a plan change can pick from: the subscription's items (choose one when there are several)
// and the synced active recurring prices in the subscription's currency, grouped by product.
// Stripe refuses a price in another currency on the same subscription, so none is offered.
import type { PlanOptions } from '../api/actions'

type PriceLike = {
  id: string
  active?: boolean
  type?: string
  currency?: string
  unit_amount?: number | null
  nickname?: string | null
  product?: string | { id: string } | null
  recurring?: { interval: string; interval_count?: number } | null
}
type ItemLike = { id: string; quantity?: number | null; price?: PriceLike | null }
type ProductLike = { id: string; name?: string; active?: boolean }

const idOf = (p: PriceLike['product']) => (typeof p === 'string' ? p : (p?.id ?? null))

export function planOptionsFrom(input: {
  subscriptionId: string
  currency: string
  items: ItemLike[]
  prices: PriceLike[]
  products: ProductLike[]
}): PlanOptions {
  const currency = input.currency.toLowerCase()
  const productName = new Map(input.products.map((p) => [p.id, p.name ?? p.id]))
  const inactiveProduct = new Set(input.products.filter((p) => p.active === false).map((p) => p.id))
  const describe = (price: PriceLike) => ({
    priceId: price.id,
    nickname: price.nickname ?? null,
    unitAmount: price.unit_amount ?? null,
    currency: (price.currency ?? currency).toLowerCase(),
    interval: price.recurring?.interval ?? null,
    intervalCount: price.recurring?.interval_count ?? 1,
  })
  const groups = new Map<string, PlanOptions['products'][number]>()
  for (const price of input.prices) {
    const productId = idOf(price.product)
    if (!productId || inactiveProduct.has(productId)) continue
    if (price.active === false || price.type !== 'recurring' || !price.recurring) continue
    if (price.currency?.toLowerCase() !== currency) continue
    const group = groups.get(productId) ?? {
      productId,
      productName: productName.get(productId) ?? productId,
      prices: [],
    }
    group.prices.push(describe(price))
    groups.set(productId, group)
  }
  const products = [...groups.values()].sort((a, b) => a.productName.localeCompare(b.productName))
  for (const p of products)
    p.prices.sort(
      (a, b) =>
        (a.interval ?? '').localeCompare(b.interval ?? '') ||
        (a.unitAmount ?? 0) - (b.unitAmount ?? 0)
    )
  return {
    subscriptionId: input.subscriptionId,
    currency,
    items: input.items.map((item) => ({
      itemId: item.id,
      quantity: item.quantity ?? 1,
      productName: productName.get(idOf(item.price?.product) ?? '') ?? null,
      ...describe(item.price ?? { id: '' }),
    })),
    products,
  }
}
