import { expect, test } from 'vitest'
import { dueMilestones, keptMrr, outcomeStatus, wasActiveAt } from './outcomes'

const DAY = 86_400

test.each([
  [29, []],
  [30, [30]],
  [61, [30, 60]],
  [400, [30, 60, 90]],
])('after %i days the milestones due are %o', (days, due) => {
  expect(dueMilestones(1_000_000, 1_000_000 + days * DAY)).toEqual(due)
})

test.each([
  [{ status: 'active', endedAt: null }, true],
  [{ status: 'past_due', endedAt: null }, true],
  [{ status: 'paused', endedAt: null }, true],
  [{ status: 'unpaid', endedAt: null }, false],
  [{ status: 'canceled', endedAt: 500 }, false],
  // Ended after the milestone: it was still there then.
  [{ status: 'canceled', endedAt: 2_000 }, true],
])('wasActiveAt(%o, 1000) = %s', (sub, active) => {
  expect(wasActiveAt(sub, 1_000)).toBe(active)
})

test('the latest milestone decides the status and the MRR kept', () => {
  expect(outcomeStatus(null)).toBe('pending')
  const saved = {
    d30: { active: true, mrr: { usd: 1000 }, checkedAt: 1 },
    d60: { active: true, mrr: { usd: 900 }, checkedAt: 2 },
  }
  expect(outcomeStatus(saved)).toBe('saved')
  expect(keptMrr(saved)).toEqual({ usd: 900 })
  const lost = { ...saved, d90: { active: false, mrr: {}, checkedAt: 3 } }
  expect(outcomeStatus(lost)).toBe('lost')
  expect(keptMrr(lost)).toEqual({})
})
