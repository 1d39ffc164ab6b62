// What a plan change costs, from Stripe's invoice preview: due now and on the next invoice.
// Pure maths over our own shape of the preview (backend maps Stripe's invoice into it).
import type { Money } from '../money'

export type ProrationBehavior = 'create_prorations' | 'none' | 'always_invoice'

export type PreviewLine = {
  description: string | null
  amount: number
  proration: boolean
}

export type PreviewInvoice = {
  currency: string
  amountDue: number
  lines: PreviewLine[]
  /** When Stripe would try to collect the previewed invoice (unix seconds). */
  nextPaymentAttempt: number | null
}

export type PlanChangeSummary = {
  /** Charged at once (always_invoice bills the prorations immediately). */
  dueNow: Money
  /** The next regular invoice; `amount` null when it can't be known (tiered prices). */
  nextInvoice: { amount: number | null; currency: string; date: number | null }
  /** Net of the proration lines (credit for unused time + charge for the new price). */
  prorations: Money
  lines: PreviewLine[]
}

/**
 * - create_prorations: nothing now; prorations ride on the next invoice, which the preview is.
 * - always_invoice: the preview is the proration invoice, due now; the next invoice is one period
 *   of the new price.
 * - none: nothing now, no prorations; the preview is the next invoice at the new price.
 */
export function summarizePlanChange(input: {
  behavior: ProrationBehavior
  preview: PreviewInvoice
  /** One period of the new price at the kept quantity, before discounts; null if unknown. */
  newPeriodAmount: number | null
  /** End of the current period, when the next regular invoice comes (unix seconds). */
  nextRenewal: number | null
}): PlanChangeSummary {
  const { behavior, preview } = input
  const currency = preview.currency.toLowerCase()
  const prorationTotal = preview.lines
    .filter((l) => l.proration)
    .reduce((sum, l) => sum + l.amount, 0)
  if (behavior === 'always_invoice') {
    return {
      dueNow: { amount: Math.max(0, preview.amountDue), currency },
      nextInvoice: { amount: input.newPeriodAmount, currency, date: input.nextRenewal },
      prorations: { amount: prorationTotal, currency },
      lines: preview.lines,
    }
  }
  return {
    dueNow: { amount: 0, currency },
    nextInvoice: {
      amount: preview.amountDue,
      currency,
      date: preview.nextPaymentAttempt ?? input.nextRenewal,
    },
    prorations: { amount: behavior === 'none' ? 0 : prorationTotal, currency },
    lines: preview.lines,
  }
}
