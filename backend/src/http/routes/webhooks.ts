// POST /webhooks/stripe: verify the signature on the raw body, store the event, then acknowledge.
// The stored row is the job: workers claim unprocessed events from stripe_events (see sync/event-drainer).
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../errors'
import { verifyStripeSignature } from '../../stripe/signatures'
import { createEventWriter } from '../../sync/event-store'
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
  secrets: () => Promise<string[]>,
  onStored: () => void
) {
  const events = createEventWriter(deps.db)
  return new Hono<AppEnv>().post('/webhooks/stripe', async (c) => {
    const receivedAt = deps.now()
    const raw = await c.req.text()
    const check = verifyStripeSignature(
      raw,
      c.req.header('stripe-signature'),
      await secrets(),
      deps.now().getTime()
    )
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
