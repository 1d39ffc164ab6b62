// The discount sheet against the real backend and the emulator: the agent picks a coupon or a
// promotion code by name and terms (GET /subscriptions/:id/discount-options), searches, and the
// chosen one is applied at Stripe. No coupon id is typed anywhere.
import { Button, FocusView, PropertyListItem, Select, TextField } from '@stripe/ui-extension-sdk/ui'
import { inArray } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { stripeCoupons, stripePromotionCodes } from '../../../backend/src/db/schema'
import { arrange, emulatorSub } from '../../../test/actions/support'
import { startHarness, type Harness } from '../../../test/support/harness'
import { waitFor } from '../../../test/support/wait'
import {
  appClientFor,
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

type Node = {
  find: (type: unknown, props?: object) => Node | null
  findAll: (type: unknown) => Node[]
  text: string
  trigger: (prop: string, ...args: unknown[]) => void
  props: Record<string, unknown>
}
const optionsOf = (node: Node, name: string) =>
  node
    .find(Select, { name })
    ?.findAll('option')
    .map((o) => o.text) ?? null

test('coupons and promotion codes picked by name and terms, searched, and applied at Stripe', async () => {
  const { m, stripe, customer, sub } = await arrange(h)
  const spring = await stripe.coupons.create({
    name: 'Spring 20',
    percent_off: 20,
    duration: 'repeating',
    duration_in_months: 3,
  })
  const fiver = await stripe.coupons.create({
    name: 'Five off',
    amount_off: 500,
    currency: 'usd',
    duration: 'once',
  })
  const euro = await stripe.coupons.create({
    name: 'Euro 5',
    amount_off: 500,
    currency: 'eur',
    duration: 'once',
  })
  const code = await stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: fiver.id },
    code: 'COMEBACK5',
  } as never)
  await waitFor(
    async () => {
      const coupons = await h
        .db()
        .select({ id: stripeCoupons.id })
        .from(stripeCoupons)
        .where(inArray(stripeCoupons.id, [spring.id, fiver.id, euro.id]))
      const codes = await h
        .db()
        .select({ id: stripePromotionCodes.id })
        .from(stripePromotionCodes)
        .where(inArray(stripePromotionCodes.id, [code.id]))
      return coupons.length === 3 && codes.length === 1
    },
    { what: 'coupons and the promotion code synced' }
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
  press(wrapper, Button, 'Apply discount')
  const sheet = () => wrapper.find(FocusView, { title: 'Apply discount' }) as unknown as Node
  await settle(
    update,
    () => optionsOf(sheet(), 'couponId') !== null && optionsOf(sheet(), 'promotionCode') !== null,
    'the discount options'
  )
  // Names and terms, in the subscription's currency only (the EUR coupon is not offered).
  expect(optionsOf(sheet(), 'couponId')!.slice(1).sort()).toEqual([
    'Five off · $5.00 off once',
    'Spring 20 · 20% off for 3 months',
  ])
  expect(optionsOf(sheet(), 'couponId')![0]).toBe('No coupon')
  expect(optionsOf(sheet(), 'promotionCode')).toEqual([
    'No promotion code',
    'COMEBACK5 · $5.00 off once',
  ])
  expect(sheet().find(TextField, { name: 'couponId' })).toBeNull()
  expect(sheet().find(TextField, { name: 'promotionCode' })).toBeNull()

  // Search narrows both lists at the backend.
  sheet()
    .find(TextField, { name: 'discountSearch' })!
    .trigger('onChange', { target: { value: 'spring' } })
  await settle(
    update,
    () =>
      optionsOf(sheet(), 'couponId')?.length === 2 && optionsOf(sheet(), 'promotionCode') === null,
    'the search'
  )
  expect(optionsOf(sheet(), 'couponId')).toEqual(['No coupon', 'Spring 20 · 20% off for 3 months'])
  expect(JSON.stringify(sheet().text)).toContain('No promotion code matches')

  sheet()
    .find(Select, { name: 'couponId' })!
    .trigger('onChange', { target: { value: spring.id } })
  await update()
  pressIn(sheet(), 'primaryAction', 'Apply discount')
  await settle(update, () => host.toasts.length > 0, 'the toast')
  expect(host.toasts).toEqual([{ message: 'Discount applied', type: 'success' }])
  expect(emulatorSub(h, m, sub.id).discounts).toHaveLength(1)
  const applied = await stripe.subscriptions.retrieve(sub.id, { expand: ['discounts'] })
  expect(JSON.stringify(applied.discounts)).toContain(spring.id)
})
