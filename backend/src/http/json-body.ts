// The one reader of JSON request bodies: every route takes its body from here, never from
// c.req.json() (which answers malformed JSON with a 500). Whatever the schema after it, the body
// is a JSON object, nested at most MAX_JSON_DEPTH levels (zod's recursive schemas overflow the
// stack on a rule nested thousands deep), and none of its strings holds a value Postgres refuses.
import type { Context } from 'hono'
import { AppError } from '../errors'

/** Far above any body our schemas accept (a rule of 6 groups nests ~14 levels). */
export const MAX_JSON_DEPTH = 32

/** The request's JSON object; an empty body is `{}`, so the schema names what is missing. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  if (!text.trim()) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON; send a JSON object.')
  }
  if (!isObject(parsed))
    throw new AppError('bad_request', 'The request body must be a JSON object.')
  const problem = findUnstorable(parsed)
  if (problem)
    throw new AppError('bad_request', `Invalid request: ${problem.field}: ${problem.message}`, {
      fields: [problem],
    })
  return parsed
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Walks the parsed body without recursion (so depth itself cannot overflow the stack) and names
 * the first problem: too deep, or a string with \u0000 (Postgres text and jsonb refuse it) or a
 * lone UTF-16 surrogate (jsonb refuses it; text would store U+FFFD instead).
 */
function findUnstorable(
  root: Record<string, unknown>
): { field: string; message: string } | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: root, path: '(body)', depth: 1 },
  ]
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!
    if (typeof value === 'string') {
      if (!isStorableText(value))
        return { field: path, message: 'contains \\u0000 or an unpaired surrogate' }
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    if (depth > MAX_JSON_DEPTH)
      return { field: path, message: `nests more than ${MAX_JSON_DEPTH} levels deep` }
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value)
    for (const [key, child] of entries) {
      if (!isStorableText(key))
        return { field: path, message: 'a key contains \\u0000 or an unpaired surrogate' }
      const childPath = path === '(body)' ? key : `${path}.${key}`
      stack.push({ value: child, path: childPath, depth: depth + 1 })
    }
  }
  return undefined
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Text Postgres stores as sent: no \u0000 and no unpaired UTF-16 surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text)
}
