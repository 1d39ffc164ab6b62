// What rides inside a listed object is taken out, and paged further where Stripe's embedded list
// stopped (subscription items past 10, invoice payments).
import { describe, expect, test } from 'vitest'
import { listSpecs, type Fetch } from './list-objects'
import type { StripeObject } from './stripe-objects'

/** A Fetch that answers list calls from canned pages and records what was asked. */
function fakeFetch(pages: Record<string, Array<{ data: unknown[]; has_more: boolean }>>) {
  const calls: Array<{ endpoint: string; params: Record<string, unknown> }> = []
  const fetch: Fetch = async (endpoint, fn) => {
    const list = async (params: Record<string, unknown>) => {
      calls.push({ endpoint, params })
      return pages[endpoint]!.shift()!
    }
    const stripe = {
      subscriptionItems: { list },
      invoicePayments: { list },
    }
    return fn(stripe as never)
  }
  return { fetch, calls }
}

const item = (i: number) => ({ id: `si_${i}`, object: 'subscription_item', subscription: 'sub_1' })

describe('subscriptions', () => {
  test('items past the embedded 10 are paged; expanded discounts become rows and ids', async () => {
    const sub: StripeObject = {
      id: 'sub_1',
      object: 'subscription',
      created: 1,
      items: {
        object: 'list',
        data: Array.from({ length: 10 }, (_, i) => item(i)),
        has_more: true,
      },
      discounts: [
        { id: 'di_1', object: 'discount', subscription: 'sub_1', customer: 'cus_1' },
        'di_2',
      ],
    }
    const { fetch, calls } = fakeFetch({
      'GET /v1/subscription_items': [
        { data: Array.from({ length: 100 }, (_, i) => item(i)), has_more: true },
        { data: [item(100), item(101)], has_more: false },
      ],
    })
    const rows = await listSpecs.subscription.split!([sub], fetch)
    expect(rows.get('subscription_item')!.map((i) => i.id)).toHaveLength(102)
    expect(calls.map((c) => c.params)).toEqual([
      { subscription: 'sub_1', limit: 100, starting_after: undefined },
      { subscription: 'sub_1', limit: 100, starting_after: 'si_99' },
    ])
    expect(rows.get('discount')!.map((d) => d.id)).toEqual(['di_1'])
    // Stored in the shape a webhook carries: discount ids.
    expect(rows.get('subscription')![0]!.discounts).toEqual(['di_1', 'di_2'])
  })

  test('an item without its subscription gets it from the parent', async () => {
    const sub: StripeObject = {
      id: 'sub_2',
      object: 'subscription',
      items: { data: [{ id: 'si_x', object: 'subscription_item' }], has_more: false },
      discounts: [],
    }
    const rows = await listSpecs.subscription.split!([sub], fakeFetch({}).fetch)
    expect(rows.get('subscription_item')![0]).toMatchObject({ id: 'si_x', subscription: 'sub_2' })
  })
})

test('invoice payments ride along, are paged past the embedded list, and leave the invoice', async () => {
  const invoice: StripeObject = {
    id: 'in_1',
    object: 'invoice',
    payments: { data: [{ id: 'inpay_1', object: 'invoice_payment' }], has_more: true },
  }
  const { fetch, calls } = fakeFetch({
    'GET /v1/invoice_payments': [
      {
        data: [
          { id: 'inpay_1', object: 'invoice_payment' },
          { id: 'inpay_2', object: 'invoice_payment' },
        ],
        has_more: false,
      },
    ],
  })
  const rows = await listSpecs.invoice.split!([invoice], fetch)
  expect(calls).toEqual([
    {
      endpoint: 'GET /v1/invoice_payments',
      params: { invoice: 'in_1', limit: 100, starting_after: undefined },
    },
  ])
  expect(rows.get('invoice_payment')!.map((p) => p.id)).toEqual(['inpay_1', 'inpay_2'])
  expect(rows.get('invoice')![0]).not.toHaveProperty('payments')
})

test("a customer's own discount becomes a discount row", async () => {
  const rows = await listSpecs.customer.split!(
    [
      { id: 'cus_1', object: 'customer', discount: { id: 'di_9', object: 'discount' } },
      { id: 'cus_2', object: 'customer', discount: null },
    ],
    fakeFetch({}).fetch
  )
  expect(rows.get('customer')).toHaveLength(2)
  expect(rows.get('discount')!.map((d) => d.id)).toEqual(['di_9'])
})

test('expanded default payment methods become rows; their owners keep the ids', async () => {
  const card = (id: string) => ({ id, object: 'payment_method', customer: 'cus_1', type: 'card' })
  const customers = await listSpecs.customer.split!(
    [
      {
        id: 'cus_1',
        object: 'customer',
        invoice_settings: { default_payment_method: card('pm_1') },
      },
      { id: 'cus_2', object: 'customer', invoice_settings: { default_payment_method: null } },
    ],
    fakeFetch({}).fetch
  )
  expect(customers.get('payment_method')!.map((p) => p.id)).toEqual(['pm_1'])
  expect(customers.get('customer')![0]!.invoice_settings).toEqual({
    default_payment_method: 'pm_1',
  })

  const subs = await listSpecs.subscription.split!(
    [{ id: 'sub_1', object: 'subscription', default_payment_method: card('pm_2'), discounts: [] }],
    fakeFetch({}).fetch
  )
  expect(subs.get('payment_method')!.map((p) => p.id)).toEqual(['pm_2'])
  expect(subs.get('subscription')![0]!.default_payment_method).toBe('pm_2')
})
