// What Stripe signs for a Stripe App request: the extra payload the app passes to
// fetchStripeSignature (mode and the user's Dashboard roles) plus the signed-in user and account.
// The app sends this exact string (base64url, header `x-holdfast-signed-payload`) and the backend
// verifies the signature over those bytes, then trusts only what they say. Stripe refuses to sign
// `stripe_roles` the user does not hold, so the roles cannot be made up.
// @see https://docs.stripe.com/stripe-apps/build-backend
import { z } from 'zod'

export const SIGNED_PAYLOAD_HEADER = 'x-holdfast-signed-payload'

/** A role as the extension context gives it (`userContext.roles`). */
export type DashboardRole = { id?: string; name: string; type?: string }

export type ExtensionIdentity = {
  userId: string
  accountId: string
  livemode: boolean
  roles: readonly DashboardRole[]
}

/** The extra payload for fetchStripeSignature. */
export function signatureExtra(identity: ExtensionIdentity) {
  return { livemode: identity.livemode, stripe_roles: identity.roles.map((r) => ({ ...r })) }
}

/**
 * The string Stripe signs: `{...extra, user_id, account_id}` (Stripe adds the user and account
 * after the extra keys, as the build-backend guide rebuilds it).
 */
export function signedPayloadOf(identity: ExtensionIdentity): string {
  return JSON.stringify({
    ...signatureExtra(identity),
    user_id: identity.userId,
    account_id: identity.accountId,
  })
}

const Role = z.union([
  z.string().min(1),
  z.object({ id: z.string().optional(), name: z.string(), type: z.string().optional() }),
])

/** The verified payload. `livemode` is required: a signature without it reaches no data. */
export const SignedPayload = z.object({
  user_id: z.string().min(1).max(255),
  account_id: z.string().min(1).max(255),
  livemode: z.boolean({ message: 'livemode is missing from the signed payload' }),
  stripe_roles: z.array(Role).max(100).default([]),
})

/** Role keys: the built-in id (`view_only`, `admin`, …), or the name of a custom role. */
export function roleKeysOf(roles: z.infer<typeof SignedPayload>['stripe_roles']): string[] {
  return [...new Set(roles.map((r) => (typeof r === 'string' ? r : (r.id ?? r.name))))]
}
