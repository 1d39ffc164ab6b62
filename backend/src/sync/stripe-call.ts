// Every Stripe request of backfill and reconciliation goes through here: a token from the shared
// rate limiter first, then the call; a 429 slows the limiter down and the request is sent again
// (stripe-node does not retry a plain 429), and 5xx/network errors are retried with back-off unless
// Stripe says `Stripe-Should-Retry: false`. Our clients are made with maxNetworkRetries: 0 so every
// attempt passes the limiter.
import type { Scope } from '../kernel/scope'
import Stripe from 'stripe'
import { errorMessage } from '../log'
import type { RateLimiter } from './rate-limiter'

export type StripeCallContext = {
  limiter: RateLimiter
  scope: Scope
  /** Limiter priority: the object type with the most work left goes first. */
  priority?: () => number
  signal?: AbortSignal
  /** Counts 429s and retried failures (task stats, benchmarks). */
  onRetry?(kind: 'rate_limited' | 'failed', err: unknown): void
}

const MAX_ATTEMPTS = 6
const MAX_RATE_LIMITED = 200

export async function callStripe<T>(
  ctx: StripeCallContext,
  endpoint: string,
  fn: () => Promise<T>
): Promise<T> {
  let failures = 0
  let limited = 0
  for (;;) {
    await ctx.limiter.acquire(ctx.scope, endpoint, {
      priority: ctx.priority?.() ?? 0,
      signal: ctx.signal,
    })
    try {
      return await fn()
    } catch (err) {
      if (ctx.signal?.aborted) throw err
      if (isRateLimited(err)) {
        limited++
        ctx.onRetry?.('rate_limited', err)
        if (limited > MAX_RATE_LIMITED) throw err
        const headers = headersOf(err)
        await ctx.limiter.rateLimited(ctx.scope, endpoint, {
          reason: headers['stripe-rate-limited-reason'],
          retryAfterMs: retryAfterMs(headers),
        })
        continue
      }
      if (!isRetryable(err) || ++failures >= MAX_ATTEMPTS) throw err
      ctx.onRetry?.('failed', err)
      const wait = retryAfterMs(headersOf(err)) ?? Math.min(200 * 2 ** failures, 8_000)
      await sleep(wait * (0.75 + Math.random() * 0.5), ctx.signal)
    }
  }
}

export function isRateLimited(err: unknown): boolean {
  return (
    err instanceof Stripe.errors.StripeRateLimitError ||
    (err instanceof Stripe.errors.StripeError &&
      (err.statusCode === 429 || err.code === 'rate_limit'))
  )
}

/** Network errors, 409 (lock timeouts) and 5xx, unless Stripe says not to retry. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof Stripe.errors.StripeConnectionError) return true
  if (!(err instanceof Stripe.errors.StripeError)) return false
  const shouldRetry = headersOf(err)['stripe-should-retry']
  if (shouldRetry === 'false') return false
  if (shouldRetry === 'true') return true
  const status = err.statusCode ?? 0
  return status === 409 || status >= 500
}

/** The Stripe resource is gone (deleted, or never existed for this account). */
export function isMissing(err: unknown): boolean {
  return (
    err instanceof Stripe.errors.StripeError &&
    (err.statusCode === 404 || err.code === 'resource_missing')
  )
}

export function describeError(err: unknown): string {
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode
      ? ` (HTTP ${err.statusCode}${err.code ? `, ${err.code}` : ''})`
      : ''
    return `Stripe: ${err.message}${status}`
  }
  return errorMessage(err)
}

function headersOf(err: unknown): Record<string, string | undefined> {
  const headers = (err as { headers?: Record<string, unknown> }).headers ?? {}
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(headers))
    out[k.toLowerCase()] = v == null ? undefined : String(v)
  return out
}

function retryAfterMs(headers: Record<string, string | undefined>): number | undefined {
  const value = headers['retry-after']
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}
