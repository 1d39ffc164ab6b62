// The Dashboard renders views with its own React 17 and in a sandboxed iframe: no React-18-only
// APIs, no storage or DOM APIs, and every backend call through api/client.ts.
// @see https://docs.stripe.com/stripe-apps/how-ui-extensions-work
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { expect, test } from 'vitest'

const src = import.meta.dirname

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

const REACT_18_ONLY = [
  'useId',
  'useTransition',
  'useDeferredValue',
  'useSyncExternalStore',
  'useInsertionEffect',
  'startTransition',
  'createRoot',
  'hydrateRoot',
]
const SANDBOX_FORBIDDEN = [
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'BroadcastChannel',
  'document.',
  'window.',
]

test.each(sources(src).map((f) => [relative(src, f), f]))(
  '%s stays inside the sandbox rules',
  (_, file) => {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '')
    for (const api of REACT_18_ONLY) expect(text, api).not.toMatch(new RegExp(`\\b${api}\\b`))
    for (const api of SANDBOX_FORBIDDEN) expect(text.includes(api), api).toBe(false)
    expect(text, 'ref').not.toMatch(/\bref=\{/)
    if (!file.endsWith(join('api', 'client.ts'))) {
      expect(text, 'fetch').not.toMatch(/\bfetch\(/)
      expect(text, 'fetchStripeSignature').not.toMatch(/fetchStripeSignature/)
    }
  }
)
