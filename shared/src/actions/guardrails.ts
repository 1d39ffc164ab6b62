// Offer guardrails: limits a merchant puts on the discounts agents give, enforced by the backend
// before any Stripe call and shown in the sheet before Confirm. Pure: the caller loads the
// customer's earlier discounts (Holdfast's audit) and the coupon's terms.
import type { OfferGuardrails } from '../api/guardrails'

export type DiscountTerms = {
  /** 100 for a free period. */
  percentOff: number | null
  amountOff: number | null
  duration: 'once' | 'repeating' | 'forever'
  durationInMonths: number | null
}

export type GuardrailVerdict =
  { ok: true; notes: string[] } | { ok: false; status: 409 | 403; reason: string }

const DAY = 86_400

function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10)
}

/** Months a discount lasts (once = 1, forever = unbounded). */
function monthsOf(terms: DiscountTerms): number {
  if (terms.duration === 'forever') return Infinity
  if (terms.duration === 'once') return 1
  return terms.durationInMonths ?? 1
}

export function checkDiscountGuardrails(input: {
  guardrails: OfferGuardrails
  terms: DiscountTerms | null
  /** Unix seconds of the discounts Holdfast already gave this customer (succeeded runs). */
  earlier: number[]
  isAdmin: boolean
  nowSeconds: number
}): GuardrailVerdict {
  const { guardrails: g, terms, earlier, isAdmin, nowSeconds } = input
  const notes: string[] = []
  if (g.maxDiscountsPerCustomer !== null) {
    if (earlier.length >= g.maxDiscountsPerCustomer)
      return {
        ok: false,
        status: 409,
        reason: `This customer already had ${earlier.length} discount${earlier.length === 1 ? '' : 's'} from Holdfast; the limit is ${g.maxDiscountsPerCustomer} per customer.`,
      }
    notes.push(
      `Discount ${earlier.length + 1} of at most ${g.maxDiscountsPerCustomer} for this customer.`
    )
  }
  if (g.cooldownDays !== null && earlier.length > 0) {
    const last = Math.max(...earlier)
    const until = last + g.cooldownDays * DAY
    if (until > nowSeconds)
      return {
        ok: false,
        status: 409,
        reason: `This customer got a discount on ${isoDate(last)}; the next one is allowed from ${isoDate(until)} (${g.cooldownDays}-day cooldown).`,
      }
  }
  const deeper =
    g.approvalAbovePercentOff !== null &&
    terms?.percentOff != null &&
    terms.percentOff > g.approvalAbovePercentOff
  const longer =
    g.approvalAboveMonths !== null && terms !== null && monthsOf(terms) > g.approvalAboveMonths
  if (deeper || longer) {
    const what = [
      deeper ? `${terms!.percentOff}% off is deeper than ${g.approvalAbovePercentOff}%` : null,
      longer
        ? `${terms!.duration === 'forever' ? 'forever' : `${monthsOf(terms!)} months`} is longer than ${g.approvalAboveMonths} month${g.approvalAboveMonths === 1 ? '' : 's'}`
        : null,
    ]
      .filter(Boolean)
      .join(' and ')
    if (!isAdmin)
      return {
        ok: false,
        status: 403,
        reason: `This discount needs an administrator: ${what}, the limit set in Holdfast settings.`,
      }
    notes.push(`Above the limit (${what}); allowed because you are an administrator.`)
  }
  return { ok: true, notes }
}
