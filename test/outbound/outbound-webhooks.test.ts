// Downstream webhooks: a segment entry or stage change is POSTed to the merchant's endpoint,
// signed so the receiver can verify it, retried with back-off when the endpoint fails, and logged.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { verifySignature } from '../../backend/src/outbound/sign'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import { api, installSettled, settle, type Installed } from '../traits/api'

type Received = { body: string; signature: string }
let h: Harness
let merchant: Installed
let server: Server
let url: string
const received: Received[] = []
let failNext = 0
let redirectNext = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      if (redirectNext > 0) {
        redirectNext--
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end()
        return
      }
      if (failNext > 0) {
        failNext--
        res.writeHead(500).end('down')
        return
      }
      received.push({ body, signature: String(req.headers['holdfast-signature'] ?? '') })
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  // The receiver is on 127.0.0.1, which outbound webhooks refuse unless explicitly allowed.
  h = await startHarness({ emulator: true, env: { OUTBOUND_ALLOW_LOOPBACK: 'true' } })
  merchant = await installSettled(h)
})

afterAll(async () => {
  await h?.close()
  await new Promise((resolve) => server?.close(resolve))
})

let secret: string
let endpointId: string

test('an endpoint is created with its secret shown once', async () => {
  const res = await api(h, merchant).post('/api/v1/outbound/endpoints', { url })
  expect(res.status).toBe(201)
  expect(res.body.secret).toMatch(/^hfwhsec_/)
  expect(res.body.eventTypes).toEqual(['segment.entered', 'segment.left', 'stage.changed'])
  secret = res.body.secret
  endpointId = res.body.id
  const list = await api(h, merchant).get('/api/v1/outbound/endpoints')
  expect(list.body.endpoints).toHaveLength(1)
  expect(JSON.stringify(list.body)).not.toContain(secret)
})

test('a new trialing customer sends signed segment.entered and stage.changed', async () => {
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'P' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 900,
    recurring: { interval: 'month' },
  })
  const customer = await stripe.customers.create({ email: 'hook@example.com' })
  await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: 7,
  })
  await settle(h)
  await waitFor(
    () =>
      received.some((r) => JSON.parse(r.body).type === 'stage.changed') &&
      received.some((r) => JSON.parse(r.body).data.segment?.name === 'Current trials'),
    { what: 'deliveries' }
  )
  const now = Math.floor(Date.now() / 1000)
  for (const r of received) {
    expect(verifySignature(r.body, r.signature, secret, now)).toBe(true)
    expect(verifySignature(r.body, r.signature, 'hfwhsec_wrong', now)).toBe(false)
  }
  const stage = received.map((r) => JSON.parse(r.body)).find((e) => e.type === 'stage.changed')
  expect(stage).toMatchObject({
    accountId: merchant.accountId,
    livemode: false,
    data: { customerId: customer.id, stage: { to: 'trial' } },
  })
})

test('a failing endpoint is retried with back-off until it answers, and the log shows it', async () => {
  received.length = 0
  failNext = 2
  const stripe = h.stripeAs(merchant.accountId)
  await stripe.customers.create({ email: 'retry@example.com' })
  await settle(h)
  // Two deliveries (All synced customers, New customers) share the two failures.
  type Logged = { state: string; attempts: number; lastStatus: number }
  let latest: Logged[] = []
  // The receiver sees a POST before we record its answer, so wait on the log itself.
  await waitFor(
    async () => {
      const log = await api(h, merchant).get(`/api/v1/outbound/endpoints/${endpointId}/deliveries`)
      latest = (log.body.deliveries as Logged[]).slice(0, 2)
      return latest.length === 2 && latest.every((d) => d.state === 'delivered')
    },
    { what: 'retried deliveries' }
  )
  expect(received).toHaveLength(2)
  expect(latest.every((d) => d.lastStatus === 200)).toBe(true)
  expect(latest.reduce((n, d) => n + d.attempts, 0)).toBe(4)
})

test('a redirect is an answer, never followed', async () => {
  received.length = 0
  redirectNext = 1
  await h.stripeAs(merchant.accountId).customers.create({ email: 'redirect@example.com' })
  await settle(h)
  type Logged = { state: string; attempts: number; lastStatus: number; lastError: string | null }
  let redirected: Logged | undefined
  await waitFor(
    async () => {
      const log = await api(h, merchant).get(`/api/v1/outbound/endpoints/${endpointId}/deliveries`)
      redirected = (log.body.deliveries as Logged[]).find((d) => d.lastStatus === 302)
      return redirected !== undefined
    },
    { what: 'the redirected delivery', timeoutMs: 30_000 }
  )
  expect(redirected).toMatchObject({ state: 'pending', lastError: 'endpoint answered 302' })
  // Its retry lands here (not at the Location), so nothing is left in flight for the next test.
  await waitFor(
    async () => {
      const log = await api(h, merchant).get(`/api/v1/outbound/endpoints/${endpointId}/deliveries`)
      return (log.body.deliveries as Logged[]).every((d) => d.state === 'delivered')
    },
    { what: 'the retried delivery', timeoutMs: 30_000 }
  )
})

test('a disabled endpoint gets nothing new', async () => {
  await api(h, merchant).patch(`/api/v1/outbound/endpoints/${endpointId}`, { enabled: false })
  received.length = 0
  await h.stripeAs(merchant.accountId).customers.create({ email: 'quiet@example.com' })
  await settle(h)
  await new Promise((r) => setTimeout(r, 1500))
  expect(received).toEqual([])
})

test('endpoints must be http(s) URLs', async () => {
  const res = await api(h, merchant).post('/api/v1/outbound/endpoints', { url: 'ftp://x' })
  expect(res.status).toBe(400)
})
