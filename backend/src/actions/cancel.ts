// Cancel now (DELETE, with prorate / invoice_now) or at the end of the period. The agent's reason
// and comment go into `cancellation_details` (feedback + comment; `reason` is Stripe's own).
import type Stripe from 'stripe'
import { canCancel } from '@holdfast/shared/actions/eligibility'
import type { CancelRequest } from '@holdfast/shared/api/actions'
import type { Caller } from '../kernel/deps'
import { conflict, runAction, type ActionDeps } from './run-action'

export async function cancelSubscription(
  deps: ActionDeps,
  caller: Caller,
  input: CancelRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'cancel',
    subscriptionId,
    clientKey,
    request,
    plan({ facts }) {
      const verdict = canCancel(facts, input.when)
      if (!verdict.ok) conflict(verdict.reason)
      const details: Stripe.SubscriptionCancelParams.CancellationDetails = {
        ...(input.comment ? { comment: input.comment } : {}),
        ...(input.reason ? { feedback: input.reason } : {}),
      }
      const withDetails = Object.keys(details).length > 0 ? { cancellation_details: details } : {}
      if (input.when === 'now') {
        return {
          method: 'subscriptions.cancel',
          params: {
            invoice_now: input.invoiceNow ?? false,
            prorate: input.prorate ?? false,
            ...withDetails,
          },
        }
      }
      return {
        method: 'subscriptions.update',
        params: { cancel_at_period_end: true, ...withDetails },
      }
    },
  })
}
