// POST /webhooks/stripe: verify the signature on the raw body, store the event, then acknowledge.
// The stored row is the job: workers claim unprocessed events from stripe_events (see sync/event-drainer).
import { Hono } from 'hono'
import { z } from 'zod'
import { describeDataError, isDataError } from '../../db/errors'
import { AppError } from '../../errors'
import { verifyStripeSignature } from '../../stripe/signatures'
import { createEventWriter } from '../../sync/event-store'
import type { WebhookSecret } from '../../sync/webhook-endpoints'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { isStorableText } from '../json-body'

// The envelope goes into text and bigint columns, so its fields must be values Postgres takes;
// only the payload (jsonb) may still be refused, and then it is stored as text (see below).
const StorableText = z.string().refine(isStorableText, 'contains \\u0000 or an unpaired surrogate')
const EventEnvelope = z.object({
  id: StorableText.pipe(z.string().startsWith('evt_').max(255)),
  object: z.literal('event'),
  type: StorableText.pipe(z.string().min(1).max(255)),
  created: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  livemode: z.boolean(),
  account: StorableText.pipe(z.string().startsWith('acct_').max(255)).optional(),
  api_version: StorableText.pipe(z.string().max(255)).nullish(),
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
    const row = {
      id: event.id,
      accountId: event.account ?? null,
      livemode: event.livemode,
      type: event.type,
      created: event.created,
      apiVersion: event.api_version ?? null,
      payload: json as Record<string, unknown>,
      source: 'webhook',
      receivedAt,
    }
    // Stored (and committed) before we answer: a 2xx means Stripe will not send it again.
    const stored = await events.store(row).catch(async (err: unknown) => {
      if (!isDataError(err)) throw err
      // jsonb refused the payload (a \u0000 in it): keep the signed body as text, finished and
      // failed with the reason, and acknowledge, or Stripe would retry it for three days.
      const reason = describeDataError(err)
      deps.log.warn('webhook payload stored as text', { eventId: event.id, reason })
      return events.store({
        ...row,
        payload: { unstorable: true, raw },
        processedAt: receivedAt,
        outcome: 'failed',
        error: `Payload not applied: ${reason}`,
      })
    })
    if (stored) onStored()
    return c.json({ received: true, duplicate: !stored })
  })
}
