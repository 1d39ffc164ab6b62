// Small helpers shared by resource handlers.
import type Stripe from 'stripe'
import { emptyAddress } from '../cards'
import type { Ctx } from '../context'
import { notFound } from '../errors'
import { optObject, optString, type Params } from '../params'
import { render } from '../render'

export function respond(ctx: Ctx, obj: unknown): unknown {
  return render(ctx.state, obj, expandOf(ctx.params))
}

export function expandOf(params: Params): string[] {
  const v = params.expand
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  if (typeof v === 'string' && v) return [v]
  return []
}

export function pathId(ctx: Ctx, name = 'id'): string {
  return ctx.path[name] as string
}

export function must<T>(value: T | undefined, kind: string, id: string, param = 'id'): T {
  if (value === undefined) throw notFound(kind, id, param)
  return value
}

export function parseAddress(p: Params, key: string): Stripe.Address | null | undefined {
  if (p[key] === '') return null
  const a = optObject(p, key)
  if (!a) return undefined
  return {
    ...emptyAddress(),
    city: optString(a, 'city') ?? null,
    country: optString(a, 'country') ?? null,
    line1: optString(a, 'line1') ?? null,
    line2: optString(a, 'line2') ?? null,
    postal_code: optString(a, 'postal_code') ?? null,
    state: optString(a, 'state') ?? null,
  }
}
