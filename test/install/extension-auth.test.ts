import { afterEach, expect, test } from 'vitest'
import { accounts } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { extensionHeaders } from '../support/signing'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const merchantA = { accountId: 'acct_1AuthMerchantA' }
const merchantB = { accountId: 'acct_1AuthMerchantB' }

test('unsigned, wrongly signed and expired requests get 401 with a reason', async () => {
  h = await startHarness()
  const unsigned = await h.request('/api/v1/account')
  expect(unsigned.status).toBe(401)
  expect(unsigned.body.error.message).toContain('not signed by the Stripe App')

  const wrong = await h.request('/api/v1/account', {
    headers: extensionHeaders(merchantA, 'absec_not_ours'),
  })
  expect(wrong.status).toBe(401)
  expect(wrong.body.error.message).toContain('signature was rejected')

  const old = Math.floor(Date.now() / 1000) - 600
  const expired = await h.request('/api/v1/account', {
    headers: extensionHeaders(merchantA, undefined, old),
  })
  expect(expired.status).toBe(401)
  expect(expired.body.error.message).toContain('more than 300 s old')
})

test('the account comes from the signature: claiming another account breaks it', async () => {
  h = await startHarness()
  const headers = { ...extensionHeaders(merchantA), 'x-holdfast-account-id': merchantB.accountId }
  const res = await h.request('/api/v1/account', { headers })
  expect(res.status).toBe(401)
})

test('a signed request reaches the route as that account and mode', async () => {
  h = await startHarness()
  await h.db().insert(accounts).values({
    accountId: merchantA.accountId,
    livemode: false,
    status: 'active',
    connection: 'oauth',
  })
  const res = await h.as(merchantA).get('/api/v1/account')
  expect(res.status).toBe(200)
  expect(res.body).toMatchObject({
    accountId: merchantA.accountId,
    mode: 'test',
    status: 'active',
    connection: 'oauth',
  })

  const live = await h.as({ ...merchantA, mode: 'live' }).get('/api/v1/account')
  expect(live.body).toMatchObject({ mode: 'live', status: 'not_connected' })
})

test('CORS preflight from the null-origin iframe is answered', async () => {
  h = await startHarness()
  const res = await h.app.request('/api/v1/account', {
    method: 'OPTIONS',
    headers: {
      origin: 'null',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'stripe-signature,content-type,x-holdfast-account-id',
    },
  })
  expect(res.status).toBe(204)
  expect(res.headers.get('access-control-allow-origin')).toBe('*')
  expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
    'stripe-signature'
  )
})

test('each account has its own request budget', async () => {
  h = await startHarness({ env: { API_RATE_LIMIT_PER_MINUTE: '3' } })
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await h.as(merchantA).get('/api/v1/account')).status)
  expect(statuses).toEqual([200, 200, 200, 429])
  expect((await h.as(merchantB).get('/api/v1/account')).status).toBe(200)
})

test('without STRIPE_APP_SECRET the API says so instead of trusting anyone', async () => {
  h = await startHarness({ env: { STRIPE_APP_SECRET: '' } })
  const res = await h.as(merchantA).get('/api/v1/account')
  expect(res.status).toBe(503)
  expect(res.body.error.message).toContain('STRIPE_APP_SECRET')
})

test('merchant B cannot disconnect merchant A', async () => {
  h = await startHarness()
  await h.db().insert(accounts).values({
    accountId: merchantA.accountId,
    livemode: false,
    status: 'active',
    connection: 'oauth',
  })
  const res = await h.as(merchantB).post('/api/v1/account/disconnect')
  expect(res.status).toBe(404)
  const a = await h.as(merchantA).get('/api/v1/account')
  expect(a.body.status).toBe('active')
})
