// Signs requests the way Stripe does: webhooks with a whsec_ secret, Stripe App calls with the
// app's signing secret over {livemode, stripe_roles, user_id, account_id}.
import Stripe from 'stripe'
import {
  SIGNED_PAYLOAD_HEADER,
  signedPayloadOf,
  type ExtensionIdentity,
} from '@holdfast/shared/api/extension-signature'

export const testWebhookSecret = 'whsec_test_holdfast_harness_secret_0001'
export const testAppSecret = 'absec_test_holdfast_harness_app_secret'

export function signWebhook(
  payload: string,
  secret = testWebhookSecret,
  timestamp?: number
): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
}

export type Merchant = {
  accountId: string
  userId?: string
  mode?: 'test' | 'live'
  /** Dashboard role ids Stripe signs for the user; default `['admin']` (may do everything). */
  roles?: string[]
}

/** What Stripe does for fetchStripeSignature(extra): sign `{...extra, user_id, account_id}`. */
export function stripeSignatureFor(
  extra: Record<string, unknown>,
  user: { userId: string; accountId: string },
  secret = testAppSecret,
  timestamp?: number
): string {
  const payload = JSON.stringify({ ...extra, user_id: user.userId, account_id: user.accountId })
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
}

export function identityOf(merchant: Merchant): ExtensionIdentity {
  return {
    userId: merchant.userId ?? 'usr_agent_1',
    accountId: merchant.accountId,
    livemode: (merchant.mode ?? 'test') === 'live',
    roles: (merchant.roles ?? ['admin']).map((id) => ({ id, name: id, type: 'builtIn' })),
  }
}

/** Headers of a Stripe App request, signed as Stripe signs them (mode and roles included). */
export function extensionHeaders(merchant: Merchant, secret = testAppSecret, timestamp?: number) {
  return signedHeaders(signedPayloadOf(identityOf(merchant)), secret, timestamp)
}

/** Headers carrying exactly `payload`, signed: for tests of old or tampered payloads. */
export function signedHeaders(payload: string, secret = testAppSecret, timestamp?: number) {
  return {
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
    [SIGNED_PAYLOAD_HEADER]: Buffer.from(payload, 'utf8').toString('base64url'),
  }
}

let counter = 0
/** A minimal Stripe event envelope around an object (tests build the object in Stripe's shape). */
export function eventFor(
  type: string,
  object: Record<string, unknown>,
  options: {
    account?: string
    created?: number
    livemode?: boolean
    id?: string
    previous?: Record<string, unknown>
  } = {}
) {
  counter += 1
  return {
    id: options.id ?? `evt_test_${Date.now().toString(36)}_${counter}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    livemode: options.livemode ?? false,
    ...(options.account ? { account: options.account } : {}),
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object, ...(options.previous ? { previous_attributes: options.previous } : {}) },
  }
}
