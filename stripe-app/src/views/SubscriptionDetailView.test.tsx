// The subscription drawer against the real backend: its traits, only the actions its status
// allows, an action driven to the end, and the states.
import {
  Badge,
  Banner,
  Button,
  FocusView,
  Link,
  PropertyListItem,
  Select,
  Spinner,
} from '@stripe/ui-extension-sdk/ui'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { arrange, emulatorSub } from '../../../test/actions/support'
import { startHarness, type Harness } from '../../../test/support/harness'
import {
  appClientFor,
  field,
  findButton,
  installFakeHost,
  press,
  pressIn,
  settle,
  type FakeHost,
} from '../../../test/stripe-app/app-backend'
import { renderView } from '../../../test/stripe-app/render-view'
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

const renderSubscription = (merchant: { accountId: string }, subscriptionId: string) =>
  renderView(SubscriptionDetailView, {
    client: appClientFor(h, merchant),
    accountId: merchant.accountId,
    viewportID: 'stripe.dashboard.subscription.detail',
    object: { id: subscriptionId, object: 'subscription' },
  })

test('a trialing subscription: traits, the actions its status allows; cancel now with proration', async () => {
  const { m, sub } = await arrange(h, { trialDays: 14 })
  const { wrapper, update } = renderSubscription(m, sub.id)
  expect(wrapper).toContainComponent(Spinner)
  expect(wrapper).toContainText('Loading subscription insights')
  await settle(update, () => wrapper.find(Badge) !== null, 'the subscription')

  expect(wrapper.find(Badge)!.text).toBe('Trialing')
  expect(wrapper.find(PropertyListItem, { label: 'Subscription status' })!.props.value).toBe(
    'trialing'
  )
  expect(findButton(wrapper, Button, 'Extend trial')).not.toBeNull()
  // Only what a trialing subscription allows: nothing to resume or reactivate.
  expect(findButton(wrapper, Button, 'Resume collection')).toBeNull()
  expect(findButton(wrapper, Button, 'Reactivate')).toBeNull()

  press(wrapper, Button, 'Cancel subscription')
  const sheet = () => wrapper.find(FocusView, { title: 'Cancel subscription' })!
  await settle(update, () => sheet().props.shown === true, 'the focus view')
  sheet()
    .find(Select, { name: 'when' })!
    .trigger('onChange', { target: { value: 'now' } })
  await update()
  field(sheet(), 'prorate')!.trigger('onChange', { target: { checked: true } })
  await update()
  expect(emulatorSub(h, m, sub.id).status).toBe('trialing')
  expect(sheet().text).toContain('cannot be undone')
  pressIn(sheet(), 'primaryAction', 'Cancel immediately')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Subscription canceled', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).status).toBe('canceled')
  await settle(update, () => wrapper.find(Badge)?.text === 'Canceled', 'the refreshed status')
  expect(wrapper.text).toContain("No retention actions apply to this customer's subscriptions")
})

test('an unknown subscription shows the empty state with a way to check sync', async () => {
  const m = await h.installMerchant()
  const { wrapper, update } = renderSubscription(m, 'sub_unknown')
  await settle(
    update,
    () => wrapper.text.includes('has not synced this subscription yet'),
    'the empty state'
  )
  expect(wrapper.find(Banner, { title: 'Holdfast could not load this' })).toBeNull()
  expect(wrapper.find(Link)!.props.href).toBe(
    'https://dashboard.stripe.com/test/settings/apps/com.holdfast.app'
  )
})
