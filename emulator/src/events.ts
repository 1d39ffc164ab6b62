// Recording events as Stripe would emit them, and the diff behind `data.previous_attributes`.
import type Stripe from 'stripe'
import { clone, cutEmbeddedLists } from './render'

export const API_VERSION = '2026-10-28.endive'

export type EventRequest = { id: string | null; idempotency_key: string | null }

type Json = Record<string, unknown>

function isPlainObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Json).object !== 'list'
}

/**
 * Stripe's `previous_attributes`: the old value of every changed top-level field; nested plain
 * objects (metadata, pause_collection…) only list their changed keys, with `null` for added keys.
 */
export function previousAttributes(before: unknown, after: unknown): Json {
  const b = clone(before) as Json
  const a = clone(after) as Json
  return diff(b, a, true)
}

function diff(before: Json, after: Json, top: boolean): Json {
  const out: Json = {}
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  for (const key of keys) {
    const bv = before[key]
    const av = after[key]
    if (JSON.stringify(bv) === JSON.stringify(av)) continue
    if (isPlainObject(bv) && isPlainObject(av) && (!top || key === 'metadata')) {
      out[key] = diff(bv, av, false)
    } else {
      out[key] = bv === undefined ? null : bv
    }
  }
  return out
}

export function matchesType(type: string, pattern: string): boolean {
  if (pattern === '*') return true
  if (!pattern.includes('*')) return type === pattern
  const re = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`)
  return re.test(type)
}

export function buildEvent(input: {
  id: string
  type: string
  object: unknown
  previous?: Json
  account?: string
  livemode: boolean
  created: number
  request: EventRequest | null
}): Stripe.Event {
  const object = clone(input.object)
  cutEmbeddedLists(object) // payloads carry the first page too
  const data: Json = { object }
  if (input.previous) data.previous_attributes = input.previous
  const event: Json = {
    id: input.id,
    object: 'event',
    ...(input.account ? { account: input.account } : {}),
    api_version: API_VERSION,
    created: input.created,
    data,
    livemode: input.livemode,
    pending_webhooks: 0,
    request: input.request,
    type: input.type,
  }
  return event as unknown as Stripe.Event
}
