import { expect, test } from 'vitest'
import { addMonths, extendedTrialEnd, resumesAt } from './timing'

test.each([
  ['2026-01-15T10:00:00Z', 1, '2026-02-15T10:00:00.000Z'],
  ['2026-01-31T00:00:00Z', 1, '2026-02-28T00:00:00.000Z'],
  ['2028-01-31T00:00:00Z', 1, '2028-02-29T00:00:00.000Z'],
  ['2026-11-30T00:00:00Z', 3, '2027-02-28T00:00:00.000Z'],
  ['2026-03-31T00:00:00Z', 12, '2027-03-31T00:00:00.000Z'],
])('addMonths(%s, %i) = %s', (from, months, to) => {
  expect(addMonths(new Date(from), months).toISOString()).toBe(to)
})

test('resumesAt in months or days, in unix seconds', () => {
  const now = new Date('2026-01-15T00:00:00Z')
  expect(resumesAt(now, { months: 2 })).toBe(Date.parse('2026-03-15T00:00:00Z') / 1000)
  expect(resumesAt(now, { days: 10 })).toBe(Date.parse('2026-01-25T00:00:00Z') / 1000)
})

test('extendedTrialEnd by days or to a date', () => {
  expect(extendedTrialEnd(1_000_000, { days: 2 })).toBe(1_000_000 + 2 * 86_400)
  expect(extendedTrialEnd(1_000_000, { until: 2_000_000 })).toBe(2_000_000)
})
