import { describe, expect, test } from 'vitest'
import { TRAIT_CATALOG, findTraitDefinition, type TraitValue } from './catalog'
import { chooseSubscription, computeTraits, toStorableText } from './compute-traits'
import type { CustomerSnapshot } from './snapshot'
import {
  DAY,
  FIXTURE_NOW as now,
  FIXTURE_NOW_SECONDS as nowS,
  buildCustomerSnapshot,
  buildDiscount,
  buildItem,
  buildSubscription,
} from './snapshot-fixtures'

const sub = buildSubscription
const withSubs = (...subscriptions: CustomerSnapshot['subscriptions']) =>
  buildCustomerSnapshot({ subscriptions })
const card = (
  over: Partial<NonNullable<NonNullable<CustomerSnapshot['defaultPaymentMethod']>['card']>> = {}
) =>
  buildCustomerSnapshot({
    defaultPaymentMethod: {
      id: 'pm_1',
      type: 'card',
      card: {
        brand: 'visa',
        country: 'GB',
        expMonth: 12,
        expYear: 2027,
        last4: '4242',
        wallet: null,
        ...over,
      },
    },
  })
const charge = (over: Partial<CustomerSnapshot['charges'][number]> = {}) => ({
  id: 'ch_1',
  amount: 1000,
  amountRefunded: 0,
  currency: 'usd',
  created: nowS - 5 * DAY,
  status: 'succeeded',
  paid: true,
  description: 'Subscription update',
  ...over,
})
const invoice = (over: Partial<CustomerSnapshot['invoices'][number]> = {}) => ({
  id: 'in_1',
  number: 'INV-0001',
  status: 'paid',
  currency: 'usd',
  amountPaid: 700,
  amountPaidOffStripe: 700,
  paidAt: nowS - DAY,
  description: null,
  ...over,
})
const address = {
  line1: '1 Main St',
  line2: 'Flat 2',
  city: 'London',
  state: 'LDN',
  postalCode: 'N1 1AA',
  country: 'GB',
}
const trialing = sub({ status: 'trialing', trialStart: nowS - 5 * DAY, trialEnd: nowS + 9 * DAY })
const canceledAfterTrial = (endedAfterTrial: number) =>
  sub({
    status: 'canceled',
    trialStart: nowS - 40 * DAY,
    trialEnd: nowS - 26 * DAY,
    canceledAt: nowS - 26 * DAY + endedAfterTrial,
    endedAt: nowS - 26 * DAY + endedAfterTrial,
  })

type Case = {
  key: string
  name: string
  snapshot: CustomerSnapshot
  expected: TraitValue | undefined
}
const c = (
  key: string,
  name: string,
  snapshot: CustomerSnapshot,
  expected: TraitValue | undefined
): Case => ({
  key,
  name,
  snapshot,
  expected,
})
const plain = buildCustomerSnapshot()

const cases: Case[] = [
  c('customer.id', 'id', plain, 'cus_1'),
  c('customer.email', 'email', plain, 'ada@example.com'),
  c(
    'customer.email',
    'blank email is null',
    buildCustomerSnapshot({ customer: { email: '' } }),
    null
  ),
  c('customer.name', 'name', plain, 'Ada Lovelace'),
  c('customer.phone', 'phone', buildCustomerSnapshot({ customer: { phone: '+44 20' } }), '+44 20'),
  c('customer.phone', 'no phone', plain, null),
  c(
    'customer.description',
    'description',
    buildCustomerSnapshot({ customer: { description: 'VIP' } }),
    'VIP'
  ),
  c('customer.created', 'created', plain, nowS - 200 * DAY),
  c(
    'customer.delinquent',
    'delinquent',
    buildCustomerSnapshot({ customer: { delinquent: true } }),
    true
  ),
  c(
    'customer.delinquent',
    'unknown delinquency',
    buildCustomerSnapshot({ customer: { delinquent: null } }),
    null
  ),
  ...(
    [
      ['address.line1', '1 Main St'],
      ['address.line2', 'Flat 2'],
      ['address.city', 'London'],
      ['address.state', 'LDN'],
      ['address.postal_code', 'N1 1AA'],
      ['address.country', 'GB'],
    ] as const
  ).map(([key, value]) =>
    c(key, 'from the address', buildCustomerSnapshot({ customer: { address } }), value)
  ),
  c('address.country', 'no address', plain, null),
  c(
    'metadata.plan_tier',
    'metadata value',
    buildCustomerSnapshot({ customer: { metadata: { plan_tier: 'gold' } } }),
    'gold'
  ),
  c('metadata.plan_tier', 'absent metadata key', plain, undefined),
  c('mrr.usd', 'mrr per currency', withSubs(sub()), 1000),
  c('mrr.usd', 'no mrr entry while trialing', withSubs(trialing), undefined),
  c('mrr.eur', 'mrr in another currency', withSubs(sub({ currency: 'eur' })), 1000),
  c(
    'ltv.usd',
    'charges net of refunds',
    buildCustomerSnapshot({ charges: [charge(), charge({ id: 'ch_2', amountRefunded: 300 })] }),
    1700
  ),
  c(
    'ltv.usd',
    'failed charges do not count',
    buildCustomerSnapshot({ charges: [charge({ status: 'failed', paid: false })] }),
    undefined
  ),
  c(
    'ltv.usd',
    'plus invoices paid outside Stripe',
    buildCustomerSnapshot({ charges: [charge()], invoices: [invoice()] }),
    1700
  ),
  c(
    'ltv.eur',
    'per currency',
    buildCustomerSnapshot({
      charges: [charge(), charge({ id: 'ch_e', currency: 'EUR', amount: 50 })],
    }),
    50
  ),
  c(
    'payment.last_amount',
    'latest charge',
    buildCustomerSnapshot({
      charges: [charge(), charge({ id: 'ch_2', amount: 2500, created: nowS - DAY })],
    }),
    2500
  ),
  c(
    'payment.last_amount',
    'off-Stripe invoice newer than the charge',
    buildCustomerSnapshot({ charges: [charge()], invoices: [invoice()] }),
    700
  ),
  c('payment.last_amount', 'no payments', plain, null),
  c(
    'payment.last_currency',
    'currency of the latest',
    buildCustomerSnapshot({ charges: [charge({ currency: 'GBP' })] }),
    'gbp'
  ),
  c(
    'payment.last_at',
    'date of the latest',
    buildCustomerSnapshot({ charges: [charge()] }),
    nowS - 5 * DAY
  ),
  c(
    'payment.last_description',
    'description',
    buildCustomerSnapshot({ charges: [charge()] }),
    'Subscription update'
  ),
  c(
    'payment.last_description',
    'invoice number when no description',
    buildCustomerSnapshot({ invoices: [invoice()] }),
    'INV-0001'
  ),
  c('subscription.has_active', 'active', withSubs(sub()), true),
  c('subscription.has_active', 'trialing counts as live', withSubs(trialing), true),
  c('subscription.has_active', 'only canceled', withSubs(sub({ status: 'canceled' })), false),
  c('subscription.has_active', 'no subscription', plain, false),
  c(
    'subscription.count',
    'counts all',
    withSubs(sub(), sub({ id: 'sub_2', status: 'canceled' })),
    2
  ),
  c(
    'subscription.id',
    'prefers a live sub over a newer canceled one',
    withSubs(
      sub({ id: 'sub_live', created: nowS - 90 * DAY }),
      sub({ id: 'sub_new', status: 'canceled', created: nowS - DAY })
    ),
    'sub_live'
  ),
  c('subscription.id', 'no subscription', plain, null),
  c('subscription.status', 'status', withSubs(sub({ status: 'past_due' })), 'past_due'),
  c('subscription.status', 'none', plain, null),
  c('subscription.created', 'created', withSubs(sub()), nowS - 100 * DAY),
  c('subscription.age_days', 'whole days', withSubs(sub({ created: nowS - 3 * DAY - 100 })), 3),
  c(
    'subscription.current_period_start',
    'of the item renewing first',
    withSubs(
      sub({
        items: [
          buildItem({
            id: 'a',
            currentPeriodStart: nowS - 5 * DAY,
            currentPeriodEnd: nowS + 300 * DAY,
          }),
          buildItem({
            id: 'b',
            currentPeriodStart: nowS - 2 * DAY,
            currentPeriodEnd: nowS + 28 * DAY,
          }),
        ],
      })
    ),
    nowS - 2 * DAY
  ),
  c(
    'subscription.current_period_end',
    'renewal = earliest item end',
    withSubs(
      sub({
        items: [
          buildItem({ id: 'a', currentPeriodEnd: nowS + 300 * DAY }),
          buildItem({ id: 'b', currentPeriodEnd: nowS + 28 * DAY }),
        ],
      })
    ),
    nowS + 28 * DAY
  ),
  c('subscription.trial_start', 'trial start', withSubs(trialing), nowS - 5 * DAY),
  c('subscription.trial_end', 'trial end', withSubs(trialing), nowS + 9 * DAY),
  c('subscription.trial_converted', 'still trialing', withSubs(trialing), false),
  c(
    'subscription.trial_converted',
    'active after trial',
    withSubs(sub({ trialEnd: nowS - 50 * DAY })),
    true
  ),
  c(
    'subscription.trial_converted',
    'canceled at trial end',
    withSubs(canceledAfterTrial(60)),
    false
  ),
  c(
    'subscription.trial_converted',
    'canceled months after the trial',
    withSubs(canceledAfterTrial(20 * DAY)),
    true
  ),
  c(
    'subscription.trial_converted',
    'paused at trial end',
    withSubs(sub({ status: 'paused', trialEnd: nowS - DAY })),
    false
  ),
  c('subscription.trial_converted', 'no trial', withSubs(sub()), null),
  c(
    'subscription.canceled_at',
    'canceled at',
    withSubs(sub({ status: 'canceled', canceledAt: nowS - DAY })),
    nowS - DAY
  ),
  c('subscription.cancel_at_period_end', 'flag', withSubs(sub({ cancelAtPeriodEnd: true })), true),
  c(
    'subscription.cancel_at',
    'scheduled',
    withSubs(sub({ cancelAt: nowS + 7 * DAY })),
    nowS + 7 * DAY
  ),
  c(
    'subscription.ended_at',
    'ended',
    withSubs(sub({ status: 'canceled', endedAt: nowS - DAY })),
    nowS - DAY
  ),
  c(
    'subscription.pause_collection',
    'behavior',
    withSubs(sub({ pauseCollection: { behavior: 'void', resumesAt: null } })),
    'void'
  ),
  c('subscription.pause_collection', 'not paused', withSubs(sub()), null),
  c('subscription.currency', 'lowercased', withSubs(sub({ currency: 'EUR' })), 'eur'),
  c(
    'subscription.mrr',
    'its own MRR',
    withSubs(sub({ items: [buildItem({ quantity: 2 })] })),
    2000
  ),
  c('subscription.mrr', '0 while trialing', withSubs(trialing), 0),
  c(
    'subscription.item_count',
    'items',
    withSubs(sub({ items: [buildItem(), buildItem({ id: 'si_2' })] })),
    2
  ),
  c(
    'subscription.price_id',
    'primary = first licensed item',
    withSubs(
      sub({
        items: [
          buildItem(
            { id: 'm' },
            {
              id: 'price_metered',
              recurring: { interval: 'month', intervalCount: 1, usageType: 'metered', meter: null },
            }
          ),
          buildItem({ id: 'l' }, { id: 'price_seat' }),
        ],
      })
    ),
    'price_seat'
  ),
  c('subscription.price_nickname', 'nickname', withSubs(sub()), 'Basic monthly'),
  c('subscription.product_id', 'product', withSubs(sub()), 'prod_basic'),
  c('subscription.product_name', 'product name', withSubs(sub()), 'Basic'),
  c('subscription.unit_amount', 'unit amount', withSubs(sub()), 1000),
  c(
    'subscription.unit_amount',
    'decimal wins',
    withSubs(sub({ items: [buildItem({}, { unitAmount: null, unitAmountDecimal: '12.5' })] })),
    12.5
  ),
  c(
    'subscription.unit_amount',
    'tiered has none',
    withSubs(
      sub({ items: [buildItem({}, { billingScheme: 'tiered', tiersMode: 'volume', tiers: [] })] })
    ),
    null
  ),
  c('subscription.quantity', 'quantity', withSubs(sub({ items: [buildItem({ quantity: 7 })] })), 7),
  c(
    'subscription.interval',
    'interval',
    withSubs(
      sub({
        items: [
          buildItem(
            {},
            {
              recurring: { interval: 'year', intervalCount: 2, usageType: 'licensed', meter: null },
            }
          ),
        ],
      })
    ),
    'year'
  ),
  c(
    'subscription.interval_count',
    'interval count',
    withSubs(
      sub({
        items: [
          buildItem(
            {},
            {
              recurring: { interval: 'year', intervalCount: 2, usageType: 'licensed', meter: null },
            }
          ),
        ],
      })
    ),
    2
  ),
  c(
    'subscription.coupon_id',
    'subscription discount',
    withSubs(sub({ discounts: [buildDiscount({ id: 'SAVE20', percentOff: 20 })] })),
    'SAVE20'
  ),
  c(
    'subscription.coupon_id',
    'item discount',
    withSubs(
      sub({
        items: [
          buildItem({ discounts: [buildDiscount({ id: 'SEAT5', amountOff: 5, currency: 'usd' })] }),
        ],
      })
    ),
    'SEAT5'
  ),
  c(
    'subscription.coupon_id',
    'ended discount is not active',
    withSubs(sub({ discounts: [buildDiscount({ id: 'OLD' }, { end: nowS - 1 })] })),
    null
  ),
  c(
    'subscription.coupon_name',
    'name',
    withSubs(sub({ discounts: [buildDiscount({ name: 'Launch' })] })),
    'Launch'
  ),
  c(
    'subscription.coupon_percent_off',
    'percent',
    withSubs(sub({ discounts: [buildDiscount({ percentOff: 20 })] })),
    20
  ),
  c(
    'subscription.coupon_amount_off',
    'amount',
    withSubs(sub({ discounts: [buildDiscount({ amountOff: 500, currency: 'USD' })] })),
    500
  ),
  c(
    'subscription.coupon_currency',
    'currency',
    withSubs(sub({ discounts: [buildDiscount({ amountOff: 500, currency: 'USD' })] })),
    'usd'
  ),
  c(
    'subscription.coupon_duration',
    'duration',
    withSubs(sub({ discounts: [buildDiscount({ duration: 'repeating' }, { end: nowS + DAY })] })),
    'repeating'
  ),
  c(
    'subscription.coupon_end',
    'end',
    withSubs(sub({ discounts: [buildDiscount({ duration: 'repeating' }, { end: nowS + DAY })] })),
    nowS + DAY
  ),
  c('card.brand', 'brand', card(), 'visa'),
  c('card.brand', 'no payment method', plain, null),
  c('card.country', 'country', card(), 'GB'),
  c('card.last4', 'last4', card(), '4242'),
  c('card.exp_month', 'month', card(), 12),
  c('card.exp_year', 'year', card(), 2027),
  c('card.expires_at', 'December → 1 Jan next year', card(), Date.UTC(2028, 0, 1) / 1000),
  c('card.expires_at', 'March → 1 April', card({ expMonth: 3 }), Date.UTC(2027, 3, 1) / 1000),
  c('card.wallet', 'wallet', card({ wallet: 'apple_pay' }), 'apple_pay'),
  c('payment_method.type', 'type', card(), 'card'),
  c(
    'activity.last_at',
    'activity',
    buildCustomerSnapshot({ lastActivityAt: nowS - 3 * DAY }),
    nowS - 3 * DAY
  ),
  c('activity.last_at', 'none', plain, null),
]

describe('computeTraits', () => {
  test.each(cases)('$key: $name', ({ key, snapshot, expected }) => {
    expect(computeTraits(snapshot, now)[key]).toBe(expected)
  })

  test('every fixed catalog trait has a case above', () => {
    const tested = new Set(cases.map((x) => x.key))
    expect(TRAIT_CATALOG.map((d) => d.key).filter((k) => !tested.has(k))).toEqual([])
  })

  test('output holds every fixed key, only known keys, and survives JSON', () => {
    const full = buildCustomerSnapshot({
      customer: { metadata: { a: '1' } },
      subscriptions: [sub()],
      charges: [charge()],
    })
    const traits = computeTraits(full, now)
    for (const d of TRAIT_CATALOG) expect(traits).toHaveProperty([d.key])
    for (const k of Object.keys(traits)) expect(findTraitDefinition(k), k).not.toBeNull()
    expect(JSON.parse(JSON.stringify(traits))).toEqual(traits)
  })

  test('the MRR discount setting reaches the traits', () => {
    const s = withSubs(
      sub({
        discounts: [buildDiscount({ percentOff: 50, duration: 'repeating' }, { end: nowS + DAY })],
      })
    )
    expect(computeTraits(s, now)['mrr.usd']).toBe(500)
    expect(computeTraits(s, now, { mrr: { discounts: 'forever_only' } })['mrr.usd']).toBe(1000)
  })
})

describe('chooseSubscription', () => {
  test.each([
    { name: 'none', subs: [], expected: null },
    {
      name: 'newest live wins',
      subs: [sub({ id: 'a', created: 1 }), sub({ id: 'b', created: 2 })],
      expected: 'b',
    },
    {
      name: 'live beats newer dead',
      subs: [
        sub({ id: 'a', status: 'trialing', created: 1 }),
        sub({ id: 'b', status: 'canceled', created: 2 }),
      ],
      expected: 'a',
    },
    {
      name: 'newest dead when none live',
      subs: [
        sub({ id: 'a', status: 'canceled', created: 1 }),
        sub({ id: 'b', status: 'unpaid', created: 2 }),
      ],
      expected: 'b',
    },
    {
      name: 'paused beats newer canceled (it resumes)',
      subs: [
        sub({ id: 'a', status: 'paused', created: 1 }),
        sub({ id: 'b', status: 'canceled', created: 2 }),
      ],
      expected: 'a',
    },
    {
      name: 'live beats newer paused',
      subs: [
        sub({ id: 'a', status: 'active', created: 1 }),
        sub({ id: 'b', status: 'paused', created: 2 }),
      ],
      expected: 'a',
    },
    {
      name: 'tie on created → larger id, whatever the order',
      subs: [sub({ id: 'b', created: 5 }), sub({ id: 'a', created: 5 })],
      expected: 'b',
    },
    {
      name: 'same tie reversed',
      subs: [sub({ id: 'a', created: 5 }), sub({ id: 'b', created: 5 })],
      expected: 'b',
    },
  ])('$name', ({ subs, expected }) => {
    expect(chooseSubscription(subs)?.id ?? null).toBe(expected)
  })
})

describe('toStorableText', () => {
  test.each([
    { name: 'plain', text: 'Ada', expected: 'Ada' },
    { name: 'NUL removed', text: 'A\u0000da', expected: 'Ada' },
    { name: 'lone high surrogate', text: 'a\uD800b', expected: 'a\uFFFDb' },
    { name: 'lone low surrogate', text: '\uDC00', expected: '\uFFFD' },
    { name: 'pair kept', text: '😀', expected: '😀' },
  ])('$name', ({ text, expected }) => {
    expect(toStorableText(text)).toBe(expected)
  })

  test('computeTraits applies it to values and metadata keys', () => {
    const traits = computeTraits(
      buildCustomerSnapshot({ customer: { name: 'A\u0000da', metadata: { 'k\u0000': '\uD800' } } }),
      now
    )
    expect(traits['customer.name']).toBe('Ada')
    expect(traits['metadata.k']).toBe('\uFFFD')
  })
})
