import { and, eq } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { buildDeps } from '../../backend/src/deps'
import { createQueue } from '../../backend/src/queue/queue'
import { startRuntime } from '../../backend/src/runtime'
import { EVENTS_STORED_CHANNEL, storeEvents } from '../../backend/src/sync/event-store'
import {
  accounts,
  stripeCustomers,
  stripeEvents,
  timelineEntries,
  webhookSecrets,
} from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { eventFor, signWebhook } from '../support/signing'
import { testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const merchant = 'acct_1WebhookMerchantA'
const customer = (fields: Record<string, unknown> = {}) => ({
  id: 'cus_webhook_1',
  object: 'customer',
  created: 1_760_000_000,
  email: 'ada@example.com',
  name: 'Ada',
  metadata: {},
  ...fields,
})

async function installed(harness: Harness, accountId = merchant) {
  await harness
    .db()
    .insert(accounts)
    .values({ accountId, livemode: false, status: 'active', connection: 'oauth' })
}

async function storedEvents(harness: Harness) {
  return harness.db().select().from(stripeEvents)
}

async function processed(harness: Harness, count: number) {
  await waitFor(
    async () => (await storedEvents(harness)).filter((e) => e.processedAt !== null).length >= count,
    { what: `${count} processed events` }
  )
}

test('a bad, missing, stale or malformed signature is refused with a reason and nothing is stored', async () => {
  h = await startHarness()
  const event = eventFor('customer.created', customer(), { account: merchant })
  const body = JSON.stringify(event)

  const wrongSecret = await h.postWebhook(body, { secret: 'whsec_someone_else' })
  expect(wrongSecret.status).toBe(400)
  expect(wrongSecret.body.error.message).toBe('Webhook rejected: signature does not match.')

  const stale = await h.postWebhook(body, { timestamp: Math.floor(Date.now() / 1000) - 301 })
  expect(stale.status).toBe(400)
  expect(stale.body.error.message).toContain('more than 300 s old')

  const missing = await h.request('/webhooks/stripe', { method: 'POST', body })
  expect(missing.status).toBe(400)
  expect(missing.body.error.message).toContain('missing Stripe-Signature header')

  const tampered = await h.postWebhook(body.replace('Ada', 'Eve'), { signature: signWebhook(body) })
  expect(tampered.status).toBe(400)

  const notAnEvent = await h.postWebhook(JSON.stringify({ hello: 'world' }))
  expect(notAnEvent.status).toBe(400)
  expect(notAnEvent.body.error.message).toMatch(/^Webhook rejected: not a Stripe event/)

  expect(await storedEvents(h)).toHaveLength(0)
})

test('any of several secrets is accepted, so secrets can be rotated', async () => {
  h = await startHarness({
    env: { STRIPE_WEBHOOK_SECRETS_TEST: 'whsec_old_secret_1,whsec_new_secret_2' },
  })
  const event = eventFor('customer.created', customer(), { account: merchant })
  expect((await h.postWebhook(event, { secret: 'whsec_old_secret_1' })).status).toBe(200)
  const again = eventFor('customer.updated', customer(), { account: merchant })
  expect((await h.postWebhook(again, { secret: 'whsec_new_secret_2' })).status).toBe(200)
})

test('a test-mode secret verifies test events only; a live secret verifies both modes', async () => {
  h = await startHarness({
    env: {
      STRIPE_WEBHOOK_SECRETS_TEST: 'whsec_test_endpoint_secret',
      STRIPE_WEBHOOK_SECRETS_LIVE: 'whsec_live_endpoint_secret',
    },
  })
  const testSecret = { secret: 'whsec_test_endpoint_secret' }
  const liveSecret = { secret: 'whsec_live_endpoint_secret' }
  const event = (livemode: boolean) =>
    eventFor('customer.created', customer(), { account: merchant, livemode })

  const forged = await h.postWebhook(event(true), testSecret)
  expect(forged.status).toBe(400)
  expect(forged.body.error.message).toBe(
    'Webhook rejected: a live event must be signed with a live endpoint secret (STRIPE_WEBHOOK_SECRETS_LIVE), not a test one.'
  )
  expect(await storedEvents(h)).toHaveLength(0)

  expect((await h.postWebhook(event(false), testSecret)).status).toBe(200)
  // A live Connect endpoint also receives the test events of live-connected accounts.
  expect((await h.postWebhook(event(false), liveSecret)).status).toBe(200)
  expect((await h.postWebhook(event(true), liveSecret)).status).toBe(200)
  const stored = await storedEvents(h)
  expect(stored.map((e) => e.livemode).sort()).toEqual([false, false, true])
})

test('the secret of the test endpoint we created cannot verify a live event', async () => {
  h = await startHarness({ emulator: true, env: { STRIPE_WEBHOOK_SECRETS_LIVE: '' } })
  const endpoints = await h.db().select().from(webhookSecrets)
  const secretOf = (livemode: boolean) =>
    h!.deps.secretBox.open(endpoints.find((e) => e.livemode === livemode)!.secretEnc)
  const live = eventFor('customer.created', customer(), { account: merchant, livemode: true })

  const forged = await h.postWebhook(live, { secret: secretOf(false) })
  expect(forged.status).toBe(400)
  expect(forged.body.error.message).toContain(
    'a live event must be signed with a live endpoint secret'
  )
  expect((await h.postWebhook(live, { secret: secretOf(true) })).status).toBe(200)
})

test('one event delivered three times is stored once and applied once', async () => {
  h = await startHarness()
  await installed(h)
  const event = eventFor('customer.created', customer(), { account: merchant })

  const answers = []
  for (let i = 0; i < 3; i++) answers.push(await h.postWebhook(event))

  expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
  expect(answers.map((a) => a.body.duplicate)).toEqual([false, true, true])
  await processed(h, 1)
  const [row] = await storedEvents(h)
  expect(row).toMatchObject({
    id: event.id,
    accountId: merchant,
    type: 'customer.created',
    attempts: 1,
    outcome: 'applied',
  })
  const timeline = await h.db().select().from(timelineEntries)
  expect(timeline.map((t) => t.title)).toEqual(['Customer created'])
})

test('events for unknown or uninstalled accounts are acknowledged and recorded, never applied', async () => {
  h = await startHarness()
  await h
    .db()
    .insert(accounts)
    .values({ accountId: 'acct_gone', livemode: false, status: 'uninstalled', connection: 'oauth' })
  const unknown = eventFor('customer.created', customer(), { account: 'acct_nobody' })
  const gone = eventFor('customer.created', customer({ id: 'cus_2' }), { account: 'acct_gone' })
  const platform = eventFor('customer.created', customer({ id: 'cus_3' }))

  for (const e of [unknown, gone, platform]) expect((await h.postWebhook(e)).status).toBe(200)

  await processed(h, 3)
  const outcomes = Object.fromEntries((await storedEvents(h)).map((e) => [e.id, e.outcome]))
  expect(outcomes).toEqual({
    [unknown.id]: 'ignored_unknown_account',
    [gone.id]: 'ignored_uninstalled',
    [platform.id]: 'ignored_platform_event',
  })
  expect(await h.db().select().from(stripeCustomers)).toHaveLength(0)
})

test('an older event never overwrites newer state, and a delete is final', async () => {
  h = await startHarness()
  await installed(h)
  const newer = eventFor('customer.updated', customer({ email: 'new@example.com' }), {
    account: merchant,
    created: 1_770_000_100,
  })
  const older = eventFor('customer.updated', customer({ email: 'old@example.com' }), {
    account: merchant,
    created: 1_770_000_050,
  })
  await h.postWebhook(newer)
  await processed(h, 1)
  await h.postWebhook(older)
  await processed(h, 2)

  const [row] = await h.db().select().from(stripeCustomers)
  expect(row?.email).toBe('new@example.com')
  expect((await storedEvents(h)).find((e) => e.id === older.id)?.outcome).toBe('ignored_stale')

  const deleted = eventFor('customer.deleted', customer({ deleted: true }), {
    account: merchant,
    created: 1_770_000_200,
  })
  const late = eventFor('customer.updated', customer({ email: 'zombie@example.com' }), {
    account: merchant,
    created: 1_770_000_300,
  })
  await h.postWebhook(deleted)
  await processed(h, 3)
  await h.postWebhook(late)
  await processed(h, 4)

  const [after] = await h
    .db()
    .select()
    .from(stripeCustomers)
    .where(and(eq(stripeCustomers.accountId, merchant), eq(stripeCustomers.id, 'cus_webhook_1')))
  expect(after?.deletedAt).not.toBeNull()
  expect(after?.email).not.toBe('zombie@example.com')
  expect((await storedEvents(h)).find((e) => e.id === late.id)?.outcome).toBe('ignored_tombstoned')
})

test('test-mode and live-mode events for one account land in separate rows', async () => {
  h = await startHarness()
  await installed(h)
  await h
    .db()
    .insert(accounts)
    .values({ accountId: merchant, livemode: true, status: 'active', connection: 'oauth' })
  await h.postWebhook(
    eventFor('customer.created', customer({ email: 'test@example.com' }), { account: merchant })
  )
  await h.postWebhook(
    eventFor('customer.created', customer({ email: 'live@example.com', livemode: true }), {
      account: merchant,
      livemode: true,
    })
  )
  await processed(h, 2)
  const rows = await h.db().select().from(stripeCustomers)
  expect(rows.map((r) => [r.livemode, r.email]).sort()).toEqual([
    [false, 'test@example.com'],
    [true, 'live@example.com'],
  ])
})

test('deliveries arriving together are stored together, and each learns whether it was new', async () => {
  h = await startHarness()
  await installed(h)
  const events = Array.from({ length: 40 }, (_, i) =>
    eventFor('customer.created', customer({ id: `cus_burst_${i}`, email: `b${i}@example.com` }), {
      account: merchant,
    })
  )
  // Every event twice, all at once: the second copy often lands in the same multi-row insert.
  const answers = await Promise.all([...events, ...events].map((e) => h!.postWebhook(e)))

  expect(answers.every((a) => a.status === 200)).toBe(true)
  for (const [i, event] of events.entries()) {
    const copies = [answers[i]!, answers[i + events.length]!].map((a) => a.body.duplicate)
    expect(copies.sort(), event.id).toEqual([false, true])
  }
  await processed(h, 40)
  const rows = await storedEvents(h)
  expect(rows).toHaveLength(40)
  expect(rows.every((r) => r.attempts === 1 && r.outcome === 'applied')).toBe(true)
  expect(await h.db().select().from(stripeCustomers)).toHaveLength(40)
})

test('an event whose payload jsonb refuses is stored as text, failed, and acknowledged; the events beside it apply', async () => {
  h = await startHarness()
  await installed(h)
  const good = Array.from({ length: 10 }, (_, i) =>
    eventFor('customer.created', customer({ id: `cus_ok_${i}` }), { account: merchant })
  )
  // jsonb refuses the NUL character (SQLSTATE 22P05): that insert fails alone, and the event is
  // kept as its signed text, so Stripe is not left retrying it for three days.
  const bad = eventFor('customer.created', customer({ id: 'cus_nul', name: 'A\u0000da' }), {
    account: merchant,
  })
  const answers = await Promise.all([...good, bad].map((e) => h!.postWebhook(e)))

  expect(answers.map((a) => a.status)).toEqual(Array(11).fill(200))
  await processed(h, 11)
  const rows = await storedEvents(h)
  expect(rows.map((r) => r.id).sort()).toEqual([...good, bad].map((e) => e.id).sort())
  const failed = rows.find((r) => r.id === bad.id)!
  expect(failed).toMatchObject({
    outcome: 'failed',
    payload: { unstorable: true, raw: JSON.stringify(bad) },
  })
  expect(failed.error).toMatch(/^Payload not applied: A value in the request cannot be stored/)
  expect(rows.filter((r) => r.outcome === 'applied')).toHaveLength(10)
  expect(await h.db().select().from(stripeCustomers)).toHaveLength(10)
})

test('storing events notifies listeners on the database, in this process or another', async () => {
  h = await startHarness()
  // On Postgres a second connection stands for another process; PGlite has only the one.
  const other = h.testDb.kind === 'postgres' ? await h.testDb.open() : h.database
  let notified = 0
  const unlisten = await other.listen(EVENTS_STORED_CHANNEL, () => notified++)
  try {
    const event = eventFor('customer.created', customer(), { account: merchant })
    await storeEvents(h.db(), [
      {
        id: event.id,
        accountId: merchant,
        livemode: false,
        type: event.type,
        created: event.created,
        payload: event,
        source: 'webhook',
      },
    ])
    await waitFor(() => notified > 0, { what: 'a notification' })
  } finally {
    await unlisten()
    if (other !== h.database) await other.close()
  }
})

test.skipIf(testDbKind() !== 'postgres')(
  'a web process without workers stores events; a worker process on the same database applies them',
  async () => {
    h = await startHarness({
      env: { WEBHOOK_WORKERS: '0', TRAITS_WORKERS: '0', SYNC_WORKERS: '0' },
    })
    await installed(h)
    const first = eventFor('customer.created', customer(), { account: merchant })
    expect((await h.postWebhook(first)).status).toBe(200)
    const [waiting] = await storedEvents(h)
    expect(waiting).toMatchObject({ id: first.id, processedAt: null, attempts: 0 })

    const database = await h.testDb.open()
    const queue = createQueue(database, h.log)
    await queue.start()
    const worker = await startRuntime(
      buildDeps({ ...h.config, webhookWorkers: 2, traitsWorkers: 1 }, database, queue, h.log)
    )
    try {
      await processed(h, 1)
      // The worker is idle now; a new event wakes it through the database.
      const second = eventFor('customer.updated', customer({ name: 'Ada L.' }), {
        account: merchant,
        created: first.created + 1,
      })
      expect((await h.postWebhook(second)).status).toBe(200)
      await processed(h, 2)
      const [row] = await h.db().select().from(stripeCustomers)
      expect(row?.name).toBe('Ada L.')
    } finally {
      await worker.drainer.stop()
      await worker.syncRunner.stop()
      await queue.stop(5_000)
      await database.close()
    }
  }
)
