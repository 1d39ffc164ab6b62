import { afterEach, expect, test } from 'vitest'
import { accounts } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { signedPayloadOf } from '@holdfast/shared/api/extension-signature'
import { extensionHeaders, identityOf, signedHeaders } from '../support/signing'

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

test('account, mode and roles come from the signature: editing the signed payload breaks it', async () => {
  h = await startHarness()
  const signed = JSON.parse(signedPayloadOf(identityOf(merchantA))) as Record<string, unknown>
  const header = extensionHeaders(merchantA)['stripe-signature']
  for (const edit of [
    { account_id: merchantB.accountId },
    { livemode: true },
    { stripe_roles: [{ id: 'admin', name: 'Administrator', type: 'builtIn' }] },
  ]) {
    const forged = JSON.stringify({ ...signed, ...edit })
    const res = await h.request('/api/v1/account', {
      headers: { ...signedHeaders(forged), 'stripe-signature': header },
    })
    expect(res.status, JSON.stringify(edit)).toBe(401)
    expect(res.body.error.message).toContain('signature was rejected')
  }
})

test('an old-style signature (no livemode) reaches no data, in either mode', async () => {
  h = await startHarness()
  await h.db().insert(accounts).values({
    accountId: merchantA.accountId,
    livemode: true,
    status: 'active',
    connection: 'oauth',
  })
  // The app before mode was signed: {user_id, account_id} and unsigned x-holdfast-* headers.
  const payload = JSON.stringify({ user_id: 'usr_agent_1', account_id: merchantA.accountId })
  const oldApp = await h.request('/api/v1/account', {
    headers: {
      'stripe-signature': signedHeaders(payload)['stripe-signature'],
      'x-holdfast-user-id': 'usr_agent_1',
      'x-holdfast-account-id': merchantA.accountId,
      'x-holdfast-mode': 'live',
    },
  })
  expect(oldApp.status).toBe(401)
  expect(oldApp.body.error.message).toContain('Reload the page to get the current app')

  const oldPayload = await h.request('/api/v1/account', { headers: signedHeaders(payload) })
  expect(oldPayload.status).toBe(401)
  expect(oldPayload.body.error.message).toContain('does not include the mode (livemode)')
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

  expect(res.body).toMatchObject({
    roles: ['admin'],
    permissions: expect.arrayContaining(['cancel']),
  })

  const live = await h.as({ ...merchantA, mode: 'live' }).get('/api/v1/account')
  expect(live.body).toMatchObject({ mode: 'live', status: 'not_connected' })

  // The unsigned mode header no longer chooses anything.
  const ignored = await h.request('/api/v1/account', {
    headers: { ...extensionHeaders(merchantA), 'x-holdfast-mode': 'live' },
  })
  expect(ignored.body).toMatchObject({ mode: 'test', status: 'active' })
})

test('CORS preflight from the null-origin iframe is answered', async () => {
  h = await startHarness()
  const res = await h.app.request('/api/v1/account', {
    method: 'OPTIONS',
    headers: {
      origin: 'null',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'stripe-signature,content-type,x-holdfast-signed-payload',
    },
  })
  expect(res.status).toBe(204)
  expect(res.headers.get('access-control-allow-origin')).toBe('*')
  const allowed = res.headers.get('access-control-allow-headers')?.toLowerCase()
  expect(allowed).toContain('stripe-signature')
  expect(allowed).toContain('x-holdfast-signed-payload')
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
