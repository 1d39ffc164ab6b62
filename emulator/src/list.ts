// Cursor pagination in Stripe's shape: newest first, `limit` 1–100 (default 10),
// `starting_after` / `ending_before`, `created` ranges, `has_more`, `url`.
import type { ListSource } from './collection'
import { invalidParam, notFound } from './errors'
import { optInt, optString, rangeFilter, type Params } from './params'

export type ListPage<T> = { object: 'list'; data: T[]; has_more: boolean; url: string }

export function paginate<T extends { id: string }>(
  collection: ListSource<T>,
  params: Params,
  url: string,
  kind: string,
  filter: (item: T) => boolean = () => true
): ListPage<T> {
  const limit = optInt(params, 'limit') ?? 10
  if (limit < 1 || limit > 100) {
    throw invalidParam(
      'limit',
      'This value must be greater than or equal to 1 and less than or equal to 100.'
    )
  }
  const startingAfter = optString(params, 'starting_after')
  const endingBefore = optString(params, 'ending_before')
  if (startingAfter && endingBefore) {
    throw invalidParam(
      'ending_before',
      'You may only specify one of these parameters: starting_after, ending_before.'
    )
  }
  const created = rangeFilter(params, 'created')
  const createdOf = collection.createdOf
  const matches = created ? (item: T) => created(createdOf(item)) && filter(item) : filter
  const ordered = collection.ordered()

  if (endingBefore) {
    const end = collection.position(endingBefore)
    if (end === -1) throw notFound(kind, endingBefore, 'ending_before')
    const data: T[] = []
    let i = end - 1
    for (; i >= 0 && data.length < limit; i--) {
      const item = ordered[i] as T
      if (matches(item)) data.push(item)
    }
    let hasMore = false
    for (; i >= 0; i--) {
      if (matches(ordered[i] as T)) {
        hasMore = true
        break
      }
    }
    return { object: 'list', data: data.reverse(), has_more: hasMore, url }
  }

  let start = 0
  if (startingAfter) {
    const pos = collection.position(startingAfter)
    if (pos === -1) throw notFound(kind, startingAfter, 'starting_after')
    start = pos + 1
  }
  const data: T[] = []
  let i = start
  for (; i < ordered.length && data.length < limit; i++) {
    const item = ordered[i] as T
    if (matches(item)) data.push(item)
  }
  let hasMore = false
  for (; i < ordered.length; i++) {
    if (matches(ordered[i] as T)) {
      hasMore = true
      break
    }
  }
  return { object: 'list', data, has_more: hasMore, url }
}

/** An embedded list (`sub.items`, `invoice.lines`) as stored: everything; `render` cuts it. */
export function embeddedList<T>(data: T[], url: string): ListPage<T> {
  return { object: 'list', data, has_more: false, url }
}

/** Stripe embeds the first 10 entries of a list inside its owner (docs/stripe-rules.md §4). */
export const EMBEDDED_PAGE = 10

/** An array (in its own order, as invoice lines are) paged like any list. */
export function paginateArray<T extends { id: string }>(
  data: T[],
  params: Params,
  url: string,
  kind: string
): ListPage<T> {
  const source: ListSource<T> = {
    ordered: () => data,
    position: (id) => data.findIndex((x) => x.id === id),
    createdOf: () => 0,
  }
  return paginate(source, params, url, kind)
}
