// The settings page against the real backend (Hono app + emulator): connection states, disconnect
// confirmed in place, one save pattern, single-flight presses, unreachable backend.
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

  // No FocusView on a settings page (it must sit in a ContextView): Disconnect… opens a banner
  // and only the banner's button acts.
  expect(wrapper.findAll(FocusView)).toEqual([])
  press(wrapper, Button, 'Disconnect…')
  await update()
  expect(findButton(wrapper, Button, 'Disconnect…')!.props.disabled).toBe(true)
  const confirm = wrapper.find(Banner, { title: 'Disconnect Holdfast?' })!
  expect(buttonsIn(confirm, 'actions').map((b) => b.label)).toEqual(['Disconnect', 'Keep'])
  expect((await h.as(merchant).get('/api/v1/account')).body.status).toBe('active')
  pressIn(confirm, 'actions', 'Keep')
  await update()
  expect(wrapper.find(Banner, { title: 'Disconnect Holdfast?' })).toBeNull()
  press(wrapper, Button, 'Disconnect…')
  await update()
  // A double press on the confirm sends one request: one success toast, no error banner.
  const again = wrapper.find(Banner, { title: 'Disconnect Holdfast?' })!
  pressIn(again, 'actions', 'Disconnect')
  pressIn(again, 'actions', 'Disconnect')
  await settle(update, () => wrapper.find(Badge)?.text === 'Disconnected', 'the disconnected badge')
  expect((await h.as(merchant).get('/api/v1/account')).body.status).toBe('uninstalled')
  expect(host.toasts).toEqual([{ message: 'Holdfast disconnected', type: 'success' }])
  expect(wrapper.find(Banner, { title: 'Still connected' })).toBeNull()
})

test('not connected: the OAuth install link, and no pasted restricted key in an OAuth app', async () => {
  const accountId = h.emulator!.createAccount().id
  const { wrapper, update } = renderSettings(appClientFor(h, { accountId }), accountId)
  await settle(update, () => wrapper.findAll(Badge).length > 0, 'the connection badge')
  expect(wrapper.find(Badge)).toContainText('Not connected')
  expect(findButton(wrapper, Button, 'Connect with Stripe')).toHaveProps({
    href: `${TEST_API_BASE}/oauth/install?mode=test`,
  })
  expect(wrapper.findAll(TextField)).toEqual([])
  expect(wrapper.text).not.toMatch(/restricted/i)
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

test('connected: every block saves with its own button, presses send once, deletes confirm in a banner', async () => {
  const { m } = await arrange(h)
  const { wrapper, update } = renderSettings(appClientFor(h, m), m.accountId)
  await settle(update, () => field(wrapper, 'stage.trial') !== null, 'the settings sections')
  await settle(update, () => !wrapper.text.includes('Loading'), 'every section loaded')
  expect(wrapper).toContainText('No offers yet')
  expect(wrapper).toContainText('No custom segments yet')
  expect(wrapper).toContainText('No key yet.')
  expect(wrapper).toContainText('No endpoints yet.')

  // One save pattern: no page-level Save that could skip a filled-in block.
  expect(wrapper.find(SettingsView)!.props.onSave).toBeUndefined()

  // Offers editor: a 20 % off once offer becomes one coupon at Stripe, even on a double press.
  field(wrapper, 'offer.name').trigger('onChange', { target: { value: 'Twenty off' } })
  field(wrapper, 'offer.amount').trigger('onChange', { target: { value: '20' } })
  await update()
  // The Dashboard delivers presses asynchronously: both arrive before the button re-renders.
  const createOffer = findButton(wrapper, Button, 'Create offer')!.props.onPress as () => void
  createOffer()
  createOffer()
  await settle(update, () => wrapper.find(ListItem, { title: 'Twenty off' }) !== null, 'the offer')
  expect(wrapper.find(ListItem, { title: 'Twenty off' })!.props.secondaryTitle).toBe(
    '20 % off, once'
  )
  const offers = (await h.as(m).get('/api/v1/offers')).body.data
  expect(offers).toHaveLength(1)
  expect(h.emulator!.account(m.accountId, 'test').coupons.get(offers[0].couponId)).toBeTruthy()
  expect(h.emulator!.account(m.accountId, 'test').coupons.size).toBe(1)

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

  // Stages and identity: their own button saves what was typed.
  field(wrapper, 'stage.customer').trigger('onChange', { target: { value: 'active, past_due' } })
  field(wrapper, 'stage.churned').trigger('onChange', {
    target: { value: 'canceled, incomplete_expired, unpaid' },
  })
  field(wrapper, 'identity.kind').trigger('onChange', { target: { value: 'metadata' } })
  await update()
  field(wrapper, 'identity.key').trigger('onChange', { target: { value: 'user_id' } })
  await update()
  press(wrapper, Button, 'Save stages and identity')
  await settle(
    update,
    () => host.toasts.some((t) => t.message === 'Stages and identity saved'),
    `the save toast (${wrapper.find(Banner, { title: 'Not saved' })?.props.description})`
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
  field(wrapper, 'stage.trial').trigger('onChange', { target: { value: 'active' } })
  await update()
  press(wrapper, Button, 'Save stages and identity')
  await settle(update, () => wrapper.find(Banner, { title: 'Not saved' }) !== null, 'the refusal')
  expect(String(wrapper.find(Banner, { title: 'Not saved' })!.props.description)).toContain(
    'already mapped'
  )

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
  // Delete and Remove only open a confirmation banner: a double click deletes nothing.
  rowButton('Big spenders')()
  rowButton('Big spenders')()
  await update()
  expect((await h.as(m).get('/api/v1/segments?includeHidden=true')).body.segments).toContainEqual(
    expect.objectContaining({ name: 'Big spenders' })
  )
  pressIn(wrapper.find(Banner, { title: 'Delete "Big spenders"?' })!, 'actions', 'Delete segment')
  await settle(update, () => wrapper.find(ListItem, { title: 'Big spenders' }) === null, 'deleted')
  rowButton('https://hooks.example.com/holdfast')()
  rowButton('https://hooks.example.com/holdfast')()
  await update()
  expect((await h.as(m).get('/api/v1/outbound/endpoints')).body.endpoints).toHaveLength(1)
  pressIn(wrapper.find(Banner, { title: 'Remove this endpoint?' })!, 'actions', 'Remove endpoint')
  await settle(update, () => wrapper.text.includes('No endpoints yet.'), 'removed')
  expect(host.toasts.map((t) => t.message)).toEqual([
    'Offer created',
    'Segment created',
    'Stages and identity saved',
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
  expect(wrapper.find(TextField, { label: 'Restricted API key' })).toBeNull()
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
