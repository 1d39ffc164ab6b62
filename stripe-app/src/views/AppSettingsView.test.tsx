// The settings page against the real backend (Hono app + emulator): connection states, API-key
// Check and Save, disconnect, unreachable backend.
import { render, getMockContextProps } from '@stripe/ui-extension-sdk/testing'
import {
  Badge,
  Banner,
  Button,
  FocusView,
  ListItem,
  PropertyListItem,
  SettingsView,
  Spinner,
  TextField,
} from '@stripe/ui-extension-sdk/ui'
import { and, eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { accounts } from '../../../backend/src/db/schema'
import type { Permissions } from '@holdfast/stripe-emulator'
import { arrange } from '../../../test/actions/support'
import { startHarness, type Harness } from '../../../test/support/harness'
import {
  appClientFor,
  buttonsIn,
  field,
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

test('connected: offers editor, segment builder, stages + identity with one Save, ingest key, webhooks', async () => {
  const { m } = await arrange(h)
  const { wrapper, update } = renderSettings(appClientFor(h, m), m.accountId)
  await settle(update, () => field(wrapper, 'stage.trial') !== null, 'the settings sections')
  await settle(update, () => !wrapper.text.includes('Loading'), 'every section loaded')
  expect(wrapper).toContainText('No offers yet')
  expect(wrapper).toContainText('No custom segments yet')
  expect(wrapper).toContainText('No key yet.')
  expect(wrapper).toContainText('No endpoints yet.')

  // Offers editor: a 20 % off once offer becomes a coupon at Stripe.
  field(wrapper, 'offer.name').trigger('onChange', { target: { value: 'Twenty off' } })
  field(wrapper, 'offer.amount').trigger('onChange', { target: { value: '20' } })
  await update()
  press(wrapper, Button, 'Create offer')
  await settle(update, () => wrapper.find(ListItem, { title: 'Twenty off' }) !== null, 'the offer')
  expect(wrapper.find(ListItem, { title: 'Twenty off' })!.props.secondaryTitle).toBe(
    '20 % off, once'
  )
  const offers = (await h.as(m).get('/api/v1/offers')).body.data
  expect(offers).toHaveLength(1)
  expect(h.emulator!.account(m.accountId, 'test').coupons.get(offers[0].couponId)).toBeTruthy()

  // Segment builder: MRR over $10 → the paying customer; the count shows after Create.
  field(wrapper, 'segment.name').trigger('onChange', { target: { value: 'Big spenders' } })
  field(wrapper, 'condition.0.trait').trigger('onChange', { target: { value: 'mrr.usd' } })
  await update()
  field(wrapper, 'condition.0.op').trigger('onChange', { target: { value: 'gt' } })
  field(wrapper, 'condition.0.value').trigger('onChange', { target: { value: '1000' } })
  await update()
  await settle(update, () => !wrapper.text.includes('Counting matching'), 'the live count')
  expect(wrapper.text).toMatch(/1 matching customer|Live count is not available/)
  press(wrapper, Button, 'Create segment')
  await settle(update, () => wrapper.find(ListItem, { title: 'Big spenders' }) !== null, 'segment')
  expect(String(wrapper.find(ListItem, { title: 'Big spenders' })!.props.secondaryTitle)).toContain(
    '1 customers'
  )

  // One Save for the form fields: stage mapping and identity key.
  wrapper.find(SettingsView)!.trigger('onSave', {
    'stage.trial': 'trialing',
    'stage.customer': 'active, past_due',
    'stage.churned': 'canceled, incomplete_expired, unpaid',
    'identity.kind': 'metadata',
    'identity.key': 'user_id',
  })
  await settle(
    update,
    () => wrapper.find(SettingsView)!.props.statusMessage === 'Settings saved',
    'the save confirmation'
  )
  expect((await h.as(m).get('/api/v1/stages/settings')).body.mapping.churned).toEqual([
    'canceled',
    'incomplete_expired',
    'unpaid',
  ])
  expect((await h.as(m).get('/api/v1/settings/ingest-key')).body.identity).toEqual({
    kind: 'metadata',
    key: 'user_id',
  })

  // A bad mapping is refused before anything is sent, with the field named.
  wrapper.find(SettingsView)!.trigger('onSave', {
    'stage.trial': 'active',
    'stage.customer': 'active',
    'stage.churned': '',
  })
  await settle(
    update,
    () => wrapper.find(Banner, { title: 'Settings were not saved' }) !== null,
    'the refusal'
  )
  expect(
    String(wrapper.find(Banner, { title: 'Settings were not saved' })!.props.description)
  ).toContain('already mapped')

  // Ingest key: created and shown once.
  press(wrapper, Button, 'Create key')
  await settle(update, () => wrapper.find(TextField, { label: 'New ingest key' }) !== null, 'key')
  expect(String(wrapper.find(TextField, { label: 'New ingest key' })!.props.defaultValue)).toMatch(
    /\S{20,}/
  )
  await settle(update, () => wrapper.text.includes('A key exists'), 'the key status')

  // Downstream webhook endpoint: added, secret shown once, listed.
  field(wrapper, 'webhook.url').trigger('onChange', {
    target: { value: 'https://hooks.example.com/holdfast' },
  })
  await update()
  press(wrapper, Button, 'Add endpoint')
  await settle(
    update,
    () => wrapper.find(ListItem, { title: 'https://hooks.example.com/holdfast' }) !== null,
    'the endpoint'
  )
  expect(wrapper.find(TextField, { label: 'Signing secret' })).not.toBeNull()

  // The list editors undo: archive the offer, delete the segment, remove the endpoint.
  const rowButton = (title: string) =>
    buttonsIn(wrapper.find(ListItem, { title })!, 'value')[0]!.props.onPress as () => void
  rowButton('Twenty off')()
  await settle(update, () => wrapper.find(ListItem, { title: 'Twenty off' }) === null, 'archived')
  expect((await h.as(m).get('/api/v1/offers')).body.data).toEqual([])
  // Deleting asks first: the first press only turns the button into its confirmation.
  rowButton('Big spenders')()
  await update()
  expect((await h.as(m).get('/api/v1/segments?includeHidden=true')).body.segments).toContainEqual(
    expect.objectContaining({ name: 'Big spenders' })
  )
  expect(buttonsIn(wrapper.find(ListItem, { title: 'Big spenders' })!, 'value')[0]!.label).toBe(
    'Delete for good'
  )
  rowButton('Big spenders')()
  await settle(update, () => wrapper.find(ListItem, { title: 'Big spenders' }) === null, 'deleted')
  rowButton('https://hooks.example.com/holdfast')()
  await update()
  rowButton('https://hooks.example.com/holdfast')()
  await settle(update, () => wrapper.text.includes('No endpoints yet.'), 'removed')
  expect(host.toasts.map((t) => t.message)).toEqual([
    'Offer created',
    'Segment created',
    'Ingest key created',
    'Endpoint added',
    'Offer archived',
    'Segment deleted',
    'Endpoint removed',
  ])
})

test('needs re-auth: the connection says so and links to the OAuth install; sync offers Resync', async () => {
  const merchant = await h.installMerchant()
  await h
    .db()
    .update(accounts)
    .set({ status: 'needs_reauth' })
    .where(and(eq(accounts.accountId, merchant.accountId), eq(accounts.livemode, false)))
  const { wrapper, update } = renderSettings(appClientFor(h, merchant), merchant.accountId)
  await settle(update, () => wrapper.findAll(Badge).length > 0, 'the connection badge')
  expect(wrapper.find(Badge)!.text).toBe('Needs re-authorization')
  const banner = wrapper.find(Banner, { title: 'Re-authorize Holdfast' })!
  expect(buttonsIn(banner, 'actions')[0]!.props.href).toBe(
    `${TEST_API_BASE}/oauth/install?mode=test`
  )
  // The API-key alternative is offered too.
  expect(wrapper.find(TextField, { label: 'Restricted API key' })).not.toBeNull()
})

test('sync section: health or a reason it is unavailable, and Resync answers either way', async () => {
  const merchant = await h.installMerchant()
  const { wrapper, update } = renderSettings(appClientFor(h, merchant), merchant.accountId)
  await settle(update, () => findButton(wrapper, Button, 'Resync') !== null, 'the sync section')
  await settle(update, () => !wrapper.text.includes('Loading sync health'), 'sync health')
  expect(wrapper.text).toMatch(/Last webhook|Sync health is unavailable: \S+/)
  press(wrapper, Button, 'Resync')
  await settle(
    update,
    () =>
      host.toasts.some((t) => t.message === 'Resync started') ||
      wrapper.find(Banner, { title: 'Resync did not start' }) !== null,
    'the resync answer'
  )
  const refusal = wrapper.find(Banner, { title: 'Resync did not start' })
  if (refusal) expect(String(refusal.props.description).length).toBeGreaterThan(10)
})
