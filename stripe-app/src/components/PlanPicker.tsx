// The plan-change picker: the subscription's items (choose one when there are several) and the
// synced active recurring prices in its currency, by product, from GET /subscriptions/:id/plan-options.
// Agents pick a plan by name, interval and amount; nobody types a price id.
import { Inline, Select } from '@stripe/ui-extension-sdk/ui'
import type { PlanOptions } from '@holdfast/shared/api/actions'
import type { Format } from '../format'
import { useFormat } from '../locale'
import { Loading } from './PanelStatus'

export type PlanChoices = PlanOptions | 'loading' | { error: string }

type PlanPrice = PlanOptions['products'][number]['prices'][number]

/** "$50.00 / month", "¥5,000 every 3 months", "custom amount / month". */
export function describePrice(price: PlanPrice, format: Format): string {
  const amount =
    price.unitAmount === null ? 'custom amount' : format.amount(price.unitAmount, price.currency)
  if (!price.interval) return amount
  return price.intervalCount > 1
    ? `${amount} every ${price.intervalCount} ${price.interval}s`
    : `${amount} / ${price.interval}`
}

/** Why the chosen values cannot be sent yet, if the picker knows (several items, none chosen). */
export function planChoiceProblem(plans: PlanChoices, itemId: string | undefined): string | null {
  if (plans === 'loading' || !('items' in plans)) return null
  if (plans.items.length > 1 && !itemId) return 'Choose which item of the subscription changes.'
  return null
}

/** On a several-item subscription: the change applies to one item, and which one. */
export function oneItemHint(plans: PlanOptions, itemLabel: string | null): string | null {
  const others = plans.items.length - 1
  if (others < 1) return null
  const rest = `the other ${others === 1 ? 'item keeps its price' : `${others} items keep their prices`}`
  return itemLabel
    ? `Only ${itemLabel} changes; ${rest}.`
    : `This subscription has ${plans.items.length} items. A plan change replaces the price of one of them; ${rest}.`
}

export function PlanPicker({
  plans,
  itemId,
  prices = true,
  onChange,
}: {
  plans: PlanChoices
  itemId: string | undefined
  /** False when an offer names the price: only the item is chosen here. */
  prices?: boolean
  onChange: (name: 'itemId' | 'priceId', value: string) => void
}) {
  const format = useFormat()
  if (plans === 'loading') return <Loading label="Loading prices" />
  if (!('items' in plans))
    return (
      <Inline css={{ font: 'caption', color: 'attention' }}>
        Prices could not be loaded ({plans.error}); pick an offer, or try again later.
      </Inline>
    )
  const item =
    plans.items.length === 1 ? plans.items[0] : plans.items.find((i) => i.itemId === itemId)
  const choices = plans.products.flatMap((product) =>
    product.prices
      .filter((price) => price.priceId !== item?.priceId)
      .map((price) => ({
        value: price.priceId,
        label: [product.productName, price.nickname, describePrice(price, format)]
          .filter(Boolean)
          .join(' · '),
      }))
  )
  const itemLabel = (i: PlanOptions['items'][number]) =>
    [i.productName ?? 'Item', i.nickname, `${describePrice(i, format)} × ${i.quantity}`]
      .filter(Boolean)
      .join(' · ')
  const chosen = plans.items.length > 1 ? plans.items.find((i) => i.itemId === itemId) : undefined
  const hint = oneItemHint(plans, chosen ? itemLabel(chosen) : null)
  return (
    <>
      {plans.items.length > 1 && (
        <Select
          name="itemId"
          label="Item to change"
          defaultValue=""
          onChange={(e) => onChange('itemId', e.target.value)}
        >
          <option value="">Choose the item</option>
          {plans.items.map((i) => (
            <option key={i.itemId} value={i.itemId}>
              {itemLabel(i)}
            </option>
          ))}
        </Select>
      )}
      {hint && <Inline css={{ font: 'caption', color: 'secondary' }}>{hint}</Inline>}
      {!prices ? null : choices.length === 0 ? (
        <Inline css={{ font: 'caption', color: 'secondary' }}>
          No other active {plans.currency.toUpperCase()} prices with a recurring interval; add one
          in Stripe, or pick an offer.
        </Inline>
      ) : (
        <Select
          name="priceId"
          label="New plan"
          description={`Active recurring prices in ${plans.currency.toUpperCase()}, by product.`}
          defaultValue=""
          onChange={(e) => onChange('priceId', e.target.value)}
        >
          <option value="">Choose a plan</option>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </Select>
      )}
    </>
  )
}
