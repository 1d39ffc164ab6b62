// Who may see the operator page: OPERATOR_TOKEN itself (Authorization: Bearer), a cookie derived
// from it, or a short-lived one-time sign-in code signed with it (the demo prints one).
// Never the token in a URL: URLs end up in proxy logs, browser history and Referer headers.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const OPERATOR_COOKIE = 'holdfast_operator'
export const OPERATOR_COOKIE_MAX_AGE_S = 12 * 60 * 60
const LOGIN_CODE_TTL_MS = 10 * 60 * 1000

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

const hmac = (token: string, purpose: string) =>
  createHmac('sha256', token).update(purpose).digest('base64url')

/** The cookie holds a value derived from the token, not the token, and changes when it rotates. */
export const operatorCookieValue = (token: string) => hmac(token, 'holdfast operator cookie v1')

/** `<expires ms>.<nonce>.<mac>`: valid once (the caller remembers used nonces) until it expires. */
export function createOperatorLoginCode(token: string, now: Date): string {
  const body = `${now.getTime() + LOGIN_CODE_TTL_MS}.${randomBytes(12).toString('base64url')}`
  return `${body}.${hmac(token, `login.${body}`)}`
}

/** The code's nonce and expiry if it is signed with `token` and unexpired. */
export function readOperatorLoginCode(
  token: string,
  code: string,
  now: Date
): { nonce: string; expiresAt: number } | undefined {
  const [expires, nonce, mac] = code.split('.')
  if (!expires || !nonce || !mac || !sameSecret(mac, hmac(token, `login.${expires}.${nonce}`)))
    return undefined
  const expiresAt = Number(expires)
  return expiresAt > now.getTime() ? { nonce, expiresAt } : undefined
}
