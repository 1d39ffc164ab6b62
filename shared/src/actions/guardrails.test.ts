import { expect, test } from 'vitest'
import { NO_GUARDRAILS } from '../api/guardrails'
import { checkDiscountGuardrails, type DiscountTerms } from './guardrails'

const now = Date.UTC(2026, 11, 3) / 1000
const DAY = 86_400
const tenOff: DiscountTerms = {
  percentOff: 10,
  amountOff: null,
  duration: 'once',
  durationInMonths: null,
}
const check = (over: Partial<Parameters<typeof checkDiscountGuardrails>[0]>) =>
  checkDiscountGuardrails({
    guardrails: NO_GUARDRAILS,
    terms: tenOff,
    earlier: [],
    isAdmin: false,
    nowSeconds: now,
    ...over,
  })

test.each([
  ['no guardrails', {}, { ok: true, notes: [] }],
  [
    'cooldown: the last discount 10 days ago, 30-day cooldown',
    { guardrails: { ...NO_GUARDRAILS, cooldownDays: 30 }, earlier: [now - 10 * DAY] },
    {
      ok: false,
      status: 409,
      reason:
        'This customer got a discount on 2026-11-23; the next one is allowed from 2026-12-23 (30-day cooldown).',
    },
  ],
  [
    'cooldown over',
    { guardrails: { ...NO_GUARDRAILS, cooldownDays: 30 }, earlier: [now - 31 * DAY] },
    { ok: true, notes: [] },
  ],
  [
    'max per customer reached',
    { guardrails: { ...NO_GUARDRAILS, maxDiscountsPerCustomer: 2 }, earlier: [1, 2] },
    {
      ok: false,
      status: 409,
      reason: 'This customer already had 2 discounts from Holdfast; the limit is 2 per customer.',
    },
  ],
  [
    'max per customer not reached',
    { guardrails: { ...NO_GUARDRAILS, maxDiscountsPerCustomer: 2 }, earlier: [1] },
    { ok: true, notes: ['Discount 2 of at most 2 for this customer.'] },
  ],
  [
    'deeper than the limit, support specialist',
    {
      guardrails: { ...NO_GUARDRAILS, approvalAbovePercentOff: 20 },
      terms: { ...tenOff, percentOff: 50 },
    },
    {
      ok: false,
      status: 403,
      reason:
        'This discount needs an administrator: 50% off is deeper than 20%, the limit set in Holdfast settings.',
    },
  ],
  [
    'longer than the limit (forever), support specialist',
    {
      guardrails: { ...NO_GUARDRAILS, approvalAboveMonths: 3 },
      terms: { ...tenOff, duration: 'forever' as const },
    },
    {
      ok: false,
      status: 403,
      reason:
        'This discount needs an administrator: forever is longer than 3 months, the limit set in Holdfast settings.',
    },
  ],
  [
    'deeper and longer, administrator',
    {
      guardrails: { ...NO_GUARDRAILS, approvalAbovePercentOff: 20, approvalAboveMonths: 3 },
      terms: { ...tenOff, percentOff: 100, duration: 'repeating' as const, durationInMonths: 6 },
      isAdmin: true,
    },
    {
      ok: true,
      notes: [
        'Above the limit (100% off is deeper than 20% and 6 months is longer than 3 months); allowed because you are an administrator.',
      ],
    },
  ],
  [
    'at the limit is allowed',
    {
      guardrails: { ...NO_GUARDRAILS, approvalAbovePercentOff: 10, approvalAboveMonths: 1 },
    },
    { ok: true, notes: [] },
  ],
])('%s', (_, over, expected) => {
  expect(check(over)).toEqual(expected)
})
