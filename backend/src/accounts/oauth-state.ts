// OAuth `state`: signed (HMAC), single-use (a row consumed atomically) and expiring (10 minutes).
// The mode travels inside it, so the callback knows which platform key exchanges the code.
// /oauth/install is unauthenticated, so rows are bounded: expired ones are swept, and at most
// `maxPending` installs can wait for Stripe's answer at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { and, count, eq, gt, lte } from 'drizzle-orm'
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
  const [pending] = await deps.db.select({ n: count() }).from(oauthStates)
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

/** The state's mode if it is ours, unexpired and unused; it is used up by this call. */
export async function consumeOAuthState(
  deps: { db: Db; now: () => Date; stateKey: Buffer },
  state: string
): Promise<Mode | undefined> {
  const [nonce, mode, signature] = state.split('.')
  if (!nonce || (mode !== 'test' && mode !== 'live') || !signature) return undefined
  const expected = Buffer.from(sign(deps.stateKey, `${nonce}.${mode}`))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  // Deleting the row is what makes the state single-use: a second callback finds nothing.
  const used = await deps.db
    .delete(oauthStates)
    .where(
      and(
        eq(oauthStates.nonce, nonce),
        gt(oauthStates.expiresAt, deps.now()),
        eq(oauthStates.livemode, mode === 'live')
      )
    )
    .returning({ nonce: oauthStates.nonce })
  return used.length === 1 ? mode : undefined
}

const sign = (key: Buffer, body: string) =>
  createHmac('sha256', key).update(body).digest('base64url').slice(0, 32)
