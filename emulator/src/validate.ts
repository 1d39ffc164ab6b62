// Refuses parameters the endpoint does not accept, as Stripe does, from the table generated out of the
// pinned SDK's `*Params` types (src/generated/params.json). @see docs/stripe-rules.md §1
import table from './generated/params.json'
import { StripeApiError } from './errors'
import type { FormValue } from './form'
import type { Params } from './params'

type ParamNode = {
  s?: 1
  e?: string[]
  n?: 1
  b?: 1
  empty?: 1
  a?: ParamNode
  o?: Record<string, ParamNode>
  m?: ParamNode
}

type ExpandNode = { x?: 1; t?: string[]; o?: Record<string, ExpandNode> }
type Fields = Record<string, ExpandNode>

const { endpoints, responses, objects } = table as unknown as {
  endpoints: Record<string, ParamNode>
  responses: Record<string, { t: string; list?: 1 }>
  objects: Record<string, Fields>
}

/**
 * Includable fields: absent unless expanded, so `expand` may name them though their type is no id.
 * Stripe's docs mark them "includable" (docs/stripe-api-notes.md §1, §3).
 */
const INCLUDABLE: Record<string, string[]> = {
  charge: ['refunds'],
  coupon: ['applies_to', 'currency_options'],
  customer: [
    'cash_balance',
    'invoice_credit_balance',
    'sources',
    'subscriptions',
    'tax',
    'tax_ids',
  ],
  invoice: ['payments'],
  price: ['currency_options', 'tiers'],
  subscription_item: ['billed_until'],
}

export function unknownParameter(name: string) {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Received unknown parameter: ${name}`,
    'parameter_unknown',
    name
  )
}

export function emptyParameter(name: string) {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset. You should remove '${name}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
    name
  )
}

/** Whether the table knows the endpoint (`POST /v1/subscriptions/:id`). */
export function hasParamsTable(endpoint: string): boolean {
  return endpoint in endpoints
}

/**
 * Throws Stripe's 400 for the first unknown parameter (top-level or nested, named in bracket notation),
 * else for the first empty string where the parameter cannot be unset. Endpoints outside the table
 * (none today) are not checked.
 */
export function checkParams(endpoint: string, params: Params): void {
  const root = endpoints[endpoint]
  if (!root) return
  const found: { unknown?: string; empty?: string } = {}
  walkObject(root, params, '', found)
  if (found.unknown) throw unknownParameter(found.unknown)
  if (found.empty) throw emptyParameter(found.empty)
}

function child(prefix: string, key: string): string {
  return prefix ? `${prefix}[${key}]` : key
}

function walkObject(
  node: ParamNode,
  value: { [k: string]: FormValue },
  prefix: string,
  found: { unknown?: string; empty?: string }
): void {
  for (const [key, v] of Object.entries(value)) {
    const name = child(prefix, key)
    const known = node.o?.[key]
    if (known) walk(known, v, name, found, false)
    else if (node.m) walk(node.m, v, name, found, true)
    else found.unknown ??= name
    if (found.unknown) return
  }
}

function walk(
  node: ParamNode,
  value: FormValue,
  name: string,
  found: { unknown?: string; empty?: string },
  inMap: boolean
): void {
  if (typeof value === 'string') {
    // A free-keyed map (metadata) unsets one key with '' whatever its value type says.
    if (value === '' && !node.empty && !inMap) found.empty ??= name
    return
  }
  if (Array.isArray(value)) {
    if (node.a) value.forEach((v, i) => walk(node.a!, v, `${name}[${i}]`, found, false))
    // An array where an object is expected: its indexes are the unknown keys.
    else if (node.o || node.m) walkObject(node, Object.fromEntries(value.entries()), name, found)
    return
  }
  if (node.o || node.m) walkObject(node, value, name, found)
  else if (node.a) {
    // `a[1]=x` without `a[0]`: the parser keeps an object; its keys are indexes.
    for (const [k, v] of Object.entries(value)) {
      if (/^\d+$/.test(k)) walk(node.a, v, `${name}[${k}]`, found, false)
      else found.unknown ??= `${name}[${k}]`
      if (found.unknown) return
    }
  }
  // A scalar parameter given as an object: the handler's typed reader refuses it.
}

export function expansionTooDeep(path: string) {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `You cannot expand more than 4 levels of a property. Property: ${path}`,
    'property_expansion_max_depth'
  )
}

export function notExpandable(path: string, hint = '') {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `This property cannot be expanded (${path}).${hint}`
  )
}

/**
 * Stripe's expand rules (docs/stripe-rules.md §2): at most 4 levels, counting `data`; on a list every
 * path starts with `data.`; each path ends at an expandable (or includable) field. Checked against the
 * SDK's resource types; a path that leaves the resources the emulator serves is not checked further.
 */
export function checkExpand(endpoint: string, paths: readonly string[]): void {
  for (const path of paths) {
    const segments = path.split('.')
    if (segments.length > 4) throw expansionTooDeep(path)
    const answer = responses[endpoint]
    if (!answer) continue
    if (answer.list) {
      if (segments[0] !== 'data')
        throw notExpandable(path, ` You may want to try expanding 'data.${path}' instead.`)
      segments.shift()
    }
    if (!expandableIn(answer.t, segments)) throw notExpandable(path)
  }
}

function expandableIn(resource: string, segments: string[]): boolean {
  let fields: Fields | undefined = objects[resource]
  let owner: string | undefined = resource
  for (let i = 0; i < segments.length; i++) {
    if (!fields) return true // outside the served resources: not checked
    const seg = segments[i]!
    const last = i === segments.length - 1
    if (owner && INCLUDABLE[owner]?.includes(seg)) return true
    const node: ExpandNode | undefined = fields[seg]
    if (!node) return false
    if (last) return node.x === 1
    if (node.t) {
      const known = node.t.filter((t) => objects[t])
      if (known.length < node.t.length) return true
      owner = known.length === 1 ? known[0] : undefined
      fields = Object.assign({}, ...known.map((t) => objects[t]))
    } else {
      owner = undefined
      fields = node.o
    }
  }
  return true
}
