// OAuth `state`: signed (HMAC), single-use (its row's used_at is set atomically by the first
// callback) and expiring (10 minutes). The mode travels inside it, so the callback knows which
// platform key exchanges the code. /oauth/install is unauthenticated, so rows are bounded: expired
// ones (used or not) are swept, and at most `maxPending` unused installs can wait for Stripe at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { and, count, eq, gt, isNull, lte } from 'drizzle-orm'
import type { Db } from '../db/client'
import { oauthStates } from '../db/schema'
import { AppError } from '../errors'
import type { Mode } from '../stripe/mode'

const STATE_TTL_MS = 10 * 60 * 1000

/** Deletes states past their expiry, used or not (also run by the hourly purge job). */
export async function sweepExpiredOAuthStates(deps: { db: Db; now: () => Date }): Promise<void> {
  await deps.db.delete(oauthStates).where(lte(oauthStates.expiresAt, deps.now()))
}

export async function createOAuthState(
  deps: { db: Db; now: () => Date; stateKey: Buffer },
  mode: Mode,
  maxPending: number
): Promise<string> {
  await sweepExpiredOAuthStates(deps)
  const [pending] = await deps.db
    .select({ n: count() })
    .from(oauthStates)
    .where(isNull(oauthStates.usedAt))
  if ((pending?.n ?? 0) >= maxPending) {
    throw new AppError(
      'rate_limited',
      'Too many installs are waiting for Stripe right now. Try again in a few minutes.'
    )
  }
  const nonce = randomBytes(18).toString('base64url')
  await deps.db.insert(oauthStates).values({
    nonce,
    livemode: mode === 'live',
    expiresAt: new Date(deps.now().getTime() + STATE_TTL_MS),
  })
  const body = `${nonce}.${mode}`
  return `${body}.${sign(deps.stateKey, body)}`
}

/**
 * What a callback's state is: `ok` (its mode; the state is used up by this call), `used` (a
 * callback already used it: a replay or a second click) or `invalid` (not ours, or expired).
 */
export type OAuthStateCheck = { ok: true; mode: Mode } | { ok: false; why: 'used' | 'invalid' }

export async function consumeOAuthState(
  deps: { db: Db; now: () => Date; stateKey: Buffer },
  state: string
): Promise<OAuthStateCheck> {
  const invalid = { ok: false, why: 'invalid' } as const
  const [nonce, mode, signature] = state.split('.')
  if (!nonce || (mode !== 'test' && mode !== 'live') || !signature) return invalid
  const expected = Buffer.from(sign(deps.stateKey, `${nonce}.${mode}`))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid
  const now = deps.now()
  const live = and(
    eq(oauthStates.nonce, nonce),
    gt(oauthStates.expiresAt, now),
    eq(oauthStates.livemode, mode === 'live')
  )
  // One UPDATE is what makes the state single-use: of two callbacks racing, one sets used_at.
  const used = await deps.db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(and(live, isNull(oauthStates.usedAt)))
    .returning({ nonce: oauthStates.nonce })
  if (used.length === 1) return { ok: true, mode }
  const [earlier] = await deps.db
    .select({ usedAt: oauthStates.usedAt })
    .from(oauthStates)
    .where(live)
  return earlier?.usedAt ? { ok: false, why: 'used' } : invalid
}

const sign = (key: Buffer, body: string) =>
  createHmac('sha256', key).update(body).digest('base64url').slice(0, 32)
