// Authenticates the Stripe App: the UI gets a signature over {user_id, account_id} from Stripe
// (fetchStripeSignature) and we verify it with the app's signing secret. Account and user come
// only from that verified payload, never from anything else the client says.
// @see https://docs.stripe.com/stripe-apps/build-backend
import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../errors'
import { addLogContext } from '../../log'
import { verifyStripeSignature } from '../../stripe/signatures'
import type { AppDeps, AppEnv } from '../context'

export const extensionHeaders = {
  userId: 'x-holdfast-user-id',
  accountId: 'x-holdfast-account-id',
  mode: 'x-holdfast-mode',
} as const

export function verifyExtensionSignature(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const limiter = createAccountRateLimiter(deps.config.apiRateLimitPerMinute, () =>
    deps.now().getTime()
  )
  return async (c, next) => {
    if (deps.config.stripe.appSecrets.length === 0) {
      throw new AppError(
        'unavailable',
        'The Holdfast backend has no STRIPE_APP_SECRET configured, so it cannot verify the app.'
      )
    }
    const userId = c.req.header(extensionHeaders.userId)
    const accountId = c.req.header(extensionHeaders.accountId)
    const signature = c.req.header('stripe-signature')
    if (!userId || !accountId || !signature) {
      throw new AppError(
        'unauthorized',
        'This request is not signed by the Stripe App (missing signature, user or account).'
      )
    }
    // Names and order matter: Stripe signs exactly {"user_id":…,"account_id":…}.
    const payload = JSON.stringify({ user_id: userId, account_id: accountId })
    const check = verifyStripeSignature(
      payload,
      signature,
      deps.config.stripe.appSecrets,
      deps.now().getTime()
    )
    if (!check.ok)
      throw new AppError(
        'unauthorized',
        `The Stripe App signature was rejected: ${check.reason}. Reload the page.`
      )

    const mode = c.req.header(extensionHeaders.mode)
    if (mode !== 'test' && mode !== 'live') {
      throw new AppError('bad_request', `${extensionHeaders.mode} must be "test" or "live".`)
    }
    const wait = limiter(accountId)
    if (wait > 0) {
      c.header('retry-after', String(Math.ceil(wait / 1000)))
      throw new AppError(
        'rate_limited',
        `Too many requests for ${accountId}; try again in ${Math.ceil(wait / 1000)} s.`
      )
    }
    c.set('caller', { accountId, userId, mode, livemode: mode === 'live' })
    addLogContext({ accountId })
    await next()
  }
}

/** Token bucket per account (per process): returns 0 to go ahead, or ms until a token is free. */
export function createAccountRateLimiter(perMinute: number, nowMs: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>()
  const refillPerMs = perMinute / 60_000
  return (key: string): number => {
    const now = nowMs()
    const bucket = buckets.get(key) ?? { tokens: perMinute, at: now }
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * refillPerMs)
    bucket.at = now
    buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return (1 - bucket.tokens) / refillPerMs
  }
}
