import { expect, test } from 'vitest'
import { summarizePlanChange, type PreviewInvoice } from './plan-change'

const preview: PreviewInvoice = {
  currency: 'USD',
  amountDue: 7000,
  lines: [
    { description: 'Unused time on Basic', amount: -1000, proration: true },
    { description: 'Remaining time on Pro', amount: 3000, proration: true },
    { description: '1 × Pro', amount: 5000, proration: false },
  ],
  nextPaymentAttempt: 1_800_000_000,
}

test.each([
  ['create_prorations', 0, 7000, 1_800_000_000, 2000],
  ['none', 0, 7000, 1_800_000_000, 0],
] as const)('%s: due now %i, next invoice %i', (behavior, dueNow, next, date, prorations) => {
  const s = summarizePlanChange({
    behavior,
    preview,
    newPeriodAmount: 5000,
    nextRenewal: 1_700_000_000,
  })
  expect(s.dueNow).toEqual({ amount: dueNow, currency: 'usd' })
  expect(s.nextInvoice).toEqual({ amount: next, currency: 'usd', date })
  expect(s.prorations).toEqual({ amount: prorations, currency: 'usd' })
})

test('always_invoice: the preview is due now, the next invoice is one period of the new price', () => {
  const prorationInvoice: PreviewInvoice = {
    ...preview,
    amountDue: 2000,
    lines: preview.lines.filter((l) => l.proration),
  }
  const s = summarizePlanChange({
    behavior: 'always_invoice',
    preview: prorationInvoice,
    newPeriodAmount: 5000,
    nextRenewal: 1_700_000_000,
  })
  expect(s.dueNow).toEqual({ amount: 2000, currency: 'usd' })
  expect(s.nextInvoice).toEqual({ amount: 5000, currency: 'usd', date: 1_700_000_000 })
  expect(s.prorations.amount).toBe(2000)
})

test('a downgrade credit is not negative due now', () => {
  const s = summarizePlanChange({
    behavior: 'always_invoice',
    preview: { ...preview, amountDue: -500, lines: [] },
    newPeriodAmount: null,
    nextRenewal: null,
  })
  expect(s.dueNow.amount).toBe(0)
  expect(s.nextInvoice.amount).toBeNull()
})
