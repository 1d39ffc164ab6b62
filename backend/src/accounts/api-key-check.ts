// Checks a pasted restricted key before we store it: it must reach the caller's own account and
// hold every permission Holdfast uses. Probes never change anything: reads list one object, and
// writes target an id that cannot exist, so a permitted write answers 404 and a refused one 403.
import Stripe from 'stripe'
import type { StripeFactory } from '../stripe/client'
import type { Caller } from '../kernel/deps'

type Probe = { permission: string; run(stripe: Stripe): Promise<unknown> }
const PROBE_ID = 'holdfast_permission_probe'

export const requiredPermissions: Probe[] = [
  { permission: 'customer_read', run: (s) => s.customers.list({ limit: 1 }) },
  {
    permission: 'subscription_read',
    run: (s) => s.subscriptions.list({ limit: 1, status: 'all' }),
  },
  {
    permission: 'subscription_write',
    run: (s) => s.subscriptions.update(`sub_${PROBE_ID}`, { metadata: {} }),
  },
  { permission: 'plan_read', run: (s) => s.prices.list({ limit: 1 }) },
  { permission: 'product_read', run: (s) => s.products.list({ limit: 1 }) },
  { permission: 'coupon_read', run: (s) => s.coupons.list({ limit: 1 }) },
  { permission: 'coupon_write', run: (s) => s.coupons.del(PROBE_ID) },
  { permission: 'promotion_code_read', run: (s) => s.promotionCodes.list({ limit: 1 }) },
  { permission: 'invoice_read', run: (s) => s.invoices.list({ limit: 1 }) },
  { permission: 'charge_read', run: (s) => s.charges.list({ limit: 1 }) },
  {
    permission: 'payment_method_read',
    run: (s) => s.customers.listPaymentMethods(`cus_${PROBE_ID}`, { limit: 1 }),
  },
  { permission: 'event_read', run: (s) => s.events.list({ limit: 1 }) },
]

export type ApiKeyCheck = {
  ok: boolean
  /** Permissions the key lacks, in Stripe's names (e.g. subscription_write). */
  missingPermissions: string[]
  message: string
}

export async function checkApiKey(
  deps: { stripe: StripeFactory },
  caller: Pick<Caller, 'accountId' | 'mode'>,
  apiKey: string
): Promise<ApiKeyCheck> {
  const stripe = deps.stripe.forKey(apiKey, { maxNetworkRetries: 1 })
  try {
    const account = await stripe.accounts.retrieveCurrent()
    if (account.id !== caller.accountId) {
      return {
        ok: false,
        missingPermissions: [],
        message: `This key belongs to ${account.id}, not to ${caller.accountId}. Paste a key created in this account.`,
      }
    }
  } catch (err) {
    if (err instanceof Stripe.errors.StripeAuthenticationError) {
      return {
        ok: false,
        missingPermissions: [],
        message: `Stripe does not accept this key: ${err.message}`,
      }
    }
    // A restricted key may not read the account object; the probes below still show what it can do.
    const unknown = err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404
    if (!(err instanceof Stripe.errors.StripePermissionError) && !unknown) throw err
  }
  const missing: string[] = []
  for (const probe of requiredPermissions) {
    try {
      await probe.run(stripe)
    } catch (err) {
      if (err instanceof Stripe.errors.StripePermissionError) missing.push(probe.permission)
      else if (err instanceof Stripe.errors.StripeAuthenticationError) {
        return {
          ok: false,
          missingPermissions: [],
          message: `Stripe does not accept this key: ${err.message}`,
        }
      } else if (!(
        err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404
      )) {
        throw err
      }
    }
  }
  return missing.length === 0
    ? {
        ok: true,
        missingPermissions: [],
        message: 'The key reaches this account with every permission Holdfast needs.',
      }
    : {
        ok: false,
        missingPermissions: missing,
        message: `The key is missing ${missing.length} permission${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}. Edit the key in the Stripe Dashboard and grant them.`,
      }
}
