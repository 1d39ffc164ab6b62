// Stored traits → display groups in catalog order (dynamic keys such as metadata.* after).
import type { TraitGroupEntry } from '@holdfast/shared/api/customers'
import {
  TRAIT_CATALOG,
  TraitGroup,
  findTraitDefinition,
  type Traits,
} from '@holdfast/shared/traits/catalog'

const order = new Map(TRAIT_CATALOG.map((d, i) => [d.key, i]))

export function groupTraits(traits: Traits, keep: (key: string) => boolean = () => true) {
  const groups = new Map<string, TraitGroupEntry['traits']>()
  const keys = Object.keys(traits)
    .filter(keep)
    .sort((a, b) => (order.get(a) ?? 1e6) - (order.get(b) ?? 1e6) || a.localeCompare(b))
  for (const key of keys) {
    const definition = findTraitDefinition(key)
    if (!definition) continue
    const value = traits[key] ?? null
    const currency =
      definition.type !== 'money'
        ? undefined
        : definition.currencyTrait
          ? (traits[definition.currencyTrait] as string | undefined)
          : key.split('.')[1]
    const list = groups.get(definition.group) ?? []
    list.push({
      key,
      label: definition.label,
      type: definition.type,
      value,
      ...(typeof currency === 'string' ? { currency } : {}),
    })
    groups.set(definition.group, list)
  }
  return TraitGroup.options
    .filter((g) => groups.has(g))
    .map((group) => ({ group, traits: groups.get(group)! }))
}
