import { describe, expect, test } from 'vitest'
import { computeMrr, computeSubscriptionMrr, type MrrSettings } from './mrr'
import type { SubscriptionSnapshot } from './snapshot'
import {
  DAY,
  FIXTURE_NOW as now,
  FIXTURE_NOW_SECONDS as nowS,
  buildDiscount,
  buildItem,
  buildSubscription,
} from './snapshot-fixtures'

const monthly = (unitAmount: number, over = {}) => buildItem({}, { unitAmount, ...over })
const recurring = (interval: string, intervalCount = 1, usageType = 'licensed') => ({
  recurring: { interval, intervalCount, usageType, meter: null },
})
const volume = { billingScheme: 'tiered', tiersMode: 'volume', unitAmount: null }
const graduated = { billingScheme: 'tiered', tiersMode: 'graduated', unitAmount: null }
const tier = (upTo: number | null, unitAmount: number, flatAmount: number | null = null) => ({
  upTo,
  unitAmount,
  unitAmountDecimal: null,
  flatAmount,
  flatAmountDecimal: null,
})
const twoTiers = [tier(10, 500), tier(null, 400, 1000)]

type Case = {
  name: string
  subs: SubscriptionSnapshot[]
  settings?: MrrSettings
  expected: Record<string, number>
}

const cases: Case[] = [
  { name: 'active monthly', subs: [buildSubscription()], expected: { usd: 1000 } },
  {
    name: 'past_due counts',
    subs: [buildSubscription({ status: 'past_due' })],
    expected: { usd: 1000 },
  },
  ...['trialing', 'canceled', 'unpaid', 'paused', 'incomplete', 'incomplete_expired'].map(
    (status) => ({
      name: `${status} excluded`,
      subs: [buildSubscription({ status })],
      expected: {},
    })
  ),
  {
    name: 'pause_collection still counts',
    subs: [buildSubscription({ pauseCollection: { behavior: 'void', resumesAt: null } })],
    expected: { usd: 1000 },
  },
  {
    name: 'yearly ÷ 12',
    subs: [buildSubscription({ items: [monthly(12000, recurring('year'))] })],
    expected: { usd: 1000 },
  },
  {
    name: 'every 3 months ÷ 3',
    subs: [buildSubscription({ items: [monthly(3000, recurring('month', 3))] })],
    expected: { usd: 1000 },
  },
  {
    name: 'weekly × 52/12 (4333.33 rounds down)',
    subs: [buildSubscription({ items: [monthly(1000, recurring('week'))] })],
    expected: { usd: 4333 },
  },
  {
    name: 'every 2 weeks × 52/24',
    subs: [buildSubscription({ items: [monthly(1200, recurring('week', 2))] })],
    expected: { usd: 2600 },
  },
  {
    name: 'daily × 365/12 (3041.67 rounds up)',
    subs: [buildSubscription({ items: [monthly(100, recurring('day'))] })],
    expected: { usd: 3042 },
  },
  {
    name: 'quantity multiplies',
    subs: [buildSubscription({ items: [buildItem({ quantity: 3 })] })],
    expected: { usd: 3000 },
  },
  {
    name: 'null quantity is one',
    subs: [buildSubscription({ items: [buildItem({ quantity: null })] })],
    expected: { usd: 1000 },
  },
  {
    name: 'metered excluded',
    subs: [buildSubscription({ items: [monthly(1000, recurring('month', 1, 'metered'))] })],
    expected: {},
  },
  {
    name: 'item with a meter excluded, licensed sibling counts',
    subs: [
      buildSubscription({
        items: [
          monthly(500, { recurring: { ...recurring('month').recurring, meter: 'mtr_1' } }),
          monthly(700),
        ],
      }),
    ],
    expected: { usd: 700 },
  },
  {
    name: 'one-time price excluded',
    subs: [buildSubscription({ items: [monthly(1000, { recurring: null }), monthly(200)] })],
    expected: { usd: 200 },
  },
  { name: 'free plan excluded', subs: [buildSubscription({ items: [monthly(0)] })], expected: {} },
  {
    name: 'unit_amount_decimal wins and is exact (3 × 12.5 = 37.5 → 38)',
    subs: [
      buildSubscription({
        items: [buildItem({ quantity: 3 }, { unitAmount: null, unitAmountDecimal: '12.5' })],
      }),
    ],
    expected: { usd: 38 },
  },
  {
    name: 'transform_quantity rounds up (11 / 10 → 2)',
    subs: [
      buildSubscription({
        items: [buildItem({ quantity: 11 }, { transformQuantity: { divideBy: 10, round: 'up' } })],
      }),
    ],
    expected: { usd: 2000 },
  },
  {
    name: 'transform_quantity rounds down (11 / 10 → 1)',
    subs: [
      buildSubscription({
        items: [
          buildItem({ quantity: 11 }, { transformQuantity: { divideBy: 10, round: 'down' } }),
        ],
      }),
    ],
    expected: { usd: 1000 },
  },
  {
    name: 'volume tiers: all 12 at the second tier + its flat fee',
    subs: [
      buildSubscription({ items: [buildItem({ quantity: 12 }, { ...volume, tiers: twoTiers })] }),
    ],
    expected: { usd: 12 * 400 + 1000 },
  },
  {
    name: 'volume tiers: 5 fit the first tier',
    subs: [
      buildSubscription({ items: [buildItem({ quantity: 5 }, { ...volume, tiers: twoTiers })] }),
    ],
    expected: { usd: 5 * 500 },
  },
  {
    name: 'graduated tiers: 10 × 500 + 2 × 400 + flat 1000',
    subs: [
      buildSubscription({
        items: [buildItem({ quantity: 12 }, { ...graduated, tiers: twoTiers })],
      }),
    ],
    expected: { usd: 6800 },
  },
  {
    name: 'graduated tiers: flat-only first tier then per unit',
    subs: [
      buildSubscription({
        items: [
          buildItem({ quantity: 8 }, { ...graduated, tiers: [tier(5, 0, 2000), tier(null, 300)] }),
        ],
      }),
    ],
    expected: { usd: 2000 + 3 * 300 },
  },
  {
    name: 'graduated tiers: quantity inside the first tier stops there',
    subs: [
      buildSubscription({
        items: [
          buildItem({ quantity: 4 }, { ...graduated, tiers: [tier(5, 100), tier(null, 50, 9999)] }),
        ],
      }),
    ],
    expected: { usd: 400 },
  },
  {
    name: 'tiered price without synced tiers is left out',
    subs: [buildSubscription({ items: [buildItem({}, { ...graduated, tiers: null })] })],
    expected: {},
  },
  {
    name: 'percent_off forever',
    subs: [buildSubscription({ discounts: [buildDiscount({ percentOff: 25 })] })],
    expected: { usd: 750 },
  },
  {
    name: 'percent_off with decimals (999 × 87.5 % = 874.125)',
    subs: [
      buildSubscription({
        items: [monthly(999)],
        discounts: [buildDiscount({ percentOff: 12.5 })],
      }),
    ],
    expected: { usd: 874 },
  },
  {
    name: 'amount_off in the same currency',
    subs: [buildSubscription({ discounts: [buildDiscount({ amountOff: 300, currency: 'usd' })] })],
    expected: { usd: 700 },
  },
  {
    name: 'amount_off in another currency has no effect',
    subs: [buildSubscription({ discounts: [buildDiscount({ amountOff: 300, currency: 'eur' })] })],
    expected: { usd: 1000 },
  },
  {
    name: 'amount_off uses currency_options for the sub currency',
    subs: [
      buildSubscription({
        discounts: [
          buildDiscount({ amountOff: 300, currency: 'eur', amountOffByCurrency: { usd: 200 } }),
        ],
      }),
    ],
    expected: { usd: 800 },
  },
  {
    name: 'amount_off larger than the price leaves nothing (no entry)',
    subs: [buildSubscription({ discounts: [buildDiscount({ amountOff: 5000, currency: 'usd' })] })],
    expected: {},
  },
  {
    name: '100 % off counts as free',
    subs: [buildSubscription({ discounts: [buildDiscount({ percentOff: 100 })] })],
    expected: {},
  },
  {
    name: 'repeating coupon still running reduces MRR',
    subs: [
      buildSubscription({
        discounts: [buildDiscount({ percentOff: 50, duration: 'repeating' }, { end: nowS + DAY })],
      }),
    ],
    expected: { usd: 500 },
  },
  {
    name: 'repeating coupon that ended no longer does',
    subs: [
      buildSubscription({
        discounts: [buildDiscount({ percentOff: 50, duration: 'repeating' }, { end: nowS })],
      }),
    ],
    expected: { usd: 1000 },
  },
  {
    name: 'discount starting later does not count yet',
    subs: [
      buildSubscription({ discounts: [buildDiscount({ percentOff: 50 }, { start: nowS + 1 })] }),
    ],
    expected: { usd: 1000 },
  },
  {
    name: 'forever_only ignores a running repeating coupon',
    settings: { discounts: 'forever_only' },
    subs: [
      buildSubscription({
        discounts: [buildDiscount({ percentOff: 50, duration: 'repeating' }, { end: nowS + DAY })],
      }),
    ],
    expected: { usd: 1000 },
  },
  {
    name: 'forever_only keeps a forever coupon',
    settings: { discounts: 'forever_only' },
    subs: [buildSubscription({ discounts: [buildDiscount({ percentOff: 50 })] })],
    expected: { usd: 500 },
  },
  {
    name: 'none ignores every discount',
    settings: { discounts: 'none' },
    subs: [buildSubscription({ discounts: [buildDiscount({ percentOff: 50 })] })],
    expected: { usd: 1000 },
  },
  {
    name: 'unresolved coupon is ignored',
    subs: [buildSubscription({ discounts: [{ id: 'di_x', start: 0, end: null, coupon: null }] })],
    expected: { usd: 1000 },
  },
  {
    name: 'item discount first, then subscription amount_off',
    subs: [
      buildSubscription({
        items: [
          buildItem({ discounts: [buildDiscount({ percentOff: 50 })] }, { unitAmount: 2000 }),
        ],
        discounts: [buildDiscount({ id: 'c2', amountOff: 100, currency: 'usd' })],
      }),
    ],
    expected: { usd: 900 },
  },
  {
    name: 'subscription amount_off is per invoice: yearly (12000 − 1200) / 12',
    subs: [
      buildSubscription({
        items: [monthly(12000, recurring('year'))],
        discounts: [buildDiscount({ amountOff: 1200, currency: 'usd' })],
      }),
    ],
    expected: { usd: 900 },
  },
  {
    name: 'mixed intervals normalise per item',
    subs: [buildSubscription({ items: [monthly(1000), monthly(12000, recurring('year'))] })],
    expected: { usd: 2000 },
  },
  {
    name: 'currencies are never added',
    subs: [
      buildSubscription(),
      buildSubscription({
        id: 'sub_2',
        currency: 'eur',
        items: [monthly(500, { currency: 'eur' })],
      }),
    ],
    expected: { usd: 1000, eur: 500 },
  },
  {
    name: 'rounding happens once per currency total (0.5 + 0.5 = 1)',
    subs: [
      buildSubscription({ items: [monthly(0, { unitAmountDecimal: '0.5' })] }),
      buildSubscription({ id: 'sub_2', items: [monthly(0, { unitAmountDecimal: '0.5' })] }),
    ],
    expected: { usd: 1 },
  },
  {
    name: 'zero-decimal currency stays in whole units',
    subs: [
      buildSubscription({
        currency: 'jpy',
        items: [monthly(12000, { currency: 'jpy', ...recurring('year') })],
      }),
    ],
    expected: { jpy: 1000 },
  },
]

describe('computeMrr', () => {
  test.each(cases)('$name', ({ subs, settings, expected }) => {
    expect(computeMrr(subs, now, settings)).toEqual(expected)
  })
})

describe('computeSubscriptionMrr', () => {
  test.each([
    { status: 'active', expected: { currency: 'usd', amount: 1000 } },
    { status: 'trialing', expected: null },
  ])('$status', ({ status, expected }) => {
    expect(computeSubscriptionMrr(buildSubscription({ status }), now)).toEqual(expected)
  })

  test('rounds each subscription on its own', () => {
    const sub = buildSubscription({ items: [monthly(0, { unitAmountDecimal: '0.5' })] })
    expect(computeSubscriptionMrr(sub, now)).toEqual({ currency: 'usd', amount: 1 })
  })
})
