// Traits grouped as the catalog groups them (Subscription, Billing, Card, Location, Metadata, …).
import {
  Accordion,
  AccordionItem,
  PropertyList,
  PropertyListItem,
} from '@stripe/ui-extension-sdk/ui'
import type { TraitEntry, TraitGroupEntry } from '@holdfast/shared/api/customers'
import { formatFor, runtimeLocale, type Format } from '../format'
import { useFormat } from '../locale'

const ORDER = ['Subscription', 'Billing', 'Card', 'Location', 'Metadata', 'Customer', 'Activity']

export function TraitGroups({
  groups,
  open = ['Subscription'],
}: {
  groups: TraitGroupEntry[]
  open?: string[]
}) {
  const format = useFormat()
  const sorted = [...groups]
    .filter((g) => g.traits.length > 0)
    .sort((a, b) => ORDER.indexOf(a.group) - ORDER.indexOf(b.group))
  return (
    <Accordion>
      {sorted.map((group) => (
        <AccordionItem
          key={group.group}
          title={group.group}
          subtitle={`${group.traits.length} ${group.traits.length === 1 ? 'trait' : 'traits'}`}
          defaultOpen={open.includes(group.group)}
        >
          <PropertyList>
            {group.traits.map((trait) => (
              <PropertyListItem
                key={trait.key}
                label={trait.label}
                value={formatTrait(trait, format)}
              />
            ))}
          </PropertyList>
        </AccordionItem>
      ))}
    </Accordion>
  )
}

export function formatTrait(
  trait: TraitEntry,
  format: Format = formatFor(runtimeLocale())
): string {
  const { value } = trait
  if (value === null || value === '') return '—'
  switch (trait.type) {
    case 'money':
      return typeof value === 'number' && trait.currency
        ? format.amount(value, trait.currency)
        : String(value)
    case 'date':
      return typeof value === 'number' || typeof value === 'string' ? format.date(value) : '—'
    case 'boolean':
      return value ? 'Yes' : 'No'
    default:
      return String(value)
  }
}

/** A trait by key across all groups (e.g. `subscription.current_period_end`). */
export function findTrait(groups: TraitGroupEntry[], key: string): TraitEntry | undefined {
  for (const group of groups) {
    const found = group.traits.find((t) => t.key === key)
    if (found) return found
  }
  return undefined
}

/** Every `mrr.<currency>` trait, formatted and joined ("$49.00 · €10.00"). */
/** No MRR at all is "—", not a $0.00 in a currency the customer may not pay in. */
export function mrrOf(
  groups: TraitGroupEntry[],
  format: Format = formatFor(runtimeLocale())
): string {
  const parts: string[] = []
  for (const group of groups)
    for (const t of group.traits)
      if (t.key.startsWith('mrr.') && typeof t.value === 'number')
        parts.push(format.amount(t.value, t.currency ?? t.key.slice(4)))
  return parts.length ? parts.join(' · ') : '—'
}
