// The only `new Stripe` in src/. Points at our emulator when STRIPE_API_URL is set.
import Stripe from 'stripe'
import type { Config } from '../config'
import type { Mode } from './mode'

export type StripeFactory = {
  /** A client acting with this key or OAuth access token. */
  forKey(apiKey: string, options?: { maxNetworkRetries?: number }): Stripe
  /** Our own platform client for one mode; undefined when that mode's key is not configured. */
  platform(mode: Mode): Stripe | undefined
}

export function createStripeFactory(config: Config): StripeFactory {
  const local = config.stripeApiUrl ? new URL(config.stripeApiUrl) : undefined
  const make = (apiKey: string, maxNetworkRetries = 2) =>
    new Stripe(apiKey, {
      maxNetworkRetries, // retries 409/5xx/network; safe because writes carry idempotency keys
      telemetry: false,
      timeout: 30_000,
      ...(local
        ? {
            host: local.hostname,
            port: Number(local.port || (local.protocol === 'http:' ? 80 : 443)),
            protocol: local.protocol === 'http:' ? 'http' : 'https',
          }
        : {}),
    })
  const platformClients = new Map<Mode, Stripe>()
  return {
    forKey: (apiKey, options) => make(apiKey, options?.maxNetworkRetries),
    platform(mode) {
      const key = config.stripe.secretKey[mode]
      if (!key) return undefined
      let client = platformClients.get(mode)
      if (!client) platformClients.set(mode, (client = make(key)))
      return client
    },
  }
}
