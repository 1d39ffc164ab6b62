// Signs requests the way Stripe does: webhooks with a whsec_ secret, Stripe App calls with the
// app's signing secret over {user_id, account_id}.
import Stripe from 'stripe'

export const testWebhookSecret = 'whsec_test_holdfast_harness_secret_0001'
export const testAppSecret = 'absec_test_holdfast_harness_app_secret'

export function signWebhook(
  payload: string,
  secret = testWebhookSecret,
  timestamp?: number
): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
}

export type Merchant = { accountId: string; userId?: string; mode?: 'test' | 'live' }

export function extensionHeaders(merchant: Merchant, secret = testAppSecret, timestamp?: number) {
  const userId = merchant.userId ?? 'usr_agent_1'
  const payload = JSON.stringify({ user_id: userId, account_id: merchant.accountId })
  return {
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
    'x-holdfast-user-id': userId,
    'x-holdfast-account-id': merchant.accountId,
    'x-holdfast-mode': merchant.mode ?? 'test',
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
