import Stripe from 'stripe'
import { afterEach, expect, test } from 'vitest'
import { webhookSecrets } from '../../backend/src/db/schema'
import { ensureWebhookEndpoints, webhookEventTypes } from '../../backend/src/sync/webhook-endpoints'
import { startHarness, type Harness } from '../support/harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('start-up creates one Connect endpoint per mode and repairs drift', async () => {
  h = await startHarness({ emulator: true })
  const platform = h.deps.stripe.platform('test')!
  const url = 'https://holdfast.test/webhooks/stripe'
  const list = async () =>
    (await platform.webhookEndpoints.list({ limit: 100 })).data.filter((e) => e.url === url)

  const [endpoint] = await list()
  expect(endpoint).toMatchObject({ api_version: Stripe.API_VERSION, status: 'enabled' })
  expect(new Set(endpoint!.enabled_events)).toEqual(new Set(webhookEventTypes))
  expect(await h.db().select().from(webhookSecrets)).toHaveLength(2) // test and live

  // Someone narrows the events and disables it in the Dashboard.
  await platform.webhookEndpoints.update(endpoint!.id, {
    enabled_events: ['customer.created'],
    disabled: true,
  })
  await ensureWebhookEndpoints(h.deps, h.config.publicUrl)
  const [repaired] = await list()
  expect(repaired!.id).toBe(endpoint!.id)
  expect(repaired!.status).toBe('enabled')
  expect(new Set(repaired!.enabled_events)).toEqual(new Set(webhookEventTypes))

  // A second start changes nothing.
  await ensureWebhookEndpoints(h.deps, h.config.publicUrl)
  expect((await list()).map((e) => e.id)).toEqual([endpoint!.id])
})
