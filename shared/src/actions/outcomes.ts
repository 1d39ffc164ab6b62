// Did a retention action keep the customer? Checked at 30, 60 and 90 days after it ran.
import type { MoneyByCurrency } from '../money'
import { KEPT_STATUSES } from './subscription'

export const OUTCOME_MILESTONES = [30, 60, 90] as const
export type Milestone = (typeof OUTCOME_MILESTONES)[number]

const DAY = 86_400

/** Kinds that try to keep a customer; cancel and resume-collection are not saves. */
export const SAVE_KINDS: readonly string[] = [
  'pause_collection',
  'pause_subscription',
  'apply_discount',
  'change_plan',
  'extend_trial',
  'reactivate',
]

export type MilestoneOutcome = {
  /** Subscription not ended at the milestone. */
  active: boolean
  /** MRR the subscription had when the milestone was recorded (empty when churned). */
  mrr: MoneyByCurrency
  checkedAt: number
}

export type ActionOutcome = Partial<Record<`d${Milestone}`, MilestoneOutcome>>

/** Milestones reached by `now` for an action finished at `finishedAt` (unix seconds). */
export function dueMilestones(finishedAt: number, nowSeconds: number): Milestone[] {
  return OUTCOME_MILESTONES.filter((m) => nowSeconds >= finishedAt + m * DAY)
}

/**
 * Whether the subscription was still there at `at`: not ended by then. `endedAt` is Stripe's
 * `ended_at`, exact even when we look later than the milestone.
 */
export function wasActiveAt(sub: { status: string; endedAt: number | null }, at: number): boolean {
  if (sub.endedAt !== null) return sub.endedAt > at
  // A paused subscription still has its customer; unpaid counts as churn, as in Stripe's MRR.
  return KEPT_STATUSES.includes(sub.status) || sub.status === 'paused'
}

export type OutcomeStatus = 'pending' | 'saved' | 'lost'

/** The latest milestone decides; before day 30 the outcome is pending. */
export function outcomeStatus(outcome: ActionOutcome | null | undefined): OutcomeStatus {
  const latest = outcome?.d90 ?? outcome?.d60 ?? outcome?.d30
  if (!latest) return 'pending'
  return latest.active ? 'saved' : 'lost'
}

/** The MRR kept by a saved action (its latest milestone's), or nothing. */
export function keptMrr(outcome: ActionOutcome | null | undefined): MoneyByCurrency {
  const latest = outcome?.d90 ?? outcome?.d60 ?? outcome?.d30
  return latest?.active ? latest.mrr : {}
}
