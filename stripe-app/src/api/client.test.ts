// The API client against the real backend: signed requests pass, a bad signature or a failing
// signer becomes a message a person can act on, and answers are parsed with the shared schemas.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { stripeSignatureFor } from '../../../test/support/signing'
import { CustomerProfile } from '@holdfast/shared/api/customers'
import { startHarness, type Harness } from '../../../test/support/harness'
import { appClientFor, TEST_API_BASE } from '../../../test/stripe-app/app-backend'
import { ApiError, createApiClient, describeError } from './client'

let h: Harness
beforeEach(async () => {
  h = await startHarness({ emulator: true })
})
afterEach(() => h.close())

const viaApp = (h: Harness) => async (url: string, init: RequestInit) =>
  h.app.request(new URL(url).pathname, init)

test("a signed request reaches the caller's own account", async () => {
  const m = await h.installMerchant()
  const account = await appClientFor(h, m).get<{ accountId: string; status: string }>(
    '/api/v1/account'
  )
  expect(account).toMatchObject({ accountId: m.accountId, status: 'active' })
})

test('a signature made with another secret is refused with the backend message', async () => {
  const m = await h.installMerchant()
  const client = createApiClient(
    TEST_API_BASE,
    { userId: 'usr_1', accountId: m.accountId, mode: 'test', roles: [] },
    {
      sign: async (extra) =>
        stripeSignatureFor(
          extra,
          { userId: 'usr_1', accountId: m.accountId },
          'absec_not_ours',
          Math.floor(h.deps.now().getTime() / 1000)
        ),
      fetch: viaApp(h),
    }
  )
  const err = await client.get('/api/v1/account').catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ApiError)
  expect(err).toMatchObject({ status: 401, code: 'unauthorized' })
  expect((err as ApiError).message).toMatch(/signature was rejected.*Reload the page/)
})

test('a signer that fails never sends the request', async () => {
  let sent = 0
  const client = createApiClient(
    TEST_API_BASE,
    { userId: 'usr_1', accountId: 'acct_1', mode: 'test', roles: [] },
    {
      sign: async () => {
        throw new Error('host not ready')
      },
      fetch: async (url, init) => {
        sent += 1
        return viaApp(h)(url, init)
      },
    }
  )
  const err = await client.get('/api/v1/account').catch((e: unknown) => e)
  expect(err).toMatchObject({ status: 0, code: 'signature_unavailable' })
  expect(describeError(err)).toBe(
    'Stripe could not sign the request to Holdfast. Reload the page and try again.'
  )
  expect(sent).toBe(0)
})

test('answers are parsed with the shared schema; a wrong shape says so', async () => {
  const m = await h.installMerchant()
  const err = await appClientFor(h, m)
    .get('/api/v1/account', CustomerProfile)
    .catch((e: unknown) => e)
  expect(describeError(err)).toBe(
    'Holdfast answered in an unexpected shape. Update the app or contact support.'
  )
})
