// The customer drawer against the real backend (Hono app, database, emulator behind it): every
// state, and each retention action driven end to end: open, fill, preview, confirm, toast, the
// subscription changed at the emulator, and the refreshed traits on screen.
import {
  AccordionItem,
  Badge,
  Banner,
  Button,
  ContextView,
  FocusView,
  ListItem,
  PropertyListItem,
  Select,
  Spinner,
  TextField,
  Tooltip,
} from '@stripe/ui-extension-sdk/ui'
import { and, eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { accounts, stripeCoupons } from '../../../backend/src/db/schema'
import { arrange, emulatorSub, waitForLocal } from '../../../test/actions/support'
import { startHarness, type Harness } from '../../../test/support/harness'
import { waitFor } from '../../../test/support/wait'
import {
  appClientFor,
  buttonsIn,
  field,
  findButton,
  installFakeHost,
  press,
  pressIn,
  settle,
  unreachableClient,
  type FakeHost,
} from '../../../test/stripe-app/app-backend'
import { renderView } from '../../../test/stripe-app/render-view'
import CustomerDetailView from './CustomerDetailView'

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

const VIEWPORT = 'stripe.dashboard.customer.detail'

function renderCustomer(
  merchant: { accountId: string; mode?: 'test' | 'live' },
  customerId: string,
  client = appClientFor(h, merchant)
) {
  return renderView(CustomerDetailView, {
    client,
    accountId: merchant.accountId,
    viewportID: VIEWPORT,
    mode: merchant.mode,
    object: { id: customerId, object: 'customer' },
  })
}

type Wrapper = ReturnType<typeof renderCustomer>['wrapper']
const value = (w: Wrapper, label: string) => w.find(PropertyListItem, { label })?.props.value
const stageOf = (w: Wrapper) => w.find(Badge)?.text
const optionsOf = (node: Pick<Wrapper, 'find'>, name: string) =>
  node
    .find(Select, { name })!
    .findAll('option' as unknown as typeof Select)
    .map((o) => o.text)
const loaded = (w: Wrapper) => w.find(PropertyListItem, { label: 'MRR' }) !== null

test('a de-DE user in Auckland: a JPY customer in their locale and zone (not ×100); no MRR is —', async () => {
  const { m, stripe, customer: usdCustomer } = await arrange(h)
  const product = await stripe.products.create({ name: 'Yen plan' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'jpy',
    unit_amount: 5000,
    recurring: { interval: 'month' },
  })
  const customer = await stripe.customers.create({
    email: 'yen@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  })
  await waitForLocal(h, m, sub.id, (s) => s.status === 'active', 'the JPY subscription')
  const idle = await stripe.customers.create({ email: 'idle@example.com' })

  const zone = process.env.TZ
  process.env.TZ = 'Pacific/Auckland'
  try {
    const render = (id: string) =>
      renderView(CustomerDetailView, {
        client: appClientFor(h, m),
        accountId: m.accountId,
        viewportID: VIEWPORT,
        object: { id, object: 'customer' },
        locale: 'de-DE',
      })
    const yen = render(customer.id)
    // ¥5,000 a month is 5000 in Stripe's minor units (JPY has none), shown the German way.
    await settle(yen.update, () => value(yen.wrapper, 'MRR') === '5.000\u00a0¥', 'MRR in yen')
    const periodEnd = emulatorSub(h, m, sub.id).items.data[0]!.current_period_end
    const renews = new Date(periodEnd * 1000).toLocaleDateString('de-DE', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      timeZone: 'Pacific/Auckland',
    })
    expect(value(yen.wrapper, 'Renews')).toBe(renews)
    expect(renews).toMatch(/^\d+\. \S+ \d{4}$/) // "4. Jan. 2027", not "Jan 3, 2027"

    const none = render(idle.id)
    await settle(none.update, () => loaded(none.wrapper), 'the customer without subscriptions')
    expect(value(none.wrapper, 'MRR')).toBe('—')
    expect(usdCustomer.id).not.toBe(idle.id)
  } finally {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  }
})

test('a paying customer: stage, MRR, renewal, explained segments, grouped traits, timeline, actions', async () => {
  const { m, customer, sub } = await arrange(h)
  const { wrapper, update } = renderCustomer(m, customer.id)
  expect(wrapper).toContainComponent(Spinner)
  expect(wrapper).toContainText('Loading customer insights')

  await settle(update, () => loaded(wrapper), 'the customer profile')
  expect(stageOf(wrapper)).toBe('Customer')
  expect(value(wrapper, 'MRR')).toBe('$20.00')
  const periodEnd = emulatorSub(h, m, sub.id).items.data[0]!.current_period_end
  expect(value(wrapper, 'Renews')).toBe(
    new Date(periodEnd * 1000).toLocaleDateString('en-US', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
    })
  )

  // Each segment badge carries why the customer is in it.
  const why = wrapper.find(ListItem, { title: 'Active subscribers' })!
  expect(why.props.secondaryTitle).toBe('Subscription status is "active"')
  const tooltips = wrapper.findAll(Tooltip).map((t) => t.text)
  expect(tooltips).toContain(why.props.secondaryTitle)

  for (const group of ['Subscription', 'Billing', 'Card', 'Location'])
    expect(wrapper.find(AccordionItem, { title: group }), group).not.toBeNull()
  expect(value(wrapper, 'Product name')).toBe('Pro')
  expect(value(wrapper, 'Subscription status')).toBe('active')

  // The timeline shows what happened (at least the subscription starting).
  const ids = wrapper.findAll(ListItem).map((i) => i.props.id)
  expect(ids.length).toBeGreaterThan(4)

  const labels = ['Pause collection', 'Apply discount', 'Change plan', 'Cancel subscription']
  for (const label of labels) expect(findButton(wrapper, Button, label), label).not.toBeNull()
  expect(wrapper.find(ContextView)!.props.banner).toBeTruthy() // test-mode notice
})

test('the drawer offers only what the Dashboard role may run', async () => {
  const { m, customer } = await arrange(h)
  const labels = ['Pause collection', 'Apply discount', 'Change plan', 'Cancel subscription']

  const viewer = renderCustomer(m, customer.id, appClientFor(h, { ...m, roles: ['view_only'] }))
  await settle(viewer.update, () => loaded(viewer.wrapper), 'the profile as View only')
  for (const label of labels) expect(findButton(viewer.wrapper, Button, label), label).toBeNull()
  expect(viewer.wrapper).toContainText('Your Dashboard role can view this customer')

  const agent = renderCustomer(
    m,
    customer.id,
    appClientFor(h, { ...m, roles: ['support_specialist'] })
  )
  await settle(agent.update, () => loaded(agent.wrapper), 'the profile as Support specialist')
  for (const label of labels) expect(findButton(agent.wrapper, Button, label), label).not.toBeNull()
})

test('pause collection: open, fill, confirm with a pending state, toast, refreshed traits', async () => {
  const { m, customer, sub } = await arrange(h)
  // Holds the action request until the test has seen the pending state.
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  const client = appClientFor(h, m, {
    beforeRequest: (method, path) =>
      method === 'POST' && path.endsWith('/pause-collection') ? held : Promise.resolve(),
  })
  const { wrapper, update } = renderCustomer(m, customer.id, client)
  await settle(update, () => loaded(wrapper), 'the customer profile')

  press(wrapper, Button, 'Pause collection')
  await settle(update, () => wrapper.find(FocusView)?.props.shown === true, 'the focus view')
  const sheet = () => wrapper.find(FocusView, { title: 'Pause collection' })!
  expect(buttonsIn(sheet(), 'secondaryAction').map((b) => b.label)).toEqual(['Go back'])
  // Nothing changes at Stripe before the confirm.
  expect(emulatorSub(h, m, sub.id).pause_collection).toBeFalsy()
  sheet()
    .find(Select, { name: 'behavior' })!
    .trigger('onChange', { target: { value: 'void' } })
  sheet()
    .find(TextField, { name: 'months' })!
    .trigger('onChange', { target: { value: '2' } })
  await update()
  expect(sheet().props.confirmCloseMessages).toBeTruthy()

  // A double click: the second press (before the pending state renders) sends nothing.
  const click = buttonsIn(sheet(), 'primaryAction')[0]!.props.onPress as () => void
  click()
  click()
  await update()
  const confirm = buttonsIn(sheet(), 'primaryAction')[0]!
  expect(confirm.props).toMatchObject({ pending: true, disabled: true })
  expect(buttonsIn(sheet(), 'secondaryAction')[0]!.props.disabled).toBe(true)
  expect(host.toasts).toEqual([])
  release()
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Collection paused', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).pause_collection?.behavior).toBe('void')
  const runs = await h.as(m).get(`/api/v1/actions?subscriptionId=${sub.id}`)
  expect(runs.body.data.map((r: { kind: string }) => r.kind)).toEqual(['pause_collection'])

  await settle(update, () => wrapper.find(FocusView)?.props.shown === false, 'the sheet closing')
  expect(value(wrapper, 'Payment collection paused')).toBe('void')
  expect(findButton(wrapper, Button, 'Resume collection')).not.toBeNull()
  expect(host.refreshes).toBe(1)

  // And back: resume collection from the refreshed list.
  press(wrapper, Button, 'Resume collection')
  await settle(update, () => wrapper.find(FocusView)?.props.shown === true, 'the focus view')
  pressIn(wrapper.find(FocusView)!, 'primaryAction', 'Resume collection')
  await settle(update, () => host.toasts.length > 1, 'the second toast')
  expect(host.toasts[1]).toEqual({ message: 'Collection resumed', type: 'success' })
  expect(emulatorSub(h, m, sub.id).pause_collection).toBeFalsy()
  await settle(
    update,
    () => findButton(wrapper, Button, 'Pause collection') !== null,
    'pause offered again'
  )
})

test('change plan: the preview shows due now and next invoice before the confirm; MRR follows', async () => {
  const { m, customer, sub, bigger } = await arrange(h)
  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')

  press(wrapper, Button, 'Change plan')
  await settle(update, () => wrapper.find(FocusView)?.props.shown === true, 'the focus view')
  const sheet = () => wrapper.find(FocusView, { title: 'Change plan' })!
  // A picker of the merchant's prices, not a price id to type; the current price is not offered.
  await settle(update, () => sheet().find(Select, { name: 'priceId' }) !== null, 'the plans')
  expect(sheet().find(TextField, { name: 'priceId' })).toBeNull()
  expect(optionsOf(sheet(), 'priceId')).toEqual(['Choose a plan', 'Pro · $50.00 / month'])
  expect(field(sheet(), 'itemId')).toBeNull() // one item: nothing to choose
  sheet()
    .find(Select, { name: 'priceId' })!
    .trigger('onChange', { target: { value: bigger.id } })
  sheet()
    .find(Select, { name: 'prorationBehavior' })!
    .trigger('onChange', { target: { value: 'always_invoice' } })
  await update()
  // Confirm waits for the preview.
  expect(buttonsIn(sheet(), 'primaryAction')[0]!.props.disabled).toBe(true)
  press(sheet(), Button, 'Preview cost')
  await settle(
    update,
    () => sheet().find(PropertyListItem, { label: 'Due now' }) !== null,
    'the preview'
  )
  const dueNow = String(sheet().find(PropertyListItem, { label: 'Due now' })!.props.value)
  expect(dueNow).toMatch(/^\$\d+\.\d\d$/)
  expect(dueNow).not.toBe('$0.00') // always_invoice bills the difference now
  expect(String(sheet().find(PropertyListItem, { label: 'Next invoice' })!.props.value)).toContain(
    '$50.00'
  )
  expect(emulatorSub(h, m, sub.id).items.data[0]!.price.id).not.toBe(bigger.id)

  pressIn(sheet(), 'primaryAction', 'Change plan')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Plan changed', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).items.data[0]!.price.id).toBe(bigger.id)
  await settle(update, () => value(wrapper, 'MRR') === '$50.00', 'MRR at the new price')
})

test('change plan on a subscription with two items: choose the item, then a same-currency plan', async () => {
  const { m, stripe, product, price } = await arrange(h)
  const customer = await stripe.customers.create({
    email: 'two-items@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const seats = await stripe.products.create({ name: 'Seats' })
  const seat = await stripe.prices.create({
    product: seats.id,
    currency: 'usd',
    unit_amount: 500,
    recurring: { interval: 'month' },
  })
  const seatYearly = await stripe.prices.create({
    product: seats.id,
    currency: 'usd',
    unit_amount: 5000,
    recurring: { interval: 'month', interval_count: 12 },
    nickname: 'Annual seat',
  })
  // Another currency is never offered: Stripe refuses mixed currencies on one subscription.
  await stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: 1800,
    recurring: { interval: 'month' },
  })
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }, { price: seat.id, quantity: 3 }],
  })
  await waitForLocal(h, m, sub.id, (s) => s.items.data.length === 2, 'the two-item subscription')
  const seatItem = sub.items.data.find((i) => i.price.id === seat.id)!
  // The drawer loads once: wait until the backend offers this subscription's actions.
  await waitFor(
    async () => {
      const profile = await h.as(m).get(`/api/v1/customers/${customer.id}`)
      return (profile.body.actions ?? []).some(
        (a: { kind: string; subscriptionId: string }) =>
          a.kind === 'change_plan' && a.subscriptionId === sub.id
      )
    },
    { what: 'the two-item subscription in the profile', timeoutMs: 30_000 }
  )

  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')
  await settle(update, () => findButton(wrapper, Button, 'Change plan') !== null, 'the actions')
  press(wrapper, Button, 'Change plan')
  await update()
  const sheet = () => wrapper.find(FocusView, { title: 'Change plan' })!
  expect(sheet().text).toContain(sub.id)
  await settle(update, () => field(sheet(), 'itemId') !== null, 'the item picker')
  expect(optionsOf(sheet(), 'itemId')).toEqual([
    'Choose the item',
    'Pro · $20.00 / month × 1',
    'Seats · $5.00 / month × 3',
  ])
  // Until an item is chosen nothing can be previewed or sent.
  expect(buttonsIn(sheet(), 'primaryAction')[0]!.props.disabled).toBe(true)
  expect(findButton(sheet(), Button, 'Preview cost')!.props.disabled).toBe(true)

  sheet()
    .find(Select, { name: 'itemId' })!
    .trigger('onChange', { target: { value: seatItem.id } })
  await update()
  expect(optionsOf(sheet(), 'priceId')).toEqual([
    'Choose a plan',
    'Pro · $20.00 / month',
    'Pro · $50.00 / month',
    'Seats · Annual seat · $50.00 every 12 months',
  ])
  sheet()
    .find(Select, { name: 'priceId' })!
    .trigger('onChange', { target: { value: seatYearly.id } })
  await update()
  press(sheet(), Button, 'Preview cost')
  await settle(
    update,
    () => sheet().find(PropertyListItem, { label: 'Due now' }) !== null,
    'the preview'
  )
  pressIn(sheet(), 'primaryAction', 'Change plan')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Plan changed', type: 'success' }])
  const items = emulatorSub(h, m, sub.id).items.data
  expect(items.map((i) => [i.price.id, i.quantity]).sort()).toEqual(
    [
      [price.id, 1],
      [seatYearly.id, 3],
    ].sort()
  )
})

test('apply discount with an offer from the picker; MRR drops at once', async () => {
  const { m, customer, sub } = await arrange(h)
  const offer = await h.as(m).post('/api/v1/offers', {
    name: '25% for 3 months',
    kind: 'percent_off',
    percentOff: 25,
    duration: 'repeating',
    durationInMonths: 3,
  })
  expect(offer.status).toBe(201)
  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')

  press(wrapper, Button, 'Apply discount')
  const sheet = () => wrapper.find(FocusView, { title: 'Apply discount' })!
  await settle(update, () => sheet().find(Select, { name: 'offerId' }) !== null, 'the offers')
  const options = sheet()
    .find(Select, { name: 'offerId' })!
    .findAll('option' as unknown as typeof Select)
    .map((o) => o.text)
  expect(options).toEqual(['No offer', '25% for 3 months'])
  expect(sheet().find(TextField, { name: 'discountSearch' })).not.toBeNull()
  sheet()
    .find(Select, { name: 'offerId' })!
    .trigger('onChange', {
      target: { value: offer.body.id },
    })
  await update()
  // With an offer chosen, the manual fields give way.
  expect(sheet().find(TextField, { name: 'discountSearch' })).toBeNull()
  pressIn(sheet(), 'primaryAction', 'Apply discount')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Discount applied', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(1)
  await settle(update, () => value(wrapper, 'MRR') === '$15.00', 'the discounted MRR')
})

test('a refused action keeps the sheet open with the reason, and a caution toast', async () => {
  const { m, customer, sub, stripe } = await arrange(h)
  const doomed = await stripe.coupons.create({ name: 'Doomed', percent_off: 10, duration: 'once' })
  await waitFor(
    async () =>
      (
        await h
          .db()
          .select({ id: stripeCoupons.id })
          .from(stripeCoupons)
          .where(eq(stripeCoupons.id, doomed.id))
      ).length === 1,
    { what: 'the coupon synced' }
  )
  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')
  press(wrapper, Button, 'Apply discount')
  const sheet = () => wrapper.find(FocusView, { title: 'Apply discount' })!
  await settle(update, () => sheet().find(Select, { name: 'couponId' }) !== null, 'the coupons')
  sheet()
    .find(Select, { name: 'couponId' })!
    .trigger('onChange', {
      target: { value: doomed.id },
    })
  await update()
  // Deleted at Stripe while the sheet was open: Stripe refuses it.
  await stripe.coupons.del(doomed.id)
  pressIn(sheet(), 'primaryAction', 'Apply discount')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Apply discount failed', type: 'caution' }])
  const banner = sheet().find(Banner, { title: 'Nothing was changed' })!
  expect(String(banner.props.description)).toContain(doomed.id)
  expect(sheet().props.shown).toBe(true)
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(0)
})

test('cancel at period end, then reactivate from the refreshed view', async () => {
  const { m, customer, sub } = await arrange(h)
  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')

  press(wrapper, Button, 'Cancel subscription')
  const sheet = () => wrapper.find(FocusView, { title: 'Cancel subscription' })!
  await settle(update, () => sheet().props.shown === true, 'the focus view')
  expect(field(sheet(), 'prorate')).toBeNull() // only for "now"
  expect(field(sheet(), 'when')).not.toBeNull()
  sheet()
    .find(Select, { name: 'reason' })!
    .trigger('onChange', {
      target: { value: 'too_expensive' },
    })
  sheet()
    .find(TextField, { name: 'comment' })!
    .trigger('onChange', {
      target: { value: 'Budget cuts' },
    })
  await update()
  expect(buttonsIn(sheet(), 'primaryAction')[0]!.props.type).toBe('destructive')
  // Scheduled, not done: the sheet, the button and the toast say so.
  expect(sheet().text).toContain('stays active until the end of the current period')
  pressIn(sheet(), 'primaryAction', 'Schedule cancellation')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts[0]).toEqual({ message: 'Cancellation scheduled', type: 'success' })
  const canceled = emulatorSub(h, m, sub.id)
  expect(canceled.cancel_at_period_end).toBe(true)
  expect(canceled.cancellation_details?.feedback).toBe('too_expensive')
  expect(canceled.cancellation_details?.comment).toBe('Budget cuts')
  await settle(update, () => findButton(wrapper, Button, 'Reactivate') !== null, 'reactivate')
  expect(String(value(wrapper, 'Renews'))).toMatch(/^Cancels /)

  press(wrapper, Button, 'Reactivate')
  await settle(update, () => wrapper.find(FocusView)?.props.shown === true, 'the focus view')
  pressIn(wrapper.find(FocusView)!, 'primaryAction', 'Reactivate')
  await settle(update, () => host.toasts.length > 1, 'the second toast')
  expect(host.toasts[1]).toEqual({ message: 'Subscription reactivated', type: 'success' })
  expect(emulatorSub(h, m, sub.id).cancel_at_period_end).toBe(false)
})

test('extend trial on a trialing subscription moves trial_end by the days entered', async () => {
  const { m, customer, sub } = await arrange(h, { trialDays: 7 })
  const before = emulatorSub(h, m, sub.id).trial_end!
  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')
  expect(stageOf(wrapper)).toBe('Trial')
  press(wrapper, Button, 'Extend trial')
  const sheet = () => wrapper.find(FocusView, { title: 'Extend trial' })!
  await settle(update, () => sheet().find(TextField, { name: 'days' }) !== null, 'the form')
  sheet()
    .find(TextField, { name: 'days' })!
    .trigger('onChange', { target: { value: '5' } })
  await update()
  pressIn(sheet(), 'primaryAction', 'Extend trial')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Trial extended', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).trial_end).toBe(before + 5 * 86_400)
})

test('states: not connected, needs re-auth, unknown customer, backend unreachable', async () => {
  const stranger = h.emulator!.createAccount().id
  const notConnected = renderCustomer({ accountId: stranger }, 'cus_x')
  await settle(
    notConnected.update,
    () => notConnected.wrapper.find(Banner, { title: 'Holdfast is not connected' }) !== null,
    'not connected'
  )
  // The connect prompt is in the drawer: it starts the OAuth install, not a trip to settings.
  expect(buttonsIn(notConnected.wrapper.find(Banner)!, 'actions')[0]!.props.href).toContain(
    '/oauth/install?mode='
  )

  const m = await h.installMerchant()
  const unknown = renderCustomer(m, 'cus_never_synced')
  await settle(
    unknown.update,
    () => unknown.wrapper.text.includes('has no data for this customer'),
    'the empty state'
  )

  await h
    .db()
    .update(accounts)
    .set({ status: 'needs_reauth' })
    .where(and(eq(accounts.accountId, m.accountId), eq(accounts.livemode, false)))
  const reauth = renderCustomer(m, 'cus_x')
  await settle(
    reauth.update,
    () => reauth.wrapper.find(Banner, { title: 'Holdfast needs to be re-authorized' }) !== null,
    'needs re-auth'
  )
  expect(buttonsIn(reauth.wrapper.find(Banner)!, 'actions')[0]!.props.href).toBe(
    'https://holdfast.test/oauth/install?mode=test'
  )

  // Live mode for an account installed only in test mode: not connected, and no test-mode notice.
  const live = renderCustomer({ accountId: m.accountId, mode: 'live' }, 'cus_x')
  await settle(
    live.update,
    () => live.wrapper.find(Banner, { title: 'Holdfast is not connected' }) !== null,
    'live mode not connected'
  )
  expect(live.wrapper.find(ContextView)!.props.banner).toBeUndefined()

  const down = renderCustomer(m, 'cus_x', unreachableClient(m))
  await settle(
    down.update,
    () => down.wrapper.find(Banner, { title: 'Holdfast is unreachable' }) !== null,
    'unreachable'
  )
  expect(buttonsIn(down.wrapper.find(Banner)!, 'actions').map((b) => b.label)).toEqual(['Retry'])
})

test('true pause: the sheet says what happens to access, invoices and the renewal date; paused shows, resume keeps the renewal date', async () => {
  const { m, customer, sub } = await arrange(h)
  const renewal = sub.items.data[0]!.current_period_end
  const { wrapper, update } = renderCustomer(m, customer.id)
  await settle(update, () => loaded(wrapper), 'the customer profile')

  press(wrapper, Button, 'Pause subscription')
  await settle(update, () => wrapper.find(FocusView)?.props.shown === true, 'the focus view')
  const sheet = () => wrapper.find(FocusView, { title: 'Pause subscription' })!
  expect(sheet()).toContainText('The customer loses access now (status paused)')
  expect(sheet()).toContainText('No invoices are created and nothing is charged')
  expect(sheet()).toContainText('the renewal date is set again at the resume')
  expect(sheet()).toContainText('credited on the first invoice after the resume')
  expect(emulatorSub(h, m, sub.id).status).toBe('active')
  pressIn(sheet(), 'primaryAction', 'Pause subscription')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Subscription paused', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).status).toBe('paused')
  await settle(
    update,
    () => value(wrapper, 'Subscription status') === 'paused',
    'the traits showing paused'
  )
  expect(findButton(wrapper, Button, 'Pause collection')).toBeNull()
  expect(findButton(wrapper, Button, 'Pause subscription')).toBeNull()

  press(wrapper, Button, 'Resume subscription')
  await settle(update, () => wrapper.find(FocusView)?.props.shown === true, 'the resume sheet')
  const resume = () => wrapper.find(FocusView, { title: 'Resume subscription' })!
  expect(resume()).toContainText('today becomes the renewal date')
  resume()
    .find(Select, { name: 'billingCycleAnchor' })!
    .trigger('onChange', { target: { value: 'unchanged' } })
  await update()
  expect(resume()).toContainText('the renewal date stays as it was')
  resume()
    .find(Select, { name: 'prorationBehavior' })!
    .trigger('onChange', { target: { value: 'none' } })
  await update()
  expect(resume()).toContainText('The rest of the current period is free.')
  pressIn(resume(), 'primaryAction', 'Resume subscription')
  await settle(update, () => host.toasts.length > 1, 'the second toast')
  expect(host.toasts[1]).toEqual({ message: 'Subscription resumed', type: 'success' })
  const atStripe = emulatorSub(h, m, sub.id)
  expect(atStripe.status).toBe('active')
  expect(atStripe.items.data[0]!.current_period_end).toBe(renewal)
  await settle(
    update,
    () => value(wrapper, 'Subscription status') === 'active',
    'the traits showing active'
  )
})
