// Authenticates the Stripe App: the UI asks Stripe (fetchStripeSignature) to sign
// {livemode, stripe_roles, user_id, account_id} and sends that exact payload with the signature;
// we verify it with the app's signing secret. Account, user, mode and roles come only from the
// verified payload, never from anything else the client says: an unsigned mode header once let a
// test-mode signature act on live data. A signature without `livemode` (an app version from
// before mode was signed) is refused rather than read as test mode, so a live Dashboard never
// silently shows test data.
// @see https://docs.stripe.com/stripe-apps/build-backend
import type { MiddlewareHandler } from 'hono'
import {
  roleKeysOf,
  SignedPayload,
  SIGNED_PAYLOAD_HEADER,
} from '@holdfast/shared/api/extension-signature'
import { AppError } from '../../errors'
import { addLogContext } from '../../log'
import { verifyStripeSignature } from '../../stripe/signatures'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'

export const extensionHeaders = { signedPayload: SIGNED_PAYLOAD_HEADER } as const

/** Base64url (or base64) of the signed JSON; at most this long, far above any real role list. */
const MAX_SIGNED_PAYLOAD_CHARS = 16_384

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
    const encoded = c.req.header(SIGNED_PAYLOAD_HEADER)
    const signature = c.req.header('stripe-signature')
    if (!encoded || !signature) {
      throw new AppError(
        'unauthorized',
        `This request is not signed by the Stripe App (missing Stripe-Signature or ${SIGNED_PAYLOAD_HEADER}). Reload the page to get the current app.`
      )
    }
    if (encoded.length > MAX_SIGNED_PAYLOAD_CHARS)
      throw new AppError('unauthorized', `${SIGNED_PAYLOAD_HEADER} is too long.`)
    const payload = Buffer.from(encoded, 'base64url').toString('utf8')
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
    const claims = parseSignedPayload(payload)

    const accountId = claims.account_id
    const wait = limiter(accountId)
    if (wait > 0) {
      c.header('retry-after', String(Math.ceil(wait / 1000)))
      throw new AppError(
        'rate_limited',
        `Too many requests for ${accountId}; try again in ${Math.ceil(wait / 1000)} s.`
      )
    }
    c.set('caller', {
      accountId,
      userId: claims.user_id,
      mode: claims.livemode ? 'live' : 'test',
      livemode: claims.livemode,
      roles: roleKeysOf(claims.stripe_roles),
    })
    addLogContext({ accountId })
    await next()
  }
}

function parseSignedPayload(payload: string) {
  let json: unknown
  try {
    json = JSON.parse(payload)
  } catch {
    throw new AppError('unauthorized', 'The signed payload is not JSON. Reload the page.')
  }
  const parsed = SignedPayload.safeParse(json)
  if (!parsed.success) {
    const missingMode = parsed.error.issues.some((i) => i.path[0] === 'livemode')
    throw new AppError(
      'unauthorized',
      missingMode
        ? 'This signature does not include the mode (livemode), so Holdfast cannot tell test from live data. Reload the page to get the current app.'
        : `The signed payload is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`
    )
  }
  return parsed.data
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
