// From synced Stripe rows to stored traits to segment membership, on a real database.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  customerTraits,
  stripeCharges,
  stripeCoupons,
  stripeCustomers,
  stripeDiscounts,
  stripePaymentMethods,
  stripePrices,
  stripeProducts,
  stripeSubscriptions,
} from '../../backend/src/db/schema'
import { selectSegmentMemberIds } from '../../backend/src/segments/select-members'
import { refreshCustomerTraits } from '../../backend/src/traits/refresh-traits'
import { findPredefinedSegment } from '../../shared/src/segments/predefined'
import { openSegmentDatabase, type SegmentDatabase } from './segment-database'

const now = new Date('2026-01-15T00:00:00Z')
const nowS = now.getTime() / 1000
const DAY = 86_400
const A = { accountId: 'acct_a', livemode: false }
const B = { accountId: 'acct_b', livemode: false }

let handle: SegmentDatabase
const db = () => handle.database.db
const deps = () => ({ db: db(), now: () => now })

const customer = (id: string, over: object = {}) => ({
  id,
  object: 'customer',
  email: `${id}@example.com`,
  name: 'Ada',
  phone: null,
  description: null,
  created: nowS - 100 * DAY,
  address: null,
  metadata: { plan_tier: 'gold' },
  delinquent: false,
  livemode: false,
  invoice_settings: { default_payment_method: 'pm_1' },
  ...over,
})

const subscription = (id: string, customerId: string, over: object = {}) => ({
  id,
  object: 'subscription',
  customer: customerId,
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
  discounts: ['di_1'],
  default_payment_method: null,
  metadata: {},
  items: {
    object: 'list',
    has_more: false,
    data: [
      {
        id: `si_${id}`,
        object: 'subscription_item',
        subscription: id,
        quantity: 3,
        current_period_start: nowS - 5 * DAY,
        current_period_end: nowS + 25 * DAY,
        discounts: [],
        price: {
          id: 'price_pro',
          object: 'price',
          nickname: 'Pro',
          product: 'prod_pro',
          currency: 'usd',
          unit_amount: 2000,
          unit_amount_decimal: '2000',
          billing_scheme: 'per_unit',
          tiers_mode: null,
          transform_quantity: null,
          recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed', meter: null },
        },
      },
    ],
  },
  ...over,
})

const row = (scope: typeof A, id: string, data: object, extra: object = {}) => ({
  ...scope,
  id,
  created: nowS - 10 * DAY,
  data,
  lastEventAt: nowS - DAY,
  ...extra,
})

beforeAll(async () => {
  handle = await openSegmentDatabase()
  await db()
    .insert(stripeCustomers)
    .values([
      row(A, 'cus_1', customer('cus_1')),
      row(A, 'cus_gone', customer('cus_gone'), { deletedAt: now }),
      // Same customer id in another account: must never leak into acct_a's traits.
      row(B, 'cus_1', customer('cus_1', { email: 'other@example.com' })),
    ])
  await db()
    .insert(stripeSubscriptions)
    .values([
      row(A, 'sub_1', subscription('sub_1', 'cus_1'), { customerId: 'cus_1', status: 'active' }),
      row(B, 'sub_b', subscription('sub_b', 'cus_1', { status: 'canceled', discounts: [] }), {
        customerId: 'cus_1',
        status: 'canceled',
      }),
    ])
  await db()
    .insert(stripeDiscounts)
    .values([
      row(
        A,
        'di_1',
        {
          id: 'di_1',
          object: 'discount',
          start: nowS - DAY,
          end: null,
          source: { type: 'coupon', coupon: 'TEN' },
        },
        { customerId: 'cus_1', subscriptionId: 'sub_1', couponId: 'TEN' }
      ),
    ])
  await db()
    .insert(stripeCoupons)
    .values([
      row(A, 'TEN', {
        id: 'TEN',
        object: 'coupon',
        name: 'Ten off',
        percent_off: 10,
        amount_off: null,
        currency: null,
        duration: 'forever',
        duration_in_months: null,
      }),
    ])
  await db()
    .insert(stripePrices)
    .values([row(A, 'price_pro', { id: 'price_pro', object: 'price' }, { productId: 'prod_pro' })])
  await db()
    .insert(stripeProducts)
    .values([row(A, 'prod_pro', { id: 'prod_pro', object: 'product', name: 'Pro plan' })])
  await db()
    .insert(stripePaymentMethods)
    .values([
      row(
        A,
        'pm_1',
        {
          id: 'pm_1',
          object: 'payment_method',
          type: 'card',
          card: {
            brand: 'amex',
            country: 'US',
            exp_month: 1,
            exp_year: 2026,
            last4: '0005',
            wallet: null,
          },
        },
        { customerId: 'cus_1', type: 'card' }
      ),
    ])
  await db()
    .insert(stripeCharges)
    .values([
      row(
        A,
        'ch_1',
        {
          id: 'ch_1',
          object: 'charge',
          amount: 5400,
          amount_refunded: 400,
          currency: 'usd',
          created: nowS - 5 * DAY,
          status: 'succeeded',
          paid: true,
          description: 'Pro × 3',
        },
        { customerId: 'cus_1', status: 'succeeded' }
      ),
    ])
})

afterAll(async () => {
  await handle?.close()
})

describe('refreshCustomerTraits', () => {
  test('computes traits from the synced rows and stores them', async () => {
    const traits = await refreshCustomerTraits(deps(), A, 'cus_1')
    expect(traits).toMatchObject({
      'customer.email': 'cus_1@example.com',
      'metadata.plan_tier': 'gold',
      'subscription.status': 'active',
      'subscription.product_name': 'Pro plan',
      'subscription.coupon_id': 'TEN',
      'mrr.usd': 5400, // 3 × 2000 − 10 %
      'ltv.usd': 5000,
      'card.brand': 'amex',
      'card.expires_at': Date.UTC(2026, 1, 1) / 1000,
    })
    const [stored] = await db()
      .select({ traits: customerTraits.traits, computedAt: customerTraits.computedAt })
      .from(customerTraits)
      .where(and(eq(customerTraits.accountId, 'acct_a'), eq(customerTraits.customerId, 'cus_1')))
    expect(stored?.traits).toEqual(traits)
    expect(stored?.computedAt.getTime()).toBe(now.getTime())
  })

  test('keeps accounts apart', async () => {
    const traits = await refreshCustomerTraits(deps(), B, 'cus_1')
    expect(traits).toMatchObject({
      'customer.email': 'other@example.com',
      'subscription.status': 'canceled',
      'card.brand': null,
      'subscription.coupon_id': null,
    })
    expect(traits?.['mrr.usd']).toBeUndefined()
  })

  test('feeds the stored last activity into the traits', async () => {
    const key = and(eq(customerTraits.accountId, 'acct_a'), eq(customerTraits.customerId, 'cus_1'))
    await db()
      .update(customerTraits)
      .set({ lastActivityAt: new Date((nowS - 20 * DAY) * 1000) })
      .where(key)
    const traits = await refreshCustomerTraits(deps(), A, 'cus_1')
    expect(traits?.['activity.last_at']).toBe(nowS - 20 * DAY)
    const slipping = findPredefinedSegment('slipping_customers')!.rule
    expect(await selectSegmentMemberIds(db(), A, slipping, now)).toEqual(['cus_1'])
    expect(await selectSegmentMemberIds(db(), B, slipping, now)).toEqual([])
  })

  test('a deleted or unknown customer has no traits row', async () => {
    await db()
      .insert(customerTraits)
      .values({ ...A, customerId: 'cus_gone', traits: { 'customer.id': 'cus_gone' } })
    expect(await refreshCustomerTraits(deps(), A, 'cus_gone')).toBeNull()
    expect(await refreshCustomerTraits(deps(), A, 'cus_never')).toBeNull()
    const rows = await db()
      .select({ id: customerTraits.customerId })
      .from(customerTraits)
      .where(eq(customerTraits.accountId, 'acct_a'))
    expect(rows.map((r) => r.id)).toEqual(['cus_1'])
  })
})
