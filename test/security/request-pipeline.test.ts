// Bad input over real HTTP never gets a 500 and never stops the service: size limits before a
// body is read (413), one JSON reader (400), values Postgres refuses (400), a signed webhook
// jsonb cannot hold (stored as text, failed, acknowledged). The app listens on a port here, so
// bodies stream through @hono/node-server as they do in production.
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { outboundEndpoints, stripeEvents } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { eventFor, extensionHeaders, signWebhook, type Merchant } from '../support/signing'

let h: Harness
let server: ServerType
let base: string
let merchant: Merchant
let ingestKey: string

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  merchant = await h.installMerchant()
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = await send('POST', '/api/v1/settings/ingest-key', '{}')
  expect(key.status).toBe(201)
  ingestKey = key.body.key
})

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()))
  await h?.close()
})

const now = () => Math.floor(h.deps.now().getTime() / 1000)

/** One request over HTTP; `body` is sent as is (a string), signed as the merchant for /api. */
async function send(method: string, path: string, body?: string, headers = {}) {
  const auth = path.startsWith('/api/') ? extensionHeaders(merchant, undefined, now()) : {}
  const res = await fetch(base + path, {
    method,
    body,
    headers: { 'content-type': 'application/json', ...auth, ...headers },
  })
  const text = await res.text()
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed }
}

/** Streams a chunked body of up to `total` bytes, stopping as soon as the server answers. */
function streamUntilAnswered(path: string, total: number) {
  return new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    const req = httpRequest(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    })
    let sent = 0
    let answered = false
    req.on('response', (res) => {
      answered = true
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body, sent }))
    })
    // The server closes the connection after its answer; a write racing that is expected.
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const write = () => {
      if (answered || req.destroyed) return
      if (sent >= total) return void req.end()
      sent += chunk.length
      if (req.write(chunk)) setImmediate(write)
      else req.once('drain', write)
    }
    write()
  })
}

const track = (body: unknown) =>
  send('POST', '/v1/track', JSON.stringify(body), { authorization: `Bearer ${ingestKey}` })

/** A preview body whose rule nests `depth` groups (built as text: JSON.stringify recurses). */
function nestedRuleBody(depth: number) {
  const condition = '{"trait":"subscription.status","op":"exists"}'
  return `{"rule":${'{"match":"all","rules":['.repeat(depth)}${condition}${']}'.repeat(depth)}}`
}

const JSON_ROUTES: Array<[string, string]> = [
  ['POST', '/api/v1/segments'],
  ['POST', '/api/v1/segments/preview'],
  ['PATCH', '/api/v1/segments/00000000-0000-4000-8000-000000000000'],
  ['POST', '/api/v1/offers'],
  ['PATCH', '/api/v1/offers/00000000-0000-4000-8000-000000000000'],
  ['PUT', '/api/v1/stages/settings'],
  ['PUT', '/api/v1/settings/identity'],
  ['PUT', '/api/v1/settings/roles/analyst'],
  ['POST', '/api/v1/account/api-key'],
  ['POST', '/api/v1/outbound/endpoints'],
  ['POST', '/api/v1/sync/import'],
  ['POST', '/api/v1/subscriptions/sub_x/pause-collection'],
  ['POST', '/api/v1/subscriptions/sub_x/change-plan/preview'],
  ['POST', '/v1/track'],
]

describe('malformed JSON is a 400 on every route that reads JSON', () => {
  const headersFor = (path: string) =>
    path === '/v1/track' ? { authorization: `Bearer ${ingestKey}` } : {}
  test.each(JSON_ROUTES)('%s %s', async (method, path) => {
    const broken = await send(method, path, '{"name": "unfinished', headersFor(path))
    expect(broken.status).toBe(400)
    expect(broken.body.error).toMatchObject({
      code: 'bad_request',
      message: 'The request body is not valid JSON; send a JSON object.',
    })
    const array = await send(method, path, '[1, 2]', headersFor(path))
    expect(array.status).toBe(400)
    expect(array.body.error.message).toBe('The request body must be a JSON object.')
    const nul = await send(method, path, JSON.stringify({ name: 'A\u0000da' }), headersFor(path))
    expect(nul.status).toBe(400)
    expect(nul.body.error.fields).toEqual([
      { field: 'name', message: 'contains \\u0000 or an unpaired surrogate' },
    ])
  })
})

describe('body size limits', () => {
  test('a JSON body over 256 KB is refused with 413, and the connection is not reused', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(300 * 1024) })
    const res = await send('POST', '/api/v1/segments', big)
    expect(res.status).toBe(413)
    expect(res.body.error).toMatchObject({
      code: 'payload_too_large',
      message: 'The request body is over the 256 KB limit for this API.',
    })
    expect(res.headers.get('connection')).toBe('close')
  })

  test('an unsigned 100 MB webhook is refused with 413 from its Content-Length, unread', async () => {
    // Only 64 KB of the announced 100 MB is ever sent: the answer must come without the rest.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(base + '/webhooks/stripe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.write(Buffer.alloc(64 * 1024, 0x20))
    })
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body).error).toMatchObject({
      code: 'payload_too_large',
      message: 'The request body is over the 2048 KB limit for Stripe webhooks.',
    })
  })

  test('a chunked webhook body is cut off once it passes 2 MB', async () => {
    // No Content-Length: the limit counts bytes as they stream and answers once past 2 MB.
    const { status, body, sent } = await streamUntilAnswered('/webhooks/stripe', 4 * 1024 * 1024)
    expect(status).toBe(413)
    expect(JSON.parse(body).error.code).toBe('payload_too_large')
    expect(sent).toBeLessThan(4 * 1024 * 1024)
  })

  test('a signed webhook under 2 MB is accepted', async () => {
    const event = eventFor(
      'customer.created',
      { id: 'cus_big', object: 'customer', metadata: {}, description: 'y'.repeat(400 * 1024) },
      { account: merchant.accountId }
    )
    const body = JSON.stringify(event)
    const res = await send('POST', '/webhooks/stripe', body, {
      'stripe-signature': signWebhook(body, undefined, now()),
    })
    expect(res.status).toBe(200)
  })
})

describe('values Postgres refuses are 400s', () => {
  test('a NUL byte in a path parameter reaches the database and answers 400', async () => {
    const res = await send('GET', '/api/v1/customers/cus_%00x')
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('cannot be stored'),
    })
  })

  test('a signed webhook whose payload jsonb refuses is stored as text, failed, and acknowledged', async () => {
    const event = eventFor(
      'customer.created',
      { id: 'cus_nul', object: 'customer', metadata: {}, name: 'A\u0000da' },
      { account: merchant.accountId }
    )
    const body = JSON.stringify(event)
    const res = await send('POST', '/webhooks/stripe', body, {
      'stripe-signature': signWebhook(body, undefined, now()),
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ received: true, duplicate: false })
    const [row] = await h.db().select().from(stripeEvents).where(eq(stripeEvents.id, event.id))
    expect(row).toMatchObject({
      type: 'customer.created',
      accountId: merchant.accountId,
      outcome: 'failed',
      payload: { unstorable: true, raw: body },
    })
    expect(row!.processedAt).not.toBeNull()
    expect(row!.error).toContain('\\u0000')
    // Stripe's retry of it is a duplicate, not a second failure.
    const again = await send('POST', '/webhooks/stripe', body, {
      'stripe-signature': signWebhook(body, undefined, now()),
    })
    expect(again.body).toEqual({ received: true, duplicate: true })
  })

  test('a signed webhook with a NUL in its id or an out-of-range created is a 400, not a 500', async () => {
    for (const fields of [{ id: 'evt_\u0000' }, { created: 1e300 }]) {
      const event = {
        ...eventFor('customer.created', { id: 'cus_1', object: 'customer' }),
        ...fields,
      }
      const body = JSON.stringify(event)
      const res = await send('POST', '/webhooks/stripe', body, {
        'stripe-signature': signWebhook(body, undefined, now()),
      })
      expect(res.status).toBe(400)
      expect(res.body.error.message).toMatch(/^Webhook rejected: not a Stripe event/)
    }
  })
})

describe('wrong values the schemas now refuse', () => {
  test.each([
    [8.64e12 + 1, 'timestamp'],
    [9e15, 'timestamp'],
    ['+275760-09-14T00:00:00Z', 'timestamp'],
    ['0000-01-01T00:00:00Z', 'timestamp'],
  ])('/v1/track timestamp %s is a 400', async (timestamp, field) => {
    const res = await track({ customerId: 'cus_x', event: 'login', timestamp })
    expect(res.status).toBe(400)
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field)
  })

  test('PATCH {} on an outbound endpoint is a 400 saying what to send', async () => {
    const [endpoint] = await h
      .db()
      .insert(outboundEndpoints)
      .values({
        accountId: merchant.accountId,
        livemode: false,
        url: 'https://hooks.example.test/holdfast',
        eventTypes: ['segment.entered'],
        secretEnc: h.deps.secretBox.seal('whsec_test'),
      })
      .returning()
    const res = await send('PATCH', `/api/v1/outbound/endpoints/${endpoint!.id}`, '{}')
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe(
      'Invalid request: (body): give at least one of url, eventTypes or enabled to change'
    )
    const broken = await send('PATCH', `/api/v1/outbound/endpoints/${endpoint!.id}`, '{"url"')
    expect(broken.status).toBe(400)
    expect(broken.body.error.message).toBe(
      'The request body is not valid JSON; send a JSON object.'
    )
  })

  test('a rule nested 3,000 deep is a 400 naming the depth limit', async () => {
    const res = await send('POST', '/api/v1/segments/preview', nestedRuleBody(3000))
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/nests more than 32 levels deep$/)
    // A rule within the schema's own depth limit still gets the schema's answer.
    const seven = await send('POST', '/api/v1/segments/preview', nestedRuleBody(7))
    expect(seven.status).toBe(400)
    expect(seven.body.error.message).toContain('Rules nest at most 6 groups deep')
  })
})

test('the service still answers afterwards', async () => {
  const res = await send('GET', '/healthz')
  expect(res.status).toBe(200)
})
