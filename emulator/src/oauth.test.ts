import type Stripe from 'stripe'
import { afterEach, describe, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'
import type { TokenResponse } from './oauth'

let t: TestEmulator
afterEach(() => t.close())

const REDIRECT = 'https://holdfast.example.com/oauth/callback'

async function token(stripe: Stripe, params: Record<string, string>): Promise<TokenResponse> {
  const res = await stripe.rawRequest('POST', '/v1/oauth/token', params)
  return res as unknown as TokenResponse
}

function codeFrom(url: string): string {
  const code = new URL(url).searchParams.get('code')
  if (!code) throw new Error(`no code in ${url}`)
  return code
}

describe('OAuth for Stripe Apps', () => {
  test('code exchange, using the token, refresh rotation, and expiry after an hour', async () => {
    t = await startTestEmulator({ oauthApp: { name: 'Holdfast', redirectUris: [REDIRECT] } })
    const em = t.emulator
    const redirect = em.authorize({
      mode: 'test',
      redirectUri: REDIRECT,
      state: 'csrf-1',
      accountId: 'acct_merchant0001',
    })
    expect(new URL(redirect).searchParams.get('state')).toBe('csrf-1')
    const code = codeFrom(redirect)
    expect(code).toMatch(/^ac_/)

    const platform = t.client(em.platform.keys.test.secret)
    const tokens = await token(platform, { grant_type: 'authorization_code', code })
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      scope: 'stripe_apps',
      livemode: false,
      stripe_user_id: 'acct_merchant0001',
      stripe_publishable_key: em.accountInfo('acct_merchant0001').keys.test.publishable,
    })

    // The code is single use.
    await expect(token(platform, { grant_type: 'authorization_code', code })).rejects.toMatchObject(
      {
        type: 'StripeInvalidGrantError',
      }
    )

    // The access token acts as the installing account.
    const asMerchant = t.client(tokens.access_token)
    const created = await asMerchant.customers.create({ email: 'm@example.com' })
    expect(em.account('acct_merchant0001', 'test').customers.get(created.id)?.email).toBe(
      'm@example.com'
    )
    expect(em.account(em.platform.id, 'test').customers.get(created.id)).toBeUndefined()

    // Refresh rotates: the new pair works, the old refresh token is refused.
    const refreshed = await token(platform, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    })
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    expect(refreshed.access_token).not.toBe(tokens.access_token)
    await expect(
      token(platform, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
    ).rejects.toMatchObject({ type: 'StripeInvalidGrantError' })

    // Access tokens expire after an hour of emulator time.
    em.advance(3599)
    await expect(t.client(refreshed.access_token).customers.list()).resolves.toBeDefined()
    em.advance(2)
    await expect(t.client(refreshed.access_token).customers.list()).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
      code: 'api_key_expired',
    })
    const again = await token(platform, {
      grant_type: 'refresh_token',
      refresh_token: refreshed.refresh_token,
    })
    await expect(t.client(again.access_token).customers.list()).resolves.toBeDefined()
  })

  test('exchange needs the platform secret key of the same mode; codes expire after 5 minutes', async () => {
    t = await startTestEmulator()
    const em = t.emulator
    const code = codeFrom(em.authorize({ mode: 'test', redirectUri: REDIRECT, state: 's' }))
    await expect(
      token(t.client(em.platform.keys.live.secret), { grant_type: 'authorization_code', code })
    ).rejects.toMatchObject({ type: 'StripeInvalidGrantError' })
    const merchant = em.createAccount()
    await expect(
      token(t.client(merchant.keys.test.secret), { grant_type: 'authorization_code', code })
    ).rejects.toMatchObject({ statusCode: 401 })

    const late = codeFrom(em.authorize({ mode: 'live', redirectUri: REDIRECT, state: 's' }))
    em.advance(301)
    await expect(
      token(t.client(em.platform.keys.live.secret), {
        grant_type: 'authorization_code',
        code: late,
      })
    ).rejects.toMatchObject({ type: 'StripeInvalidGrantError' })
  })

  test('denial redirects with access_denied; HTTP authorize answers 302 with a code', async () => {
    t = await startTestEmulator({ oauthApp: { redirectUris: [REDIRECT] } })
    const em = t.emulator
    const denied = new URL(
      em.authorize({ mode: 'test', redirectUri: REDIRECT, state: 'abc', deny: true })
    )
    expect(denied.searchParams.get('error')).toBe('access_denied')
    expect(denied.searchParams.get('error_description')).toBeTruthy()
    expect(denied.searchParams.get('code')).toBeNull()
    expect(() =>
      em.authorize({ mode: 'test', redirectUri: 'https://evil.example.com/cb', state: 'x' })
    ).toThrow()

    const url = new URL(`${t.server.url}/oauth/v2/authorize`)
    url.searchParams.set('client_id', em.oauthApp.clientIds.live)
    url.searchParams.set('redirect_uri', REDIRECT)
    url.searchParams.set('state', 'live-state')
    url.searchParams.set('account', 'acct_httpmerchant01')
    const res = await fetch(url, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(location.searchParams.get('state')).toBe('live-state')
    const tokens = await token(t.client(em.platform.keys.live.secret), {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
    })
    expect(tokens.livemode).toBe(true)
    expect(tokens.stripe_user_id).toBe('acct_httpmerchant01')
  })

  test('uninstall revokes tokens and sends account.application.deauthorized to the platform Connect endpoint', async () => {
    const received: string[] = []
    t = await startTestEmulator({
      oauthApp: { name: 'Holdfast' },
      webhooks: {
        transport: async (_url, { body }) => {
          received.push(body)
          return { status: 200 }
        },
      },
    })
    const em = t.emulator
    const platform = t.client()
    const endpoint = await platform.webhookEndpoints.create({
      url: 'https://holdfast.example.com/webhooks',
      connect: true,
      enabled_events: ['account.application.deauthorized'],
    })
    const code = codeFrom(
      em.authorize({
        mode: 'test',
        redirectUri: REDIRECT,
        state: 's',
        accountId: 'acct_leaving00001',
      })
    )
    const tokens = await token(platform, { grant_type: 'authorization_code', code })

    em.uninstall('acct_leaving00001', 'test')
    await em.webhooks.idle()

    await expect(t.client(tokens.access_token).customers.list()).rejects.toMatchObject({
      statusCode: 401,
    })
    await expect(
      token(platform, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
    ).rejects.toMatchObject({ type: 'StripeInvalidGrantError' })
    expect(received).toHaveLength(1)
    const event = JSON.parse(received[0] as string) as Stripe.Event
    expect(event.type).toBe('account.application.deauthorized')
    expect(event.account).toBe('acct_leaving00001')
    expect(event.data.object).toEqual({
      id: em.oauthApp.id,
      object: 'application',
      name: 'Holdfast',
    })
    expect(endpoint.secret).toBeTruthy()
  })
})
