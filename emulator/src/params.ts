// Typed readers over parsed form params. Each throws Stripe's 400 naming the bad param.
import { invalidEnum, invalidParam, missingParam } from './errors'
import type { FormObject, FormValue } from './form'

export type Params = FormObject

export function optString(p: Params, key: string): string | undefined {
  const v = p[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw invalidParam(key, `Invalid string: ${key}`)
  return v
}

export function reqString(p: Params, key: string): string {
  const v = optString(p, key)
  if (v === undefined || v === '') throw missingParam(key)
  return v
}

/** `''` means "unset": returned as null. */
export function optNullableString(p: Params, key: string): string | null | undefined {
  const v = optString(p, key)
  if (v === '') return null
  return v
}

export function optInt(p: Params, key: string): number | undefined {
  const v = optString(p, key)
  if (v === undefined || v === '') return undefined
  if (!/^-?\d+$/.test(v)) throw invalidParam(key, `Invalid integer: ${v}`)
  return Number(v)
}

export function optNumber(p: Params, key: string): number | undefined {
  const v = optString(p, key)
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw invalidParam(key, `Invalid decimal: ${v}`)
  return n
}

export function optBool(p: Params, key: string): boolean | undefined {
  const v = optString(p, key)
  if (v === undefined || v === '') return undefined
  if (v === 'true') return true
  if (v === 'false') return false
  throw invalidParam(key, `Invalid boolean: ${v}`)
}

export function optObject(p: Params, key: string): Params | undefined {
  const v = p[key]
  if (v === undefined) return undefined
  if (v === '') return undefined
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(key, `Invalid object`)
  return v
}

/** `''` means "unset" (null); an absent param is undefined. */
export function optNullableObject(p: Params, key: string): Params | null | undefined {
  if (p[key] === '') return null
  return optObject(p, key)
}

export function optArray(p: Params, key: string): FormValue[] | undefined {
  const v = p[key]
  if (v === undefined) return undefined
  if (v === '') return []
  if (Array.isArray(v)) return v
  if (typeof v === 'object' && Object.keys(v).length === 0) return []
  throw invalidParam(key, `Invalid array`)
}

export function optStringArray(p: Params, key: string): string[] | undefined {
  const v = optArray(p, key)
  if (v === undefined) return undefined
  return v.map((x, i) => {
    if (typeof x !== 'string') throw invalidParam(`${key}[${i}]`, `Invalid string`)
    return x
  })
}

export function optObjectArray(p: Params, key: string): Params[] | undefined {
  const v = optArray(p, key)
  if (v === undefined) return undefined
  return v.map((x, i) => {
    if (typeof x !== 'object' || Array.isArray(x))
      throw invalidParam(`${key}[${i}]`, `Invalid object`)
    return x
  })
}

export function optEnum<T extends string>(
  p: Params,
  key: string,
  allowed: readonly T[]
): T | undefined {
  const v = optString(p, key)
  if (v === undefined) return undefined
  if (!(allowed as readonly string[]).includes(v)) {
    throw invalidEnum(key, allowed)
  }
  return v as T
}

export type Metadata = Record<string, string>

/** Merge `metadata[k]=v` into existing metadata; `metadata[k]=''` removes k, `metadata=''` clears. */
export function mergeMetadata(existing: Metadata, p: Params): Metadata {
  if (p.metadata === undefined) return existing
  if (p.metadata === '') return {}
  const patch = optObject(p, 'metadata') ?? {}
  const next = { ...existing }
  for (const [k, v] of Object.entries(patch)) {
    if (typeof v !== 'string') throw invalidParam(`metadata[${k}]`, 'Invalid metadata value')
    if (v === '') delete next[k]
    else next[k] = v
  }
  return next
}

/** `created=123` or `created[gte]=…` etc. Returns a predicate over a unix timestamp. */
export function rangeFilter(p: Params, key: string): ((t: number) => boolean) | undefined {
  const v = p[key]
  if (v === undefined) return undefined
  if (typeof v === 'string') {
    const n = optInt(p, key)
    return n === undefined ? undefined : (t) => t === n
  }
  const r = optObject(p, key) ?? {}
  const gt = optInt(r, 'gt')
  const gte = optInt(r, 'gte')
  const lt = optInt(r, 'lt')
  const lte = optInt(r, 'lte')
  return (t) =>
    (gt === undefined || t > gt) &&
    (gte === undefined || t >= gte) &&
    (lt === undefined || t < lt) &&
    (lte === undefined || t <= lte)
}

export function expandPaths(p: Params): string[] {
  return optStringArray(p, 'expand') ?? []
}
