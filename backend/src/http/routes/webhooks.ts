// POST /webhooks/stripe: verify the signature on the raw body, store the event, then acknowledge.
// The stored row is the job: workers claim unprocessed events from stripe_events (see sync/event-drainer).
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../errors'
import { verifyStripeSignature } from '../../stripe/signatures'
import { createEventWriter } from '../../sync/event-store'
import type { WebhookSecret } from '../../sync/webhook-endpoints'
import type { AppDeps, AppEnv } from '../context'

const EventEnvelope = z.object({
  id: z.string().startsWith('evt_'),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int(),
  livemode: z.boolean(),
  account: z.string().startsWith('acct_').optional(),
  api_version: z.string().nullish(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
})

export function webhookRoutes(
  deps: AppDeps,
  secrets: () => Promise<WebhookSecret[]>,
  onStored: () => void
) {
  const events = createEventWriter(deps.db)
  return new Hono<AppEnv>().post('/webhooks/stripe', async (c) => {
    const receivedAt = deps.now()
    const raw = await c.req.text()
    const known = await secrets()
    const verify = (only: WebhookSecret[]) =>
      verifyStripeSignature(
        raw,
        c.req.header('stripe-signature'),
        only.map((s) => s.secret),
        deps.now().getTime()
      )
    const check = verify(known)
    if (!check.ok) throw new AppError('bad_request', `Webhook rejected: ${check.reason}.`)
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      throw new AppError('bad_request', 'Webhook rejected: the body is not JSON.')
    }
    const envelope = EventEnvelope.safeParse(json)
    if (!envelope.success) {
      throw new AppError(
        'bad_request',
        `Webhook rejected: not a Stripe event (${envelope.error.issues[0]?.message}).`
      )
    }
    const event = envelope.data
    // A live event needs a live endpoint's secret; a live Connect endpoint also gets test events
    // (docs/stripe-api-notes.md §5), so a live secret verifies both and a test secret only test.
    if (event.livemode && !verify(known.filter((s) => s.mode === 'live')).ok) {
      throw new AppError(
        'bad_request',
        'Webhook rejected: a live event must be signed with a live endpoint secret (STRIPE_WEBHOOK_SECRETS_LIVE), not a test one.'
      )
    }
    // Stored (and committed) before we answer: a 2xx means Stripe will not send it again.
    const stored = await events.store({
      id: event.id,
      accountId: event.account ?? null,
      livemode: event.livemode,
      type: event.type,
      created: event.created,
      apiVersion: event.api_version ?? null,
      payload: json as Record<string, unknown>,
      source: 'webhook',
      receivedAt,
    })
    if (stored) onStored()
    return c.json({ received: true, duplicate: !stored })
  })
}
