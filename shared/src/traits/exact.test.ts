import { expect, test } from 'vitest'
import { ceilExact, floorExact, parseExact, ratio, roundHalfUp } from './exact'

test.each([
  { text: '12', n: 12n, d: 1n },
  { text: '-0.125', n: -1n, d: 8n },
  { text: '1e-7', n: 1n, d: 10_000_000n },
  { text: '3.5E+2', n: 350n, d: 1n },
  { text: '.5', n: 1n, d: 2n },
])('parseExact($text)', ({ text, n, d }) => {
  expect(parseExact(text)).toEqual({ n, d })
})

test.each(['', 'abc', '1.2.3', '.'])('parseExact rejects %j', (text) => {
  expect(() => parseExact(text)).toThrow(RangeError)
})

test.each([
  { n: 5, d: 2, round: 3, floor: 2n, ceil: 3n },
  { n: 7, d: 3, round: 2, floor: 2n, ceil: 3n },
  { n: -5, d: 2, round: -3, floor: -3n, ceil: -2n },
  { n: 4, d: 1, round: 4, floor: 4n, ceil: 4n },
])('$n/$d rounds', ({ n, d, round, floor, ceil }) => {
  expect(roundHalfUp(ratio(n, d))).toBe(round)
  expect(floorExact(ratio(n, d))).toBe(floor)
  expect(ceilExact(ratio(n, d))).toBe(ceil)
})
