// Stripe's wire format: application/x-www-form-urlencoded with bracket notation
// (`items[0][price]=…`, `metadata[k]=v`, `expand[0]=…`). Parsed into plain nested objects and arrays.

export type FormValue = string | FormValue[] | { [key: string]: FormValue }
export type FormObject = { [key: string]: FormValue }

export function parseForm(text: string): FormObject {
  const root: FormObject = {}
  if (!text) return root
  for (const pair of text.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const rawKey = eq === -1 ? pair : pair.slice(0, eq)
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1)
    const key = decode(rawKey)
    const value = decode(rawValue)
    assign(root, splitKey(key), value)
  }
  return compactArrays(root) as FormObject
}

function decode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '))
}

// `a[b][0][c]` → ['a', 'b', '0', 'c']; `a[]` → ['a', '']
function splitKey(key: string): string[] {
  const open = key.indexOf('[')
  if (open === -1) return [key]
  const parts = [key.slice(0, open)]
  const re = /\[([^\]]*)\]/g
  let m: RegExpExecArray | null
  while ((m = re.exec(key.slice(open))) !== null) parts.push(m[1] ?? '')
  return parts
}

type Node = { [key: string]: Node | string }

function assign(target: FormObject, path: string[], value: string): void {
  let node = target as unknown as Node
  for (let i = 0; i < path.length; i++) {
    let part = path[i] as string
    const last = i === path.length - 1
    if (part === '') part = String(Object.keys(node).length) // `a[]=x` appends
    if (last) {
      node[part] = value
      return
    }
    const next = node[part]
    if (typeof next !== 'object') node[part] = {}
    node = node[part] as Node
  }
}

// Objects whose keys are exactly 0..n-1 become arrays.
function compactArrays(value: unknown): FormValue {
  if (typeof value === 'string') return value
  const obj = value as Record<string, unknown>
  const keys = Object.keys(obj)
  const out: FormObject = {}
  for (const k of keys) out[k] = compactArrays(obj[k])
  const isArray =
    keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) && keys.every((_, i) => i in obj)
  if (isArray) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => out[k] as FormValue)
  return out
}

export function encodeForm(params: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}[${k}]` : k
    if (v === undefined) continue
    if (v !== null && typeof v === 'object') {
      const nested = encodeForm(v as Record<string, unknown>, key)
      if (nested) parts.push(nested)
    } else {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v === null ? '' : String(v))}`)
    }
  }
  return parts.join('&')
}
