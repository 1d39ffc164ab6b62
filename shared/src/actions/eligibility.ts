// Can this action run on this subscription now? Pure; routes turn a refusal into a 409 whose
// message tells the agent what is wrong and what to do instead.
import type { ActionSubscription } from './subscription'

export type Verdict = { ok: true } | { ok: false; reason: string }

const ok: Verdict = { ok: true }
const no = (reason: string): { ok: false; reason: string } => ({ ok: false, reason })

/** Refusals every action shares: ended and never-started subscriptions. */
function refuseEnded(sub: ActionSubscription, verb: string): Verdict | null {
  if (sub.status === 'canceled')
    return no(`${sub.id} is canceled; it cannot be ${verb}. Create a new subscription instead.`)
  if (sub.status === 'incomplete_expired')
    return no(`${sub.id} expired before its first payment; it cannot be ${verb}.`)
  if (sub.status === 'incomplete')
    return no(
      `${sub.id} is incomplete (its first payment has not succeeded); it cannot be ${verb} yet.`
    )
  return null
}

export function canPauseCollection(sub: ActionSubscription): Verdict {
  const ended = refuseEnded(sub, 'paused')
  if (ended) return ended
  if (sub.status === 'paused')
    return no(`${sub.id} is paused already (no invoices are created); it cannot be paused.`)
  if (sub.status === 'unpaid')
    return no(`${sub.id} is unpaid; collect or void its open invoices before pausing it.`)
  if (sub.pauseCollection)
    return no(
      `Collection on ${sub.id} is already paused (${sub.pauseCollection.behavior}); resume it first.`
    )
  return ok
}

export function canResumeCollection(sub: ActionSubscription): Verdict {
  const ended = refuseEnded(sub, 'resumed')
  if (ended) return ended
  if (!sub.pauseCollection) return no(`Collection on ${sub.id} is not paused; nothing to resume.`)
  return ok
}

/**
 * True pause (`subscriptions.pause`): Stripe refuses it with a schedule, outside flexible billing
 * mode and while collection is paused (docs/stripe-api-notes.md §2, §9).
 */
export function canPauseSubscription(sub: ActionSubscription): Verdict {
  const ended = refuseEnded(sub, 'paused')
  if (ended) return ended
  if (sub.status === 'paused') return no(`${sub.id} is paused already; resume it instead.`)
  if (sub.status === 'unpaid')
    return no(`${sub.id} is unpaid; collect or void its open invoices before pausing it.`)
  if (sub.scheduleId)
    return no(
      `${sub.id} is managed by subscription schedule ${sub.scheduleId}; Stripe cannot pause it. Release the schedule first.`
    )
  if (sub.billingMode === 'classic')
    return no(
      `${sub.id} uses classic billing mode; Stripe pauses only subscriptions in flexible billing mode. Pause collection instead.`
    )
  if (sub.pauseCollection)
    return no(
      `Collection on ${sub.id} is paused (${sub.pauseCollection.behavior}); Stripe cannot pause it as well. Resume collection first.`
    )
  return ok
}

export function canResumeSubscription(sub: ActionSubscription): Verdict {
  const ended = refuseEnded(sub, 'resumed')
  if (ended) return ended
  if (sub.status !== 'paused')
    return no(`${sub.id} is ${sub.status}, not paused; nothing to resume.`)
  if (sub.collectionMethod === 'send_invoice')
    return no(
      `${sub.id} is billed by sending invoices; Stripe resumes only subscriptions that charge automatically.`
    )
  return ok
}

export function canApplyDiscount(sub: ActionSubscription): Verdict {
  const ended = refuseEnded(sub, 'discounted')
  if (ended) return ended
  // Stripe allows at most 20 discounts on a subscription.
  if (sub.discountIds.length >= 20)
    return no(`${sub.id} already has 20 discounts, Stripe's limit; remove one first.`)
  return ok
}

/** The item a plan change replaces: the given one, or the only one. */
export function pickPlanItem(
  sub: ActionSubscription,
  itemId?: string
): { ok: true; item: ActionSubscription['items'][number] } | { ok: false; reason: string } {
  if (itemId) {
    const item = sub.items.find((i) => i.id === itemId)
    return item ? { ok: true, item } : no(`${sub.id} has no item ${itemId}.`)
  }
  if (sub.items.length !== 1)
    return no(`${sub.id} has ${sub.items.length} items; say which one to change (itemId).`)
  return { ok: true, item: sub.items[0]! }
}

export type TargetPrice = {
  id: string
  currency: string
  active: boolean
  recurring: boolean
}

export function canChangePlan(
  sub: ActionSubscription,
  price: TargetPrice,
  itemId?: string
): Verdict {
  const ended = refuseEnded(sub, 'changed')
  if (ended) return ended
  if (sub.scheduleId)
    return no(
      `${sub.id} is managed by subscription schedule ${sub.scheduleId}; change the schedule instead.`
    )
  const picked = pickPlanItem(sub, itemId)
  if (!picked.ok) return picked
  if (picked.item.priceId === price.id) return no(`${sub.id} is already on price ${price.id}.`)
  if (!price.recurring)
    return no(`Price ${price.id} is a one-time price; a subscription needs a recurring price.`)
  if (!price.active) return no(`Price ${price.id} is archived; pick an active price.`)
  if (price.currency.toLowerCase() !== sub.currency.toLowerCase())
    return no(
      `Price ${price.id} is in ${price.currency.toUpperCase()} but ${sub.id} bills in ${sub.currency.toUpperCase()}; pick a ${sub.currency.toUpperCase()} price.`
    )
  return ok
}

export function canCancel(sub: ActionSubscription, when: 'now' | 'period_end'): Verdict {
  const ended = refuseEnded(sub, 'canceled')
  if (ended && sub.status !== 'incomplete') return ended
  if (when === 'period_end' && sub.cancelAtPeriodEnd)
    return no(`${sub.id} is already set to cancel at the end of its period.`)
  return ok
}

export function canReactivate(sub: ActionSubscription): Verdict {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    return no(
      `${sub.id} is ${sub.status === 'canceled' ? 'canceled' : 'expired'}; it cannot be reactivated. Create a new subscription instead.`
    )
  if (!sub.cancelAtPeriodEnd && sub.cancelAt === null)
    return no(`${sub.id} is not scheduled to cancel; there is nothing to reactivate.`)
  return ok
}

/** Stripe: trial_end at most two years after the billing cycle anchor. */
export const MAX_TRIAL_SECONDS = 730 * 86_400

export function canExtendTrial(sub: ActionSubscription, newTrialEnd: number, now: Date): Verdict {
  const ended = refuseEnded(sub, 'given a longer trial')
  if (ended) return ended
  if (sub.status !== 'trialing' || sub.trialEnd === null)
    return no(`${sub.id} is ${sub.status}, not trialing; only a trial can be extended.`)
  if (newTrialEnd <= sub.trialEnd)
    return no(
      `The new trial end (${isoDate(newTrialEnd)}) is not after the current one (${isoDate(sub.trialEnd)}).`
    )
  const nowSeconds = Math.floor(now.getTime() / 1000)
  if (newTrialEnd - nowSeconds > MAX_TRIAL_SECONDS)
    return no(`Stripe allows a trial to end at most two years from now; pick an earlier date.`)
  return ok
}

export type ActionKind =
  | 'pause_collection'
  | 'resume_collection'
  | 'apply_discount'
  | 'change_plan'
  | 'cancel'
  | 'reactivate'
  | 'extend_trial'
  | 'pause_subscription'
  | 'resume_subscription'

export const ACTION_LABELS: Record<ActionKind, string> = {
  pause_collection: 'Pause collection',
  resume_collection: 'Resume collection',
  apply_discount: 'Apply a discount',
  change_plan: 'Change plan',
  cancel: 'Cancel',
  reactivate: 'Undo scheduled cancellation',
  extend_trial: 'Extend trial',
  pause_subscription: 'Pause subscription',
  resume_subscription: 'Resume subscription',
}

/** Every action with whether it applies to this subscription now (for the extension's menu). */
export function availableActions(
  sub: ActionSubscription,
  now: Date
): { kind: ActionKind; label: string; verdict: Verdict }[] {
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const planChange = refuseEnded(sub, 'changed') ?? ok
  const verdicts: Record<ActionKind, Verdict> = {
    pause_collection: canPauseCollection(sub),
    resume_collection: canResumeCollection(sub),
    apply_discount: canApplyDiscount(sub),
    change_plan: planChange,
    cancel: canCancel(sub, 'now'),
    reactivate: canReactivate(sub),
    extend_trial: canExtendTrial(sub, Math.max(sub.trialEnd ?? 0, nowSeconds) + 86_400, now),
    pause_subscription: canPauseSubscription(sub),
    resume_subscription: canResumeSubscription(sub),
  }
  return (Object.keys(verdicts) as ActionKind[]).map((kind) => ({
    kind,
    label: ACTION_LABELS[kind],
    verdict: verdicts[kind],
  }))
}

export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10)
}
