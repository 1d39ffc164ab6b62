// Reactivate: undo a scheduled cancellation (at period end, or at a set time). A subscription
// that has already ended can't come back; that needs a new subscription.
import { canReactivate } from '@holdfast/shared/actions/eligibility'
import type { Caller } from '../kernel/deps'
import { conflict, runAction, type ActionDeps } from './run-action'

export async function reactivate(
  deps: ActionDeps,
  caller: Caller,
  input: { subscriptionId: string; clientKey: string }
) {
  return runAction(deps, caller, {
    kind: 'reactivate',
    subscriptionId: input.subscriptionId,
    clientKey: input.clientKey,
    request: {},
    plan({ facts }) {
      const verdict = canReactivate(facts)
      if (!verdict.ok) conflict(verdict.reason)
      return {
        method: 'subscriptions.update',
        params: facts.cancelAtPeriodEnd ? { cancel_at_period_end: false } : { cancel_at: '' },
      }
    },
  })
}
