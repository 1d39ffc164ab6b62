// Tests for shared/src/money.ts (kept here: this change may only add files under traits/).
import { expect, test } from 'vitest'
import { addToTotals, currencyExponent, formatMoney, toMajorUnits } from '../money'
import { livemodeFromMode, modeFromLivemode } from '../ids'

test.each([
  { currency: 'usd', exponent: 2, amount: 1999, major: 19.99, text: '$19.99' },
  { currency: 'USD', exponent: 2, amount: -500, major: -5, text: '-$5.00' },
  { currency: 'jpy', exponent: 0, amount: 1999, major: 1999, text: '¥1,999' },
  { currency: 'krw', exponent: 0, amount: 5000, major: 5000, text: '₩5,000' },
  { currency: 'bhd', exponent: 3, amount: 1234, major: 1.234, text: 'BHD 1.234' },
  { currency: 'eur', exponent: 2, amount: 5, major: 0.05, text: '€0.05' },
])('$amount $currency', ({ currency, exponent, amount, major, text }) => {
  expect(currencyExponent(currency)).toBe(exponent)
  expect(toMajorUnits({ amount, currency })).toBe(major)
  expect(formatMoney({ amount, currency }).replace(/\u00a0/g, ' ')).toBe(text)
})

test('addToTotals keeps currencies apart and lowercases them', () => {
  const totals = {}
  addToTotals(totals, { amount: 100, currency: 'USD' })
  addToTotals(totals, { amount: 50, currency: 'usd' })
  addToTotals(totals, { amount: 7, currency: 'eur' })
  expect(totals).toEqual({ usd: 150, eur: 7 })
})

test.each([
  { livemode: true, mode: 'live' },
  { livemode: false, mode: 'test' },
] as const)('mode $mode ↔ livemode $livemode', ({ livemode, mode }) => {
  expect(modeFromLivemode(livemode)).toBe(mode)
  expect(livemodeFromMode(mode)).toBe(livemode)
})
