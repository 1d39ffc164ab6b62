// Invariants of computeMrr on random subscriptions: independent of order, never negative,
// currencies kept apart, discounts only ever lower it, quantity scales per-unit prices.
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { computeMrr } from './mrr'
import type { SubscriptionSnapshot } from './snapshot'
import {
  DAY,
  FIXTURE_NOW as now,
  FIXTURE_NOW_SECONDS as nowS,
  buildDiscount,
  buildItem,
  buildSubscription,
} from './snapshot-fixtures'

const currency = fc.constantFrom('usd', 'eur', 'jpy')
const discount = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((p) => buildDiscount({ percentOff: p })),
  fc
    .tuple(fc.integer({ min: 0, max: 5000 }), currency)
    .map(([a, c]) => buildDiscount({ amountOff: a, currency: c })),
  fc
    .integer({ min: -5, max: 5 })
    .map((d) => buildDiscount({ percentOff: 30, duration: 'repeating' }, { end: nowS + d * DAY }))
)
const subscription: fc.Arbitrary<SubscriptionSnapshot> = fc
  .record({
    id: fc.uuid(),
    status: fc.constantFrom('active', 'past_due', 'trialing', 'canceled'),
    currency,
    items: fc.array(
      fc.record({
        quantity: fc.integer({ min: 0, max: 50 }),
        unitAmount: fc.integer({ min: 0, max: 100_000 }),
        interval: fc.constantFrom('day', 'week', 'month', 'year'),
        intervalCount: fc.integer({ min: 1, max: 12 }),
        usageType: fc.constantFrom('licensed', 'licensed', 'metered'),
        discounts: fc.array(discount, { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 3 }
    ),
    discounts: fc.array(discount, { maxLength: 2 }),
  })
  .map((s) =>
    buildSubscription({
      id: s.id,
      status: s.status,
      currency: s.currency,
      discounts: s.discounts,
      items: s.items.map((i, n) =>
        buildItem(
          { id: `si_${n}`, quantity: i.quantity, discounts: i.discounts },
          {
            currency: s.currency,
            unitAmount: i.unitAmount,
            recurring: {
              interval: i.interval,
              intervalCount: i.intervalCount,
              usageType: i.usageType,
              meter: null,
            },
          }
        )
      ),
    })
  )

const subs = fc.array(subscription, { maxLength: 6 })

test('order does not matter and nothing is negative', () => {
  fc.assert(
    fc.property(subs, (list) => {
      const mrr = computeMrr(list, now)
      expect(computeMrr([...list].reverse(), now)).toEqual(mrr)
      // An entry means some exact value > 0; a tiny one (1¢ a year) may still round to 0.
      for (const amount of Object.values(mrr)) expect(amount).toBeGreaterThanOrEqual(0)
    })
  )
})

test('each currency only sees its own subscriptions', () => {
  fc.assert(
    fc.property(subs, (list) => {
      const mrr = computeMrr(list, now)
      for (const c of Object.keys(mrr)) {
        expect(
          computeMrr(
            list.filter((s) => s.currency === c),
            now
          )
        ).toEqual({ [c]: mrr[c] })
      }
    })
  )
})

test('discounts never raise MRR', () => {
  fc.assert(
    fc.property(subs, (list) => {
      const listPrice = computeMrr(list, now, { discounts: 'none' })
      const foreverOnly = computeMrr(list, now, { discounts: 'forever_only' })
      const all = computeMrr(list, now)
      for (const [c, amount] of Object.entries(all))
        expect(amount).toBeLessThanOrEqual(foreverOnly[c]!)
      for (const [c, amount] of Object.entries(foreverOnly))
        expect(amount).toBeLessThanOrEqual(listPrice[c]!)
    })
  )
})

test('doubling every quantity doubles undiscounted MRR (±1 for rounding)', () => {
  fc.assert(
    fc.property(subs, (list) => {
      const doubled = list.map((s) => ({
        ...s,
        items: s.items.map((i) => ({ ...i, quantity: (i.quantity ?? 1) * 2 })),
      }))
      const once = computeMrr(list, now, { discounts: 'none' })
      const twice = computeMrr(doubled, now, { discounts: 'none' })
      expect(Object.keys(twice).sort()).toEqual(Object.keys(once).sort())
      for (const [c, amount] of Object.entries(once)) {
        expect(Math.abs(twice[c]! - 2 * amount)).toBeLessThanOrEqual(1)
      }
    })
  )
})
