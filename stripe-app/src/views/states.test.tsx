// Every view in every state it can be in before it has data, against the real backend: loading
// (spinner + label), not connected, needs re-authorisation, backend unreachable (banner + Retry,
// which recovers), a refused request (the backend's message), and the test-mode notice.
import type { ComponentType } from 'react'
import { Banner, ContextView, Spinner } from '@stripe/ui-extension-sdk/ui'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { and, eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { accounts } from '../../../backend/src/db/schema'
import { startHarness, type Harness } from '../../../test/support/harness'
import { extensionHeaders, stripeSignatureFor } from '../../../test/support/signing'
import {
  appClientFor,
  buttonsIn,
  installFakeHost,
  pressIn,
  settle,
  TEST_API_BASE,
  type FakeHost,
} from '../../../test/stripe-app/app-backend'
import { renderView } from '../../../test/stripe-app/render-view'
import { createApiClient } from '../api/client'
import CustomerDetailView from './CustomerDetailView'
import HomeOverviewView from './HomeOverviewView'
import SubscriptionDetailView from './SubscriptionDetailView'

let h: Harness
let host: FakeHost
beforeEach(async () => {
  h = await startHarness({ emulator: true })
  host = installFakeHost()
})
afterEach(async () => {
  host.uninstall()
  await h.close()
})

const VIEWS: [string, ComponentType<ExtensionContextValue>, string, string, object | undefined][] =
  [
    [
      'customer',
      CustomerDetailView,
      'stripe.dashboard.customer.detail',
      'Loading customer insights',
      { id: 'cus_1', object: 'customer' },
    ],
    [
      'subscription',
      SubscriptionDetailView,
      'stripe.dashboard.subscription.detail',
      'Loading subscription insights',
      { id: 'sub_1', object: 'subscription' },
    ],
    ['home', HomeOverviewView, 'stripe.dashboard.home.overview', 'Loading segments', undefined],
  ]

test.each(VIEWS)(
  '%s view: loading, not connected, re-auth, unreachable → retry, refused',
  async (_, View, viewportID, loadingLabel, object) => {
    const m = await h.installMerchant()
    const show = (client = appClientFor(h, m), accountId = m.accountId) =>
      renderView(View, {
        client,
        accountId,
        viewportID,
        object: object as { id: string; object: string } | undefined,
      })
    const bannerTitled = (w: ReturnType<typeof show>['wrapper'], title: string) =>
      w.find(Banner, { title })

    // Loading: a spinner and what is loading.
    const loading = show()
    expect(loading.wrapper).toContainComponent(Spinner)
    expect(loading.wrapper).toContainText(loadingLabel)
    expect(loading.wrapper.find(ContextView)!.props.banner).toBeTruthy() // test-mode notice

    // Not connected: another account, never installed.
    const stranger = h.emulator!.createAccount().id
    const nc = show(appClientFor(h, { accountId: stranger }), stranger)
    await settle(
      nc.update,
      () => bannerTitled(nc.wrapper, 'Holdfast is not connected') !== null,
      'nc'
    )
    // The connect prompt is in the drawer itself: Stripe's OAuth install link, not a trip to settings.
    const connect = buttonsIn(nc.wrapper.find(Banner)!, 'actions')[0]!
    expect(connect.label).toBe('Connect with Stripe')
    expect(connect.props.href).toBe(`${TEST_API_BASE}/oauth/install?mode=test`)

    // Unreachable, then Retry once the network is back.
    let down = true
    const flaky = createApiClient(
      TEST_API_BASE,
      { userId: 'usr_agent_1', accountId: m.accountId, mode: 'test', roles: [] },
      {
        sign: async (extra) =>
          stripeSignatureFor(
            extra,
            { userId: 'usr_agent_1', accountId: m.accountId },
            h.config.stripe.appSecrets[0]!,
            Math.floor(h.deps.now().getTime() / 1000)
          ),
        fetch: async (url, init) => {
          if (down) throw new TypeError('fetch failed')
          return h.app.request(new URL(url).pathname + new URL(url).search, init)
        },
      }
    )
    const un = show(flaky)
    await settle(
      un.update,
      () => bannerTitled(un.wrapper, 'Holdfast is unreachable') !== null,
      'down'
    )
    down = false
    pressIn(un.wrapper.find(Banner, { title: 'Holdfast is unreachable' })!, 'actions', 'Retry')
    await settle(
      un.update,
      () =>
        bannerTitled(un.wrapper, 'Holdfast is unreachable') === null && !un.wrapper.find(Spinner),
      'recovered'
    )

    // Refused: a signature Stripe did not make → the backend's reason, with Retry.
    const forged = createApiClient(
      TEST_API_BASE,
      { userId: 'usr_agent_1', accountId: m.accountId, mode: 'test', roles: [] },
      {
        sign: async () => 't=1,v1=forged',
        fetch: async (url, init) => h.app.request(new URL(url).pathname, init),
      }
    )
    const refused = show(forged)
    await settle(
      refused.update,
      () => bannerTitled(refused.wrapper, 'Holdfast could not load this') !== null,
      'refused'
    )
    expect(
      String(
        refused.wrapper.find(Banner, { title: 'Holdfast could not load this' })!.props.description
      )
    ).toMatch(/signature was rejected/)

    // Needs re-auth.
    await h
      .db()
      .update(accounts)
      .set({ status: 'needs_reauth' })
      .where(and(eq(accounts.accountId, m.accountId), eq(accounts.livemode, false)))
    const ra = show()
    await settle(
      ra.update,
      () => bannerTitled(ra.wrapper, 'Holdfast needs to be re-authorized') !== null,
      're-auth'
    )
    expect(buttonsIn(ra.wrapper.find(Banner)!, 'actions')[0]!.label).toBe('Re-authorize')
  }
)

test('home: every segment hidden → the empty line instead of a chart', async () => {
  const m = await h.installMerchant()
  const list = await h.as(m).get('/api/v1/segments')
  for (const s of list.body.segments) {
    const res = await h.request(`/api/v1/segments/${s.id}`, {
      method: 'PATCH',
      body: { hidden: true },
      headers: extensionHeaders(m, undefined, Math.floor(h.deps.now().getTime() / 1000)),
    })
    expect(res.status).toBe(200)
  }
  const { wrapper, update } = renderView(HomeOverviewView, {
    client: appClientFor(h, m),
    accountId: m.accountId,
    viewportID: 'stripe.dashboard.home.overview',
  })
  await settle(update, () => wrapper.text.includes('No segments to show.'), 'the empty state')
})
