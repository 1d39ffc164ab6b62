// Verifies Stripe-Signature headers (webhooks, and the Stripe App's signed requests) against one
// or more secrets, so secrets can be rotated without downtime.
import Stripe from 'stripe'

export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureCheck = { ok: true } | { ok: false; reason: string }

export function verifyStripeSignature(
  payload: string,
  header: string | undefined,
  secrets: string[],
  nowMs?: number
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing Stripe-Signature header' }
  if (secrets.length === 0) return { ok: false, reason: 'no signing secret is configured' }
  let reason = 'signature does not match'
  for (const secret of secrets) {
    try {
      Stripe.webhooks.signature!.verifyHeader(
        payload,
        header,
        secret,
        SIGNATURE_TOLERANCE_SECONDS,
        undefined,
        nowMs
      )
      return { ok: true }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (/timestamp outside the tolerance/i.test(message)) {
        reason = `timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s old`
      } else if (/Unable to extract timestamp and signatures/i.test(message)) {
        return { ok: false, reason: 'malformed Stripe-Signature header' }
      }
    }
  }
  return { ok: false, reason }
}
