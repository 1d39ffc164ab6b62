// Offer guardrails in settings (GET/PUT /api/v1/settings/guardrails) and the check the discount
// sheet shows before Confirm (POST /api/v1/subscriptions/:id/apply-discount/check).
import { z } from 'zod'

export const OfferGuardrails = z
  .object({
    /** No second discount for a customer within this many days of the last one. */
    cooldownDays: z.number().int().min(1).max(3650).nullable(),
    /** At most this many discounts from Holdfast per customer, ever. */
    maxDiscountsPerCustomer: z.number().int().min(1).max(1000).nullable(),
    /** A percentage off above this needs an administrator. */
    approvalAbovePercentOff: z.number().gt(0).max(100).nullable(),
    /** A discount lasting longer than this many months (forever included) needs an administrator. */
    approvalAboveMonths: z.number().int().min(1).max(120).nullable(),
  })
  .strict()
export type OfferGuardrails = z.infer<typeof OfferGuardrails>

export const NO_GUARDRAILS: OfferGuardrails = {
  cooldownDays: null,
  maxDiscountsPerCustomer: null,
  approvalAbovePercentOff: null,
  approvalAboveMonths: null,
}

export const GuardrailCheck = z.object({
  allowed: z.boolean(),
  /** Why not, as the refusal on Confirm would say it. */
  reason: z.string().nullable(),
  status: z.number().nullable(),
  notes: z.array(z.string()),
})
export type GuardrailCheck = z.infer<typeof GuardrailCheck>
