// Security headers on every answer: JSON, HTML, errors, 404s, CORS preflights.
import { afterEach, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

function expectSecurityHeaders(headers: Headers, what: string) {
  expect(headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(headers.get('referrer-policy'), what).toBe('no-referrer')
  expect(headers.get('x-frame-options'), what).toBe('DENY')
  expect(headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'")
  expect(headers.get('content-security-policy'), what).toContain("default-src 'none'")
}

test('every kind of answer carries the security headers, and API answers are not cached', async () => {
  h = await startHarness({ emulator: true, env: { OPERATOR_TOKEN: 'op-token-for-headers' } })
  const merchant = await h.installMerchant()
  const answers = {
    health: await h.request('/healthz'),
    operatorPage: await h.request('/', {
      headers: { authorization: 'Bearer op-token-for-headers' },
    }),
    signIn: await h.request('/login'),
    apiSigned: await h.as(merchant).get('/api/v1/account'),
    apiUnsigned: await h.request('/api/v1/account'),
    apiBadJson: await h.as(merchant).post('/api/v1/segments/preview', { rule: 'not a rule' }),
    notFound: await h.request('/no/such/route'),
    webhookRejected: await h.request('/webhooks/stripe', { method: 'POST', body: '{}' }),
    preflight: await h.request('/api/v1/account', {
      method: 'OPTIONS',
      headers: { origin: 'null', 'access-control-request-method': 'GET' },
    }),
  }
  expect(answers.operatorPage.status).toBe(200)
  expect(answers.apiSigned.status).toBe(200)
  expect(answers.apiBadJson.status).toBe(400)
  for (const [what, res] of Object.entries(answers)) {
    expectSecurityHeaders(res.headers, what)
    expect(res.headers.get('cache-control'), what).toBe('no-store')
    // PUBLIC_URL is https in the emulator harness
    expect(res.headers.get('strict-transport-security'), what).toMatch(/^max-age=\d{7,}/)
  }
  // The CORS preflight still lets the Stripe App's sandboxed iframe (origin "null") call us.
  expect(answers.preflight.headers.get('access-control-allow-origin')).toBe('*')
  expect(answers.apiSigned.headers.get('cross-origin-resource-policy')).toBeNull()
})

test('no Strict-Transport-Security when PUBLIC_URL is plain http', async () => {
  h = await startHarness({ env: { PUBLIC_URL: 'http://127.0.0.1:8787' } })
  const res = await h.request('/healthz')
  expectSecurityHeaders(res.headers, 'healthz')
  expect(res.headers.get('strict-transport-security')).toBeNull()
})
