// A plan change on a subscription with several items applies to one item: the sheet says so,
// names the item once chosen, and asks for it even when a switch-price offer names the price
// (the offer says which price, not which item). Against the real backend and the emulator.
import { Button, FocusView, PropertyListItem, Select } from '@stripe/ui-extension-sdk/ui'
import { afterEach, beforeEach, expect, test } from 'vitest'
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
  type FakeHost,
} from '../../../test/stripe-app/app-backend'
import { renderView } from '../../../test/stripe-app/render-view'
import CustomerDetailView from '../views/CustomerDetailView'

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

test('a switch-price offer on a two-item subscription: the one-item hint, the item asked for, only it changes', async () => {
  const { m, stripe, price, bigger } = await arrange(h)
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
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }, { price: seat.id, quantity: 3 }],
  })
  await waitForLocal(h, m, sub.id, (s) => s.items.data.length === 2, 'the two-item subscription')
  const proItem = sub.items.data.find((i) => i.price.id === price.id)!
  const offer = await h.as(m).post('/api/v1/offers', {
    name: 'Upgrade to Pro Max',
    kind: 'switch_price',
    priceId: bigger.id,
  })
  expect(offer.status).toBe(201)
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

  const { wrapper, update } = renderView(CustomerDetailView, {
    client: appClientFor(h, m),
    accountId: m.accountId,
    viewportID: 'stripe.dashboard.customer.detail',
    object: { id: customer.id, object: 'customer' },
  })
  await settle(
    update,
    () => wrapper.find(PropertyListItem, { label: 'MRR' }) !== null,
    'the profile'
  )
  await settle(update, () => findButton(wrapper, Button, 'Change plan') !== null, 'the actions')
  press(wrapper, Button, 'Change plan')
  const sheet = () => wrapper.find(FocusView, { title: 'Change plan' })!
  await settle(update, () => field(sheet(), 'itemId') !== null, 'the item picker')
  expect(sheet().text).toContain(
    'This subscription has 2 items. A plan change replaces the price of one of them; the other item keeps its price.'
  )
  await settle(update, () => field(sheet(), 'offerId') !== null, 'the offers')
  sheet()
    .find(Select, { name: 'offerId' })!
    .trigger('onChange', { target: { value: offer.body.id } })
  await update()
  // The offer names the price; the item is still asked for, and nothing can be sent without it.
  expect(field(sheet(), 'itemId')).not.toBeNull()
  expect(field(sheet(), 'priceId')).toBeNull()
  expect(sheet().text).toContain('Choose which item of the subscription changes.')
  expect(buttonsIn(sheet(), 'primaryAction')[0]!.props.disabled).toBe(true)

  sheet()
    .find(Select, { name: 'itemId' })!
    .trigger('onChange', { target: { value: proItem.id } })
  await update()
  expect(sheet().text).toContain(
    'Only Pro · $20.00 / month × 1 changes; the other item keeps its price.'
  )
  press(sheet(), Button, 'Preview cost')
  await settle(
    update,
    () => sheet().find(PropertyListItem, { label: 'Due now' }) !== null,
    'the preview'
  )
  pressIn(sheet(), 'primaryAction', 'Change plan')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Plan changed', type: 'success' }])
  expect(
    emulatorSub(h, m, sub.id)
      .items.data.map((i) => [i.price.id, i.quantity])
      .sort()
  ).toEqual(
    [
      [bigger.id, 1],
      [seat.id, 3],
    ].sort()
  )
})
