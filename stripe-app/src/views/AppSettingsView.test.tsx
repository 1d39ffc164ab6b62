// The settings page against the real backend (Hono app + emulator): connection states, API-key
// Check and Save, disconnect, unreachable backend.
import { render, getMockContextProps } from '@stripe/ui-extension-sdk/testing'
import {
  Badge,
  Banner,
  Button,
  FocusView,
  PropertyListItem,
  Spinner,
  TextField,
} from '@stripe/ui-extension-sdk/ui'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { Permissions } from '../../../test/emulator'
import { startHarness, type Harness } from '../../../test/support/harness'
import {
  appClientFor,
  buttonsIn,
  pressIn,
  findButton,
  installFakeHost,
  press,
  settle,
  unreachableClient,
  TEST_API_BASE,
  type FakeHost,
} from '../../../test/stripe-app/app-backend'
import { ApiProvider } from '../api/provider'
import type { ApiClient } from '../api/client'
import AppSettingsView from './AppSettingsView'

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

const everything: Permissions = {
  customers: 'read',
  subscriptions: 'write',
  products: 'read',
  prices: 'read',
  coupons: 'write',
  promotion_codes: 'read',
  invoices: 'read',
  charges: 'read',
  payment_methods: 'read',
  events: 'read',
}

function renderSettings(client: ApiClient, accountId: string) {
  const props = getMockContextProps({
    userContext: { id: 'usr_agent_1', account: { id: accountId } },
    environment: { viewportID: 'settings', mode: 'test', constants: { API_BASE: TEST_API_BASE } },
  })
  return render(
    <ApiProvider client={client}>
      <AppSettingsView {...props} />
    </ApiProvider>
  )
}

test('loading shows a labelled spinner, then the OAuth connection; disconnect asks first', async () => {
  const merchant = await h.installMerchant()
  const { wrapper, update } = renderSettings(appClientFor(h, merchant), merchant.accountId)
  expect(wrapper).toContainComponent(Spinner)
  expect(wrapper).toContainText('Loading Holdfast settings')
  await settle(update, () => wrapper.findAll(Badge).length > 0, 'the connection badge')
  expect(wrapper.find(Badge)).toContainText('Connected')
  expect(wrapper.find(PropertyListItem, { label: 'Method' })).toHaveProps({
    value: 'OAuth (Stripe Marketplace)',
  })
  expect(wrapper.find(Banner, { title: 'Test mode' })).not.toBeNull()

  // Disconnect opens a confirmation; nothing happens until it is confirmed.
  press(wrapper, Button, 'Disconnect')
  await update()
  const sheet = wrapper.find(FocusView, { title: 'Disconnect Holdfast' })!
  expect(sheet).toHaveProps({ shown: true })
  expect((await h.as(merchant).get('/api/v1/account')).body.status).toBe('active')
  pressIn(sheet, 'primaryAction', 'Disconnect')
  await settle(update, () => wrapper.find(Badge)?.text === 'Disconnected', 'the disconnected badge')
  expect((await h.as(merchant).get('/api/v1/account')).body.status).toBe('uninstalled')
  expect(host.toasts).toContainEqual({ message: 'Holdfast disconnected', type: 'success' })
})

test('not connected: Check names the missing permissions, Save connects with a complete key', async () => {
  const accountId = h.emulator!.createAccount().id
  const merchant = { accountId, mode: 'test' as const }
  const { wrapper, update } = renderSettings(appClientFor(h, merchant), accountId)
  await settle(update, () => wrapper.findAll(Badge).length > 0, 'the connection badge')
  expect(wrapper.find(Badge)).toContainText('Not connected')
  expect(findButton(wrapper, Button, 'Connect with Stripe')).toHaveProps({
    href: `${TEST_API_BASE}/oauth/install?mode=test`,
  })

  const weak = h.emulator!.createRestrictedKey(accountId, 'test', {
    ...everything,
    subscriptions: 'read',
  })
  wrapper.find(TextField, { label: 'Restricted API key' })!.trigger('onChange', {
    target: { value: weak },
  })
  await update()
  press(wrapper, Button, 'Check')
  await settle(update, () => wrapper.findAll(Banner).length > 1, 'the check result')
  const refusal = wrapper.find(Banner, { title: 'This key cannot be used yet' })!
  expect(refusal.props.description).toContain('subscription_write')

  const good = h.emulator!.createRestrictedKey(accountId, 'test', everything)
  wrapper.find(TextField, { label: 'Restricted API key' })!.trigger('onChange', {
    target: { value: good },
  })
  await update()
  press(wrapper, Button, 'Check')
  await settle(
    update,
    () => wrapper.find(Banner, { title: 'This key works' }) !== null,
    'the passing check'
  )
  press(wrapper, Button, 'Save key')
  await settle(update, () => wrapper.find(Badge)?.text === 'Connected', 'the connected badge')
  expect(wrapper.find(PropertyListItem, { label: 'Method' })).toHaveProps({
    value: 'Restricted API key',
  })
  expect(host.toasts).toContainEqual({ message: 'API key saved', type: 'success' })
})

test('a key from the wrong mode gets a message saying which key to paste', async () => {
  const accountId = h.emulator!.createAccount().id
  const { wrapper, update } = renderSettings(appClientFor(h, { accountId }), accountId)
  await settle(update, () => wrapper.findAll(Badge).length > 0, 'the connection badge')
  wrapper.find(TextField, { label: 'Restricted API key' })!.trigger('onChange', {
    target: { value: 'rk_live_abc123' },
  })
  await update()
  press(wrapper, Button, 'Save key')
  await settle(
    update,
    () => wrapper.find(Banner, { title: 'The key was not saved' }) !== null,
    'the refusal'
  )
  expect(wrapper.find(Banner, { title: 'The key was not saved' })!.props.description).toBe(
    'That is a live-mode key; you are in test mode. Paste a test-mode key.'
  )
})

test('backend unreachable: a banner with Retry', async () => {
  const { wrapper, update } = renderSettings(unreachableClient({ accountId: 'acct_x' }), 'acct_x')
  await settle(
    update,
    () => wrapper.find(Banner, { title: 'Holdfast is unreachable' }) !== null,
    'the banner'
  )
  const banner = wrapper.find(Banner, { title: 'Holdfast is unreachable' })!
  expect(banner.props.description).toBe(
    'Holdfast is unreachable right now. Check your connection and retry.'
  )
  expect(buttonsIn(banner, 'actions').map((b) => b.label)).toEqual(['Retry'])
})
