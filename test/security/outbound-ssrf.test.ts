// Outbound webhooks never reach our own network: each forbidden class of target is refused when
// registered, a name that resolves to a private address is refused at delivery (DNS rebinding),
// and without OUTBOUND_ALLOW_LOOPBACK even loopback is refused. Refused deliveries never connect,
// so the delivery log says nothing about what answers there. DNS is the test's own (no network).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { outboundEndpoints } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import { api, installSettled, settle, type Installed } from '../traits/api'

let h: Harness
let merchant: Installed
let receiver: Server
let receiverUrl: string
let hits = 0
// The test's DNS: what each name resolves to right now.
const dns: Record<string, string[]> = {
  'inside.example.com': ['10.1.2.3'],
  'mixed.example.com': ['93.184.215.14', '192.168.0.10'],
  'metadata-alias.example.com': ['169.254.169.254'],
  'v6-inside.example.com': ['fd00::1'],
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    hits++
    req.resume()
    res.writeHead(200).end('the secret of what answers here')
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
  h = await startHarness({
    emulator: true,
    resolveHost: async (name) => {
      const found = dns[name]
      if (!found) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
      return found
    },
  })
  merchant = await installSettled(h)
})

afterAll(async () => {
  await h?.close()
  await new Promise((resolve) => receiver?.close(resolve))
})

const FORBIDDEN = [
  ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
  ['GCP metadata name', 'http://metadata.google.internal/computeMetadata/v1/'],
  ['localhost', 'http://localhost:8787/hooks'],
  ['loopback 127/8', 'http://127.1.2.3/hooks'],
  ['loopback as a decimal number', 'http://2130706433/hooks'],
  ['IPv6 loopback', 'http://[::1]/hooks'],
  ['private 10/8', 'https://10.0.0.1/hooks'],
  ['private 172.16/12', 'https://172.20.1.1/hooks'],
  ['private 192.168/16', 'https://192.168.1.1/hooks'],
  ['carrier-grade NAT 100.64/10', 'https://100.64.0.1/hooks'],
  ['IPv6 unique-local fc00::/7', 'https://[fd12::1]/hooks'],
  ['IPv6 link-local fe80::/10', 'https://[fe80::1]/hooks'],
  ['0.0.0.0', 'http://0.0.0.0:22/'],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hooks'],
  ['IPv4-mapped IPv6 metadata', 'http://[::ffff:a9fe:a9fe]/hooks'],
  ['a name resolving to 10/8', 'https://inside.example.com/hooks'],
  ['a name with one private address among public ones', 'https://mixed.example.com/hooks'],
  ['a name resolving to the metadata address', 'https://metadata-alias.example.com/hooks'],
  ['a name resolving to IPv6 unique-local', 'https://v6-inside.example.com/hooks'],
] as const

test.each(FORBIDDEN)('registering %s is refused with a 400 that says why', async (_, url) => {
  const res = await api(h, merchant).post('/api/v1/outbound/endpoints', { url })
  expect(res.status).toBe(400)
  expect(res.body.error.message).toMatch(/^Webhook URLs must reach the public internet, and .+/)
})

test('the refusal names the class of address', async () => {
  const res = await api(h, merchant).post('/api/v1/outbound/endpoints', {
    url: 'https://inside.example.com/hooks',
  })
  expect(res.body.error.message).toBe(
    'Webhook URLs must reach the public internet, and inside.example.com resolves to a private (10.0.0.0/8) address; use a public URL'
  )
  const list = await api(h, merchant).get('/api/v1/outbound/endpoints')
  expect(list.body.endpoints).toEqual([])
})

test('changing an endpoint to a forbidden URL is refused too', async () => {
  dns['public.example.com'] = ['93.184.215.14']
  const created = await api(h, merchant).post('/api/v1/outbound/endpoints', {
    url: 'https://public.example.com/hooks',
  })
  expect(created.status).toBe(201)
  const res = await api(h, merchant).patch(`/api/v1/outbound/endpoints/${created.body.id}`, {
    url: 'http://169.254.169.254/latest/meta-data/',
  })
  expect(res.status).toBe(400)
  const list = await api(h, merchant).get('/api/v1/outbound/endpoints')
  expect(list.body.endpoints[0].url).toBe('https://public.example.com/hooks')
  // Leave no endpoint that would try to deliver to the public address.
  await api(h, merchant).delete(`/api/v1/outbound/endpoints/${created.body.id}`)
})

type Delivery = { state: string; attempts: number; lastStatus: number | null; lastError: string }
async function firstAttempt(endpointId: string): Promise<Delivery> {
  let found: Delivery | undefined
  await waitFor(
    async () => {
      const log = await api(h, merchant).get(`/api/v1/outbound/endpoints/${endpointId}/deliveries`)
      found = (log.body.deliveries as Delivery[]).find((d) => d.attempts >= 1)
      return found !== undefined
    },
    { what: `a delivery attempt to ${endpointId}` }
  )
  return found!
}

test('a name that resolved to a public address at registration and to a private one at delivery is not sent to', async () => {
  dns['rebind.example.com'] = ['93.184.215.14']
  const created = await api(h, merchant).post('/api/v1/outbound/endpoints', {
    url: 'https://rebind.example.com/hooks',
  })
  expect(created.status).toBe(201)
  dns['rebind.example.com'] = ['10.0.0.5']

  // An endpoint stored before the guard existed, pointing at a live loopback receiver.
  const [stored] = await h
    .db()
    .insert(outboundEndpoints)
    .values({
      accountId: merchant.accountId,
      livemode: merchant.livemode,
      url: receiverUrl,
      eventTypes: ['segment.entered'],
      secretEnc: h.deps.secretBox.seal('hfwhsec_stored_before_the_guard'),
    })
    .returning()

  await h.stripeAs(merchant.accountId).customers.create({ email: 'ssrf@example.com' })
  await settle(h)

  const rebound = await firstAttempt(created.body.id)
  expect(rebound).toMatchObject({
    lastStatus: null,
    lastError: 'not sent: rebind.example.com resolves to a private (10.0.0.0/8) address',
  })
  // OUTBOUND_ALLOW_LOOPBACK is off: the loopback receiver is refused too, and never reached.
  const loopback = await firstAttempt(stored!.id)
  expect(loopback).toMatchObject({
    lastStatus: null,
    lastError: 'not sent: 127.0.0.1 is a loopback address',
  })
  expect(hits).toBe(0)
  const log = await api(h, merchant).get(`/api/v1/outbound/endpoints/${stored!.id}/deliveries`)
  expect(JSON.stringify(log.body)).not.toContain('the secret of what answers here')
})

test('OUTBOUND_ALLOW_LOOPBACK is off unless set to true', () => {
  expect(h.config.outboundAllowLoopback).toBe(false)
  expect(h.deps.outboundTargets.allowLoopback).toBe(false)
})

test('live mode takes https only; test mode may use http', async () => {
  dns['public-live.example.com'] = ['93.184.215.14']
  const live = await h.installMerchant({ mode: 'live' })
  const plain = await api(h, live).post('/api/v1/outbound/endpoints', {
    url: 'http://public-live.example.com/hooks',
  })
  expect(plain.status).toBe(400)
  expect(plain.body.error.message).toBe(
    'Live-mode webhook URLs must use https: the payloads carry customer data'
  )
  const secure = await api(h, live).post('/api/v1/outbound/endpoints', {
    url: 'https://public-live.example.com/hooks',
  })
  expect(secure.status).toBe(201)
  const downgrade = await api(h, live).patch(`/api/v1/outbound/endpoints/${secure.body.id}`, {
    url: 'http://public-live.example.com/hooks',
  })
  expect(downgrade.status).toBe(400)
  await api(h, live).delete(`/api/v1/outbound/endpoints/${secure.body.id}`)

  const testMode = await api(h, merchant).post('/api/v1/outbound/endpoints', {
    url: 'http://public-live.example.com/hooks',
  })
  expect(testMode.status).toBe(201)
  await api(h, merchant).delete(`/api/v1/outbound/endpoints/${testMode.body.id}`)
})
