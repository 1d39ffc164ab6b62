import Stripe from 'stripe'
import { describe, expect, test } from 'vitest'
import { CustomerSnapshot } from '@holdfast/shared/traits/snapshot'
import { computeTraits } from '@holdfast/shared/traits/compute-traits'
import {
  decimalToString,
  snapshotFromStripe,
  type StripeCustomerData,
} from './snapshot-from-stripe'

const now = new Date('2026-01-15T00:00:00Z')
const nowS = now.getTime() / 1000
const DAY = 86_400

// Literal Stripe objects with just the fields the mapper reads; the cast stands in for the
// dozens of fields it ignores.
const as = <T>(value: object) => value as unknown as T

const customer = (over: object = {}) =>
  as<Stripe.Customer>({
    id: 'cus_1',
    object: 'customer',
    email: 'ada@example.com',
    name: 'Ada',
    phone: null,
    description: null,
    created: nowS - 100 * DAY,
    address: {
      line1: '1 Main St',
      line2: null,
      city: 'London',
      state: null,
      postal_code: 'N1',
      country: 'GB',
    },
    metadata: { plan_tier: 'gold' },
    delinquent: false,
    livemode: false,
    invoice_settings: { default_payment_method: null },
    ...over,
  })

const price = (over: object = {}) =>
  as<Stripe.Price>({
    id: 'price_1',
    object: 'price',
    nickname: 'Pro',
    product: 'prod_1',
    currency: 'usd',
    unit_amount: null,
    unit_amount_decimal: '1250.5',
    billing_scheme: 'per_unit',
    tiers_mode: null,
    transform_quantity: null,
    recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed', meter: null },
    ...over,
  })

const coupon = (over: object = {}) =>
  as<Stripe.Coupon>({
    id: 'HALF',
    object: 'coupon',
    name: 'Half off',
    percent_off: 50,
    amount_off: null,
    currency: null,
    duration: 'forever',
    duration_in_months: null,
    ...over,
  })

const discount = (couponRef: string | Stripe.Coupon, over: object = {}) =>
  as<Stripe.Discount>({
    id: 'di_1',
    object: 'discount',
    start: nowS - DAY,
    end: null,
    source: { type: 'coupon', coupon: couponRef },
    ...over,
  })

const subscription = (over: object = {}, itemOver: object = {}) =>
  as<Stripe.Subscription>({
    id: 'sub_1',
    object: 'subscription',
    status: 'active',
    currency: 'usd',
    created: nowS - 50 * DAY,
    start_date: nowS - 50 * DAY,
    trial_start: null,
    trial_end: null,
    canceled_at: null,
    cancel_at_period_end: false,
    cancel_at: null,
    ended_at: null,
    pause_collection: null,
    discounts: [],
    default_payment_method: null,
    metadata: {},
    items: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: 'si_1',
          object: 'subscription_item',
          quantity: 2,
          current_period_start: nowS - 5 * DAY,
          current_period_end: nowS + 25 * DAY,
          price: price(),
          discounts: [],
          ...itemOver,
        },
      ],
    },
    ...over,
  })

const paymentMethod = as<Stripe.PaymentMethod>({
  id: 'pm_1',
  object: 'payment_method',
  type: 'card',
  card: {
    brand: 'visa',
    country: 'US',
    exp_month: 4,
    exp_year: 2030,
    last4: '4242',
    wallet: { type: 'apple_pay' },
  },
})

const base = (over: Partial<StripeCustomerData> = {}): StripeCustomerData => ({
  customer: customer(),
  subscriptions: [subscription()],
  ...over,
})

describe('snapshotFromStripe', () => {
  test('the result satisfies the shared snapshot schema', () => {
    const snapshot = snapshotFromStripe(base())
    expect(CustomerSnapshot.parse(snapshot)).toEqual(snapshot)
  })

  test.each([
    { name: 'webhook string', decimal: '1250.5' },
    { name: 'API Decimal object', decimal: Stripe.Decimal.from('1250.50') },
  ])('unit_amount_decimal as a $name gives the same snapshot and MRR', ({ decimal }) => {
    const snapshot = snapshotFromStripe(
      base({
        subscriptions: [subscription({}, { price: price({ unit_amount_decimal: decimal }) })],
      })
    )
    expect(snapshot.subscriptions[0]!.items[0]!.price.unitAmountDecimal).toBe('1250.5')
    expect(computeTraits(snapshot, now)['mrr.usd']).toBe(2501)
  })

  test.each([
    { name: 'null', value: null, expected: null },
    { name: 'empty', value: '', expected: null },
    { name: 'string', value: '0.001', expected: '0.001' },
    { name: 'Decimal', value: Stripe.Decimal.from('7'), expected: '7' },
  ])('decimalToString($name)', ({ value, expected }) => {
    expect(decimalToString(value)).toBe(expected)
  })

  test.each([
    {
      name: 'Discount object with an expanded coupon',
      data: base({ subscriptions: [subscription({ discounts: [discount(coupon())] })] }),
    },
    {
      name: 'Discount object with a coupon id joined from synced coupons',
      data: base({
        subscriptions: [subscription({ discounts: [discount('HALF')] })],
        coupons: [coupon()],
      }),
    },
    {
      name: 'discount id joined from synced discounts',
      data: base({
        subscriptions: [subscription({ discounts: ['di_1'] })],
        discounts: [discount('HALF')],
        coupons: [coupon()],
      }),
    },
    {
      name: 'item-level discount',
      data: base({ subscriptions: [subscription({}, { discounts: [discount(coupon())] })] }),
    },
  ])('$name halves MRR', ({ data }) => {
    const traits = computeTraits(snapshotFromStripe(data), now)
    expect(traits['subscription.coupon_id']).toBe('HALF')
    expect(traits['mrr.usd']).toBe(1251) // 2 × 1250.5 × 50 % = 1250.5 → 1251
  })

  test.each([
    {
      name: 'unknown discount id is dropped',
      data: base({ subscriptions: [subscription({ discounts: ['di_gone'] })] }),
      discounts: 0,
    },
    {
      name: 'unknown coupon id keeps the discount without a coupon',
      data: base({ subscriptions: [subscription({ discounts: [discount('GONE')] })] }),
      discounts: 1,
    },
  ])('$name', ({ data, discounts }) => {
    const snapshot = snapshotFromStripe(data)
    expect(snapshot.subscriptions[0]!.discounts).toHaveLength(discounts)
    expect(computeTraits(snapshot, now)['mrr.usd']).toBe(2501)
  })

  test('coupon currency_options become amountOffByCurrency', () => {
    const eur = coupon({
      id: 'FIVE',
      percent_off: null,
      amount_off: 500,
      currency: 'eur',
      currency_options: { usd: { amount_off: 600 } },
    })
    const snapshot = snapshotFromStripe(
      base({ subscriptions: [subscription({ discounts: [discount(eur)] })] })
    )
    expect(snapshot.subscriptions[0]!.discounts[0]!.coupon).toMatchObject({
      amountOff: 500,
      currency: 'eur',
      amountOffByCurrency: { usd: 600 },
    })
    expect(computeTraits(snapshot, now)['mrr.usd']).toBe(2501 - 600)
  })

  test.each([
    {
      name: 'product id joined from synced products',
      product: 'prod_1',
      products: [{ id: 'prod_1', name: 'Pro plan' }],
    },
    {
      name: 'expanded product',
      product: { id: 'prod_1', object: 'product', name: 'Pro plan' },
      products: [],
    },
  ])('$name', ({ product, products }) => {
    const snapshot = snapshotFromStripe(
      base({
        subscriptions: [subscription({}, { price: price({ product }) })],
        products: products as unknown as Stripe.Product[],
      })
    )
    expect(snapshot.subscriptions[0]!.items[0]!.price).toMatchObject({
      productId: 'prod_1',
      productName: 'Pro plan',
    })
  })

  test('tiers come from the synced price when the embedded one has none', () => {
    const tiered = { billing_scheme: 'tiered', tiers_mode: 'graduated', unit_amount_decimal: null }
    const tiers = [
      {
        up_to: 1,
        unit_amount: 1000,
        unit_amount_decimal: Stripe.Decimal.from('1000'),
        flat_amount: null,
        flat_amount_decimal: null,
      },
      {
        up_to: null,
        unit_amount: null,
        unit_amount_decimal: '500.5',
        flat_amount: null,
        flat_amount_decimal: null,
      },
    ]
    const snapshot = snapshotFromStripe(
      base({
        subscriptions: [subscription({}, { price: price(tiered) })],
        prices: [price({ ...tiered, tiers })],
      })
    )
    expect(snapshot.subscriptions[0]!.items[0]!.price.tiers).toEqual([
      {
        upTo: 1,
        unitAmount: 1000,
        unitAmountDecimal: '1000',
        flatAmount: null,
        flatAmountDecimal: null,
      },
      {
        upTo: null,
        unitAmount: null,
        unitAmountDecimal: '500.5',
        flatAmount: null,
        flatAmountDecimal: null,
      },
    ])
    expect(computeTraits(snapshot, now)['mrr.usd']).toBe(1501) // 1000 + 500.5
  })

  test.each([
    {
      name: 'customer default as an id',
      data: base({
        customer: customer({ invoice_settings: { default_payment_method: 'pm_1' } }),
        paymentMethods: [paymentMethod],
      }),
      brand: 'visa',
    },
    {
      name: 'customer default expanded',
      data: base({
        customer: customer({ invoice_settings: { default_payment_method: paymentMethod } }),
      }),
      brand: 'visa',
    },
    {
      name: 'falls back to the live subscription default',
      data: base({
        subscriptions: [subscription({ default_payment_method: 'pm_1' })],
        paymentMethods: [paymentMethod],
      }),
      brand: 'visa',
    },
    {
      name: 'unknown id',
      data: base({ customer: customer({ invoice_settings: { default_payment_method: 'pm_x' } }) }),
      brand: null,
    },
  ])('payment method: $name', ({ data, brand }) => {
    const traits = computeTraits(snapshotFromStripe(data), now)
    expect(traits['card.brand']).toBe(brand)
    if (brand) expect(traits['card.wallet']).toBe('apple_pay')
  })

  test('customer, subscription, charges and invoices map field by field', () => {
    const snapshot = snapshotFromStripe(
      base({
        subscriptions: [
          subscription({
            status: 'trialing',
            trial_start: nowS - 2 * DAY,
            trial_end: nowS + 12 * DAY,
            cancel_at_period_end: true,
            pause_collection: { behavior: 'void', resumes_at: null },
            currency: 'USD',
          }),
        ],
        charges: [
          as<Stripe.Charge>({
            id: 'ch_1',
            amount: 5000,
            amount_refunded: 1000,
            currency: 'USD',
            created: nowS - DAY,
            status: 'succeeded',
            paid: true,
            description: 'Pro',
          }),
        ],
        invoices: [
          as<Stripe.Invoice>({
            id: 'in_1',
            number: 'A-1',
            status: 'paid',
            currency: 'usd',
            amount_paid: 300,
            amount_paid_off_stripe: 300,
            status_transitions: { paid_at: nowS },
            description: null,
          }),
        ],
        lastActivityAt: nowS - 3 * DAY,
      })
    )
    expect(snapshot.customer).toEqual({
      id: 'cus_1',
      email: 'ada@example.com',
      name: 'Ada',
      phone: null,
      description: null,
      created: nowS - 100 * DAY,
      address: {
        line1: '1 Main St',
        line2: null,
        city: 'London',
        state: null,
        postalCode: 'N1',
        country: 'GB',
      },
      metadata: { plan_tier: 'gold' },
      delinquent: false,
      livemode: false,
    })
    expect(snapshot.subscriptions[0]).toMatchObject({
      status: 'trialing',
      currency: 'usd',
      trialStart: nowS - 2 * DAY,
      trialEnd: nowS + 12 * DAY,
      cancelAtPeriodEnd: true,
      pauseCollection: { behavior: 'void', resumesAt: null },
      items: [
        {
          id: 'si_1',
          quantity: 2,
          currentPeriodStart: nowS - 5 * DAY,
          currentPeriodEnd: nowS + 25 * DAY,
        },
      ],
    })
    expect(snapshot.charges).toEqual([
      {
        id: 'ch_1',
        amount: 5000,
        amountRefunded: 1000,
        currency: 'usd',
        created: nowS - DAY,
        status: 'succeeded',
        paid: true,
        description: 'Pro',
      },
    ])
    expect(snapshot.invoices).toEqual([
      {
        id: 'in_1',
        number: 'A-1',
        status: 'paid',
        currency: 'usd',
        amountPaid: 300,
        amountPaidOffStripe: 300,
        paidAt: nowS,
        description: null,
      },
    ])
    const traits = computeTraits(snapshot, now)
    expect(traits['ltv.usd']).toBe(4300)
    expect(traits['payment.last_amount']).toBe(300)
    expect(traits['activity.last_at']).toBe(nowS - 3 * DAY)
  })
})
