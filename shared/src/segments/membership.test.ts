import { expect, test } from 'vitest'
import { diffMembership } from './membership'

test.each([
  { name: 'nothing changes', previous: ['a', 'b'], next: ['b', 'a'], entered: [], left: [] },
  { name: 'first run', previous: [], next: ['b', 'a'], entered: ['a', 'b'], left: [] },
  { name: 'everyone leaves', previous: ['a'], next: [], entered: [], left: ['a'] },
  { name: 'both ways', previous: ['a', 'b'], next: ['b', 'c'], entered: ['c'], left: ['a'] },
  {
    name: 'duplicates ignored',
    previous: ['a', 'a'],
    next: ['a', 'c', 'c'],
    entered: ['c'],
    left: [],
  },
])('$name', ({ previous, next, entered, left }) => {
  expect(diffMembership(previous, next)).toEqual({ entered, left })
})
