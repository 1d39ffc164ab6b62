import type Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

let t: TestEmulator
let stripe: Stripe

beforeEach(async () => {
  t = await startTestEmulator()
  stripe = t.client()
})
afterEach(() => t.close())

async function catalogue() {
  const product = await stripe.products.create({ name: 'Pro' })
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 3000,
    recurring: { interval: 'month' },
  })
  const bigger = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 6000,
    recurring: { interval: 'month' },
  })
  return { product, monthly, bigger }
}

async function payingCustomer(card = 'pm_card_visa') {
  return stripe.customers.create({
    email: 'payer@example.com',
    payment_method: card,
    invoice_settings: { default_payment_method: card },
  })
}

function state() {
  return t.emulator.account(t.emulator.platform.id, 'test')
}

describe('subscriptions', () => {
  test('create charges the default card: active, item periods, paid invoice with payment and charge', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 2 }],
      expand: ['latest_invoice'],
    })
    expect(sub.status).toBe('active')
    const item = sub.items.data[0] as Stripe.SubscriptionItem
    expect(item.quantity).toBe(2)
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start)
    const invoice = sub.latest_invoice as Stripe.Invoice
    expect(invoice.status).toBe('paid')
    expect(invoice.amount_paid).toBe(6000)
    expect(invoice.parent?.subscription_details?.subscription).toBe(sub.id)
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id })
    expect(payments.data).toHaveLength(1)
    const pi = payments.data[0]?.payment.payment_intent as string
    const charges = await stripe.charges.list({ customer: customer.id })
    expect(charges.data[0]).toMatchObject({ amount: 6000, status: 'succeeded', payment_intent: pi })
    expect(charges.data[0]?.payment_method_details?.card?.brand).toBe('visa')
    const byPayment = await stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: pi },
    })
    expect(byPayment.data[0]?.invoice).toBe(invoice.id)
  })

  test('a declining card leaves the subscription incomplete with a failed charge', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer('pm_card_chargeDeclined')
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    expect(sub.status).toBe('incomplete')
    const charges = await stripe.charges.list({ customer: customer.id })
    expect(charges.data[0]).toMatchObject({ status: 'failed', failure_code: 'card_declined' })
    expect((await stripe.invoices.retrieve(sub.latest_invoice as string)).status).toBe('open')
  })

  test('payment_behavior=default_incomplete leaves the first invoice open without a charge', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: 'default_incomplete',
    })
    expect(sub.status).toBe('incomplete')
    expect((await stripe.charges.list({ customer: customer.id })).data).toHaveLength(0)
    expect((await stripe.invoices.retrieve(sub.latest_invoice as string)).status).toBe('open')
  })

  test('discounts: an array replaces, [] leaves unchanged, existing ids are kept via {discount}, "" clears, DELETE /discount removes', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const twenty = await stripe.coupons.create({ percent_off: 20, duration: 'forever' })
    const five = await stripe.coupons.create({
      amount_off: 500,
      currency: 'usd',
      duration: 'repeating',
      duration_in_months: 3,
    })

    const one = await stripe.subscriptions.update(sub.id, {
      discounts: [{ coupon: twenty.id }],
      expand: ['discounts'],
    })
    const d1 = one.discounts[0] as Stripe.Discount
    expect(d1.source).toEqual({ coupon: twenty.id, type: 'coupon' })
    expect(d1.subscription).toBe(sub.id)

    const unchanged = await stripe.subscriptions.update(sub.id, { discounts: [] })
    expect(unchanged.discounts).toEqual([d1.id])

    const two = await stripe.subscriptions.update(sub.id, {
      discounts: [{ discount: d1.id }, { coupon: five.id }],
    })
    expect(two.discounts).toHaveLength(2)
    expect(two.discounts[0]).toBe(d1.id)

    const replaced = await stripe.subscriptions.update(sub.id, { discounts: [{ coupon: five.id }] })
    expect(replaced.discounts).toHaveLength(1)
    expect(replaced.discounts[0]).not.toBe(d1.id)

    const cleared = await stripe.subscriptions.update(sub.id, { discounts: '' })
    expect(cleared.discounts).toEqual([])

    await stripe.subscriptions.update(sub.id, { discounts: [{ coupon: twenty.id }] })
    const deleted = await stripe.subscriptions.deleteDiscount(sub.id)
    expect(deleted.deleted).toBe(true)
    expect(state().subscriptions.get(sub.id)?.discounts).toEqual([])
  })

  test('price change: preview shows proration credit/debit and next period; update with the same proration_date applies it', async () => {
    const { monthly, bigger } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 3 }],
    })
    const item = sub.items.data[0] as Stripe.SubscriptionItem
    const half = Math.floor((item.current_period_start + item.current_period_end) / 2)
    const fraction =
      (item.current_period_end - half) / (item.current_period_end - item.current_period_start)

    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: {
        items: [{ id: item.id, price: bigger.id, quantity: 3 }],
        proration_behavior: 'create_prorations',
        proration_date: half,
      },
    })
    const prorations = preview.lines.data.filter(
      (l) => l.parent?.subscription_item_details?.proration
    )
    expect(prorations.map((l) => l.amount)).toEqual([
      -Math.round(9000 * fraction),
      Math.round(18000 * fraction),
    ])
    const next = preview.lines.data.filter((l) => !l.parent?.subscription_item_details?.proration)
    expect(next.map((l) => l.amount)).toEqual([18000])
    expect(next[0]?.period.start).toBe(item.current_period_end)
    expect(preview.total).toBe(prorations.reduce((s, l) => s + l.amount, 0) + 18000)
    expect(preview.amount_due).toBe(preview.total)

    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: bigger.id, quantity: 3 }],
      proration_behavior: 'always_invoice',
      proration_date: half,
      expand: ['latest_invoice'],
    })
    expect(updated.items.data[0]?.price.id).toBe(bigger.id)
    expect(updated.items.data[0]?.quantity).toBe(3)
    expect((updated.latest_invoice as Stripe.Invoice).amount_paid).toBe(
      Math.round(18000 * fraction) - Math.round(9000 * fraction)
    )
  })

  test('changing the price without a quantity resets it to 1', async () => {
    const { monthly, bigger } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 4 }],
    })
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]?.id, price: bigger.id }],
      proration_behavior: 'none',
    })
    expect(updated.items.data[0]?.quantity).toBe(1)
  })

  test('pause_collection, cancel_at_period_end, cancellation_details and trial_end=now', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
    })
    expect(sub.status).toBe('trialing')
    expect(sub.items.data[0]?.current_period_end).toBe(sub.trial_end)

    const paused = await stripe.subscriptions.update(sub.id, {
      pause_collection: { behavior: 'keep_as_draft' },
    })
    expect(paused.pause_collection?.behavior).toBe('keep_as_draft')
    expect(paused.status).toBe('trialing')
    const resumed = await stripe.subscriptions.update(sub.id, { pause_collection: '' })
    expect(resumed.pause_collection).toBeNull()

    const ended = await stripe.subscriptions.update(sub.id, { trial_end: 'now' })
    expect(ended.status).toBe('active')
    expect(ended.trial_end).toBeLessThanOrEqual(t.emulator.now())

    const scheduled = await stripe.subscriptions.update(sub.id, {
      cancel_at_period_end: true,
      cancellation_details: { feedback: 'too_expensive', comment: 'Budget cut' },
    })
    expect(scheduled.cancel_at_period_end).toBe(true)
    expect(scheduled.cancel_at).toBe(scheduled.items.data[0]?.current_period_end)
    expect(scheduled.cancellation_details).toMatchObject({
      feedback: 'too_expensive',
      comment: 'Budget cut',
    })

    const kept = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false })
    expect(kept.cancel_at).toBeNull()

    const events = await stripe.events.list({
      types: ['customer.subscription.trial_will_end', 'customer.subscription.updated'],
    })
    expect(events.data.some((e) => e.type === 'customer.subscription.trial_will_end')).toBe(true)
  })

  test('cancel (DELETE with query params), default list omits canceled, status=all includes it, and canceled subs are immutable', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const keep = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const gone = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const canceled = await stripe.subscriptions.cancel(gone.id, {
      cancellation_details: { feedback: 'unused', comment: 'Not using it' },
    })
    expect(canceled.status).toBe('canceled')
    expect(canceled.cancellation_details).toMatchObject({
      feedback: 'unused',
      comment: 'Not using it',
      reason: 'cancellation_requested',
    })
    expect((await stripe.subscriptions.list()).data.map((s) => s.id)).toEqual([keep.id])
    expect(
      (await stripe.subscriptions.list({ status: 'all' })).data.map((s) => s.id).sort()
    ).toEqual([keep.id, gone.id].sort())
    expect((await stripe.subscriptions.list({ status: 'canceled' })).data.map((s) => s.id)).toEqual(
      [gone.id]
    )
    await expect(
      stripe.subscriptions.update(gone.id, { items: [{ price: monthly.id }] })
    ).rejects.toMatchObject({ statusCode: 400 })
    await expect(
      stripe.subscriptions.update(gone.id, { metadata: { note: 'ok' } })
    ).resolves.toMatchObject({ metadata: { note: 'ok' } })
    const deletedEvent = await stripe.events.list({ type: 'customer.subscription.deleted' })
    expect(deletedEvent.data).toHaveLength(1)
  })

  test('pause and resume emit paused/resumed events', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const paused = await stripe.subscriptions.pause(sub.id, { type: 'subscription' })
    expect(paused.status).toBe('paused')
    await expect(
      stripe.subscriptions.pause(sub.id, { type: 'subscription' })
    ).rejects.toMatchObject({ statusCode: 400 })
    const resumed = await stripe.subscriptions.resume(sub.id, {
      billing_cycle_anchor: { type: 'now' },
    } as Stripe.SubscriptionResumeParams)
    expect(resumed.status).toBe('active')
    const types = (await stripe.events.list({ type: 'customer.subscription.*' })).data.map(
      (e) => e.type
    )
    expect(types).toContain('customer.subscription.paused')
    expect(types).toContain('customer.subscription.resumed')
  })

  test('pause: paused status, status_details, period ends now, credit for unused time; no renewals while paused', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    t.emulator.simulate.advance(t.emulator.platform.id, 'test', 10 * 86_400)
    const now = t.emulator.now()
    const item = state().subscriptions.get(sub.id)!.items.data[0]!
    const { current_period_start: start, current_period_end: end } = item
    const paused = await stripe.subscriptions.pause(sub.id, {
      type: 'subscription',
      invoicing_behavior: 'invoice',
      bill_for: { unused_time_from: { type: 'now' } },
    })
    expect(paused.status).toBe('paused')
    expect(paused.status_details?.paused).toMatchObject({
      type: 'subscription',
      subscription: { type: 'pause_requested' },
    })
    expect(Math.abs(paused.status_details!.paused.transitioned_at - now)).toBeLessThan(5)
    expect(Math.abs(paused.items.data[0]!.current_period_end - now)).toBeLessThan(5)
    const credit = await stripe.invoices.retrieve(String(paused.latest_invoice))
    const expected = -Math.round((3000 * (end - now)) / (end - start))
    expect(Math.abs(credit.lines.data[0]!.amount - expected)).toBeLessThanOrEqual(5)
    expect(credit.lines.data[0]!.parent?.subscription_item_details?.proration).toBe(true)
    const invoicesBefore = (await stripe.invoices.list({ subscription: sub.id })).data.length
    t.emulator.simulate.advance(t.emulator.platform.id, 'test', 90 * 86_400)
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(invoicesBefore)
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('paused')
  })

  test('pause refuses what Stripe refuses: canceled, paused, collection paused, schedule, classic billing mode, bad enums', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const make = () =>
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] })
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected a refusal')
        },
        (e: {
          statusCode: number
          type: string
          param?: string
          message: string
          code?: string
        }) => ({
          statusCode: e.statusCode,
          type: e.type,
          param: e.param,
          code: e.code,
          message: e.message,
        })
      )
    const canceled = await make()
    await stripe.subscriptions.cancel(canceled.id)
    expect(await refusal(stripe.subscriptions.pause(canceled.id))).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      message: `Subscription ${canceled.id} cannot be paused from status canceled.`,
    })
    const once = await make()
    await stripe.subscriptions.pause(once.id)
    expect((await refusal(stripe.subscriptions.pause(once.id))).message).toBe(
      `Subscription ${once.id} is already paused.`
    )
    const collection = await make()
    await stripe.subscriptions.update(collection.id, { pause_collection: { behavior: 'void' } })
    expect((await refusal(stripe.subscriptions.pause(collection.id))).message).toMatch(
      /paused collection can't move into status paused/
    )
    const scheduled = await make()
    state().subscriptions.get(scheduled.id)!.schedule = 'sub_sched_1'
    expect((await refusal(stripe.subscriptions.pause(scheduled.id))).message).toMatch(
      /attached schedules cannot be paused/
    )
    const classic = await make()
    state().subscriptions.get(classic.id)!.billing_mode = {
      type: 'classic',
      updated_at: 0,
    } as never
    expect((await refusal(stripe.subscriptions.pause(classic.id))).message).toMatch(
      /flexible billing mode/
    )
    const fresh = await make()
    expect(
      await refusal(stripe.subscriptions.pause(fresh.id, { invoicing_behavior: 'later' as never }))
    ).toMatchObject({
      statusCode: 400,
      param: 'invoicing_behavior',
      message: 'Invalid invoicing_behavior: must be one of invoice, or pending_invoice_item',
    })
    expect(
      await refusal(
        stripe.subscriptions.pause(fresh.id, {
          bill_for: { unused_time_from: { type: 'soon' as never } },
        })
      )
    ).toMatchObject({ param: 'bill_for[unused_time_from][type]' })
    expect((await stripe.subscriptions.retrieve(fresh.id)).status).toBe('active')
  })

  test('resume: now starts a new period and invoices it; unchanged keeps the renewal date and prorates', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const a = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const b = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const renewalB = b.items.data[0]!.current_period_end
    await stripe.subscriptions.pause(a.id, { bill_for: { unused_time_from: { type: 'none' } } })
    await stripe.subscriptions.pause(b.id, { bill_for: { unused_time_from: { type: 'none' } } })
    t.emulator.simulate.advance(t.emulator.platform.id, 'test', 10 * 86_400)
    const now = t.emulator.now()

    const resumedA = await stripe.subscriptions.resume(a.id, {
      billing_cycle_anchor: { type: 'now' },
    })
    expect(resumedA.status).toBe('active')
    expect(resumedA.status_details).toBeUndefined()
    expect(Math.abs(resumedA.items.data[0]!.current_period_start - now)).toBeLessThan(5)
    const invoiceA = await stripe.invoices.retrieve(String(resumedA.latest_invoice))
    expect(invoiceA).toMatchObject({ status: 'paid', amount_paid: 3000 })

    const resumedB = await stripe.subscriptions.resume(b.id, {
      billing_cycle_anchor: { type: 'unchanged' },
      proration_behavior: 'always_invoice',
      proration_date: now,
    })
    expect(resumedB.status).toBe('active')
    expect(resumedB.items.data[0]!.current_period_end).toBe(renewalB)
    const invoiceB = await stripe.invoices.retrieve(String(resumedB.latest_invoice))
    const period = renewalB - b.items.data[0]!.current_period_start
    expect(invoiceB.lines.data[0]!.amount).toBe(Math.round((3000 * (renewalB - now)) / period))
    expect(invoiceB.status).toBe('paid')

    const types = (await stripe.events.list({ type: 'customer.subscription.resumed' })).data
    expect(types).toHaveLength(2)
  })

  test('resume refuses: not paused, send_invoice collection, billing_cycle_anchor as a string', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    await expect(stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({
      statusCode: 400,
      message: `Subscription ${sub.id} is not paused; only paused subscriptions can be resumed.`,
    })
    await stripe.subscriptions.pause(sub.id)
    await expect(
      stripe.subscriptions.resume(sub.id, { billing_cycle_anchor: 'now' as never })
    ).rejects.toMatchObject({ statusCode: 400, param: 'billing_cycle_anchor' })
    await expect(
      stripe.subscriptions.resume(sub.id, { billing_cycle_anchor: { type: 'later' as never } })
    ).rejects.toMatchObject({ statusCode: 400, param: 'billing_cycle_anchor[type]' })
    state().subscriptions.get(sub.id)!.collection_method = 'send_invoice'
    await expect(stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({
      message: expect.stringMatching(
        /only available for subscriptions that use charge_automatically/
      ),
    })
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('paused')
  })

  test('resume_on_payment_success keeps a subscription paused when the card declines; the default makes it past_due', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const subA = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const subB = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    // No credit for unused time, so the resumption invoice has something to charge.
    const noCredit = { bill_for: { unused_time_from: { type: 'none' as const } } }
    await stripe.subscriptions.pause(subA.id, noCredit)
    await stripe.subscriptions.pause(subB.id, noCredit)
    // The card on file starts declining while the subscriptions are paused.
    const card = String(state().customers.get(customer.id)!.invoice_settings.default_payment_method)
    state().decliningPaymentMethods.add(card)
    const kept = await stripe.subscriptions.resume(subA.id, {
      payment_behavior: 'resume_on_payment_success',
    })
    expect(kept.status).toBe('paused')
    const pastDue = await stripe.subscriptions.resume(subB.id)
    expect(pastDue.status).toBe('past_due')
  })

  test('simulate.invoicePaymentFailed: renewal fails, sub past_due, realistic event sequence; advancing the clock renews', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    })
    const before = (await stripe.events.list({ limit: 100 })).data.length
    const invoice = t.emulator.simulate.invoicePaymentFailed(t.emulator.platform.id, 'test', sub.id)
    expect(invoice.status).toBe('open')
    expect(state().subscriptions.get(sub.id)?.status).toBe('past_due')
    const events = (await stripe.events.list({ limit: 100 })).data
      .slice(0, -before || undefined)
      .map((e) => e.type)
      .reverse()
    expect(events).toEqual([
      'invoice.created',
      'invoice.finalized',
      'charge.failed',
      'invoice.payment_failed',
      'customer.updated',
      'customer.subscription.updated',
    ])
    const updated = (await stripe.events.list({ type: 'customer.subscription.updated', limit: 1 }))
      .data[0]
    expect(updated?.data.previous_attributes).toMatchObject({ status: 'active' })

    const periodEnd = state().subscriptions.get(sub.id)?.items.data[0]?.current_period_end ?? 0
    t.emulator.simulate.advance(t.emulator.platform.id, 'test', periodEnd - t.emulator.now() + 10)
    const renewed = await stripe.subscriptions.retrieve(sub.id)
    expect(renewed.status).toBe('active')
    expect(renewed.items.data[0]?.current_period_start).toBe(periodEnd)
  })

  test('advancing the clock ends a trial: trial_will_end, then an invoice and active', async () => {
    const { monthly } = await catalogue()
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 7,
    })
    const id = t.emulator.platform.id
    t.emulator.simulate.advance(id, 'test', 5 * 86_400)
    expect(
      (await stripe.events.list({ type: 'customer.subscription.trial_will_end' })).data
    ).toHaveLength(1)
    expect(state().subscriptions.get(sub.id)?.status).toBe('trialing')
    t.emulator.simulate.advance(id, 'test', 3 * 86_400)
    const after = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] })
    expect(after.status).toBe('active')
    expect(after.items.data[0]?.current_period_start).toBe(sub.trial_end)
    expect((after.latest_invoice as Stripe.Invoice).amount_paid).toBe(3000)
    expect(
      (await stripe.events.list({ type: 'customer.subscription.trial_will_end' })).data
    ).toHaveLength(1)
  })

  test('subscription items list pages beyond 10 items', async () => {
    const products = await Promise.all(
      Array.from({ length: 12 }, (_, i) => stripe.products.create({ name: `Add-on ${i}` }))
    )
    const prices = await Promise.all(
      products.map((p, i) =>
        stripe.prices.create({
          product: p.id,
          currency: 'usd',
          unit_amount: 100 + i,
          recurring: { interval: 'month' },
        })
      )
    )
    const customer = await payingCustomer()
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: prices.map((p) => ({ price: p.id })),
    })
    const page = await stripe.subscriptionItems.list({ subscription: sub.id })
    expect(page.data).toHaveLength(10)
    expect(page.has_more).toBe(true)
    const all = await stripe.subscriptionItems
      .list({ subscription: sub.id, limit: 5 })
      .autoPagingToArray({ limit: 100 })
    expect(new Set(all.map((i) => i.id)).size).toBe(12)
  })
})

describe('expansion', () => {
  test('list expansions used by sync: default_payment_method, discounts, latest_invoice, customer, tiers, payments', async () => {
    const product = await stripe.products.create({ name: 'Seats' })
    const tiered = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      recurring: { interval: 'month' },
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      tiers: [
        { up_to: 10, unit_amount: 1000 },
        { up_to: 'inf', unit_amount: 800, flat_amount: 500 },
      ],
    })
    const plain = await stripe.prices.retrieve(tiered.id)
    expect(plain.tiers).toBeUndefined()
    const prices = await stripe.prices.list({ expand: ['data.tiers'] })
    expect(prices.data[0]?.tiers).toHaveLength(2)

    const customer = await payingCustomer()
    const pm = (await stripe.customers.listPaymentMethods(customer.id))
      .data[0] as Stripe.PaymentMethod
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' })
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: tiered.id, quantity: 12 }],
      default_payment_method: pm.id,
      discounts: [{ coupon: coupon.id }],
    })
    const subs = await stripe.subscriptions.list({
      expand: [
        'data.default_payment_method',
        'data.discounts',
        'data.latest_invoice',
        'data.customer',
      ],
    })
    const s = subs.data[0] as Stripe.Subscription
    expect(s.id).toBe(sub.id)
    expect((s.default_payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242')
    expect((s.discounts[0] as Stripe.Discount).source.coupon).toBe(coupon.id)
    expect((s.customer as Stripe.Customer).email).toBe('payer@example.com')
    const invoice = s.latest_invoice as Stripe.Invoice
    // 10 × 1000 + 2 × 800 + 500 = 12100, less 10 %.
    expect(invoice.subtotal).toBe(12100)
    expect(invoice.total).toBe(10890)
    const invoices = await stripe.invoices.list({ expand: ['data.payments'] })
    expect(invoices.data[0]?.payments?.data[0]?.amount_paid).toBe(10890)
  })
})
