// Lifecycle stage from subscription status. The mapping is the merchant's to change; a status it
// doesn't list (a new Stripe status, or `paused` by default) gives `none`, as does no subscription.
import { z } from 'zod'
import type { Traits } from '../traits/catalog'

export const LifecycleStage = z.enum(['trial', 'customer', 'churned', 'none'])
export type LifecycleStage = z.infer<typeof LifecycleStage>

const Statuses = z.array(z.string().min(1)).max(50)

/** Which subscription statuses put a customer in each stage. A status may appear only once. */
export const StageMapping = z
  .strictObject({ trial: Statuses, customer: Statuses, churned: Statuses })
  .superRefine((mapping, ctx) => {
    const seen = new Map<string, string>()
    for (const stage of ['trial', 'customer', 'churned'] as const) {
      for (const status of mapping[stage]) {
        const other = seen.get(status)
        if (other)
          ctx.addIssue({
            code: 'custom',
            path: [stage],
            message: `Status "${status}" is already mapped to ${other}; map it to one stage only`,
          })
        seen.set(status, stage)
      }
    }
  })
export type StageMapping = z.infer<typeof StageMapping>

export const DEFAULT_STAGE_MAPPING: StageMapping = {
  trial: ['trialing'],
  customer: ['active', 'past_due', 'incomplete', 'unpaid'],
  churned: ['canceled', 'incomplete_expired'],
}

/** Stage of a subscription status; null/undefined status (no subscription) → `none`. */
export function computeStage(
  status: string | null | undefined,
  mapping: StageMapping = DEFAULT_STAGE_MAPPING
): LifecycleStage {
  if (!status) return 'none'
  if (mapping.trial.includes(status)) return 'trial'
  if (mapping.customer.includes(status)) return 'customer'
  if (mapping.churned.includes(status)) return 'churned'
  return 'none'
}

/** Stage from computed traits: the status of "the" subscription (`subscription.status`). */
export function computeStageFromTraits(
  traits: Traits,
  mapping: StageMapping = DEFAULT_STAGE_MAPPING
): LifecycleStage {
  const status = traits['subscription.status']
  return computeStage(typeof status === 'string' ? status : null, mapping)
}
