// Our Connect webhook endpoints (one per mode): at start-up, with platform keys configured, make
// sure each exists at Stripe with connect: true, our API version and the event types we use, and
// repair it when it drifted. Secrets come from the environment and from endpoints we created.
import { eq } from 'drizzle-orm'
import Stripe from 'stripe'
import type { SecretBox } from '../crypto/secret-box'
import type { Db } from '../db/client'
import { webhookSecrets } from '../db/schema'
import type { Logger } from '../log'
import type { StripeFactory } from '../stripe/client'
import { modeOf, type Mode } from '../stripe/mode'

export const webhookEventTypes: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = [
  'account.application.authorized',
  'account.application.deauthorized',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.discount.created',
  'customer.discount.updated',
  'customer.discount.deleted',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  'invoice.created',
  'invoice.updated',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice.deleted',
  'invoice_payment.paid',
  'charge.succeeded',
  'charge.failed',
  'charge.refunded',
  'charge.updated',
  'coupon.created',
  'coupon.updated',
  'coupon.deleted',
  'promotion_code.created',
  'promotion_code.updated',
  'price.created',
  'price.updated',
  'price.deleted',
  'product.created',
  'product.updated',
  'product.deleted',
  'payment_method.attached',
  'payment_method.detached',
  'payment_method.updated',
  'payment_method.automatically_updated',
]

type EndpointDeps = { db: Db; stripe: StripeFactory; secretBox: SecretBox; log: Logger }

export async function ensureWebhookEndpoints(deps: EndpointDeps, publicUrl: string): Promise<void> {
  const url = `${publicUrl}/webhooks/stripe`
  for (const mode of ['test', 'live'] as Mode[]) {
    const platform = deps.stripe.platform(mode)
    if (!platform) continue
    try {
      await ensureOne(deps, platform, mode, url)
    } catch (err) {
      deps.log.error('could not check the webhook endpoint', { mode, err })
    }
  }
}

async function ensureOne(deps: EndpointDeps, stripe: Stripe, mode: Mode, url: string) {
  const ours: Stripe.WebhookEndpoint[] = []
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) ours.push(endpoint)
  }
  const known = new Set((await deps.db.select().from(webhookSecrets)).map((s) => s.endpointId))
  const wanted = new Set<string>(webhookEventTypes)
  let keep: Stripe.WebhookEndpoint | undefined
  for (const endpoint of ours) {
    // The object does not echo `connect`, so we trust endpoints we created (we hold their secret).
    const shapeOk = endpoint.api_version === Stripe.API_VERSION && known.has(endpoint.id)
    if (shapeOk && !keep) {
      keep = endpoint
      continue
    }
    // api_version cannot be changed, and without its secret we cannot verify its deliveries.
    await stripe.webhookEndpoints.del(endpoint.id)
    await deps.db.delete(webhookSecrets).where(eq(webhookSecrets.endpointId, endpoint.id))
    deps.log.warn('removed a drifted webhook endpoint', { mode, endpointId: endpoint.id })
  }
  if (!keep) {
    const created = await stripe.webhookEndpoints.create({
      url,
      connect: true,
      api_version: Stripe.API_VERSION,
      enabled_events: webhookEventTypes,
      description: 'Holdfast: Connect events from installed accounts',
    })
    await deps.db.insert(webhookSecrets).values({
      endpointId: created.id,
      livemode: mode === 'live',
      url,
      secretEnc: deps.secretBox.seal(created.secret!),
    })
    deps.log.info('created the webhook endpoint', { mode, endpointId: created.id })
    return
  }
  const events = new Set(keep.enabled_events)
  const sameEvents = events.size === wanted.size && [...wanted].every((e) => events.has(e))
  if (!sameEvents || keep.status !== 'enabled') {
    await stripe.webhookEndpoints.update(keep.id, {
      enabled_events: webhookEventTypes,
      disabled: false,
    })
    deps.log.info('repaired the webhook endpoint', { mode, endpointId: keep.id })
  }
}

/** A webhook signing secret and the mode of the endpoint it belongs to. */
export type WebhookSecret = { secret: string; mode: Mode }

/** Every secret a webhook may be signed with; cached briefly, refreshed after endpoint changes. */
export function webhookSecretSource(
  deps: { db: Db; secretBox: SecretBox },
  fromEnv: Record<Mode, string[]>
) {
  const configured = (['test', 'live'] as Mode[]).flatMap((mode) =>
    fromEnv[mode].map((secret) => ({ secret, mode }))
  )
  let cached: { at: number; secrets: WebhookSecret[] } | undefined
  return async (): Promise<WebhookSecret[]> => {
    if (cached && Date.now() - cached.at < 30_000) return cached.secrets
    const stored = await deps.db.select().from(webhookSecrets)
    const secrets = [
      ...configured,
      ...stored.map((s) => ({
        secret: deps.secretBox.open(s.secretEnc),
        mode: modeOf(s.livemode),
      })),
    ]
    cached = { at: Date.now(), secrets }
    return secrets
  }
}
