// Signature on our outbound webhooks, in Stripe's scheme so receivers know it:
// `Holdfast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
// @see https://docs.stripe.com/webhooks#verify-manually
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'Holdfast-Signature'

export function createEndpointSecret(): string {
  return `hfwhsec_${randomBytes(24).toString('base64url')}`
}

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')
  return `t=${timestamp},v1=${v1}`
}

/** What a receiver does; used by tests and documented in the OpenAPI description. */
export function verifySignature(
  payload: string,
  header: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=') as [string, string]))
  const t = Number(parts.get('t'))
  const v1 = parts.get('v1')
  if (!Number.isFinite(t) || !v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false
  const expected = Buffer.from(signPayload(payload, secret, t).split('v1=')[1]!, 'hex')
  const given = Buffer.from(v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
