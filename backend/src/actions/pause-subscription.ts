// True pause and resume (`subscriptions.pause` / `.resume`, API 2026-09-30.endive): status `paused`,
// no invoices and no new periods until resumed, unlike pause collection (status stays active).
// @see docs/stripe-api-notes.md §2 (request shapes) and §9 (what Stripe refuses)
import type Stripe from 'stripe'
import { canPauseSubscription, canResumeSubscription } from '@holdfast/shared/actions/eligibility'
import type {
  PauseSubscriptionRequest,
  ResumeSubscriptionRequest,
} from '@holdfast/shared/api/actions'
import type { Caller } from '../kernel/deps'
import { conflict, runAction, type ActionDeps } from './run-action'

export async function pauseSubscription(
  deps: ActionDeps,
  caller: Caller,
  input: PauseSubscriptionRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'pause_subscription',
    subscriptionId,
    clientKey,
    request,
    plan({ facts }) {
      const verdict = canPauseSubscription(facts)
      if (!verdict.ok) conflict(verdict.reason)
      // The credit for unused time waits as a pending item for the resumption invoice.
      const params: Stripe.SubscriptionPauseParams = {
        type: 'subscription',
        invoicing_behavior: 'pending_invoice_item',
        bill_for: {
          unused_time_from: { type: input.creditUnusedTime === false ? 'none' : 'now' },
        },
      }
      return { method: 'subscriptions.pause', params }
    },
  })
}

export async function resumeSubscription(
  deps: ActionDeps,
  caller: Caller,
  input: ResumeSubscriptionRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'resume_subscription',
    subscriptionId,
    clientKey,
    request,
    plan({ facts, now }) {
      const verdict = canResumeSubscription(facts)
      if (!verdict.ok) conflict(verdict.reason)
      const unchanged = input.billingCycleAnchor === 'unchanged'
      // Stripe's default payment behavior, said out loud: resumed at once, past_due if the charge
      // fails (the sheet offers Retry payment then).
      const params: Stripe.SubscriptionResumeParams = {
        billing_cycle_anchor: { type: unchanged ? 'unchanged' : 'now' },
        payment_behavior: 'resume_on_payment_attempt',
        ...(unchanged
          ? {
              proration_behavior: input.prorationBehavior ?? 'create_prorations',
              proration_date: Math.floor(now.getTime() / 1000),
            }
          : {}),
      }
      return { method: 'subscriptions.resume', params }
    },
  })
}
