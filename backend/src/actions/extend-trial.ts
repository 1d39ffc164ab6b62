// Extend a trial: move `trial_end` by N days or to a date, without prorating. Only a trialing
// subscription qualifies (setting trial_end on an active one would put it back into a trial).
import { canExtendTrial } from '@holdfast/shared/actions/eligibility'
import { extendedTrialEnd } from '@holdfast/shared/actions/timing'
import type { ExtendTrialRequest } from '@holdfast/shared/api/actions'
import type { Caller } from '../kernel/deps'
import { offerForAction } from './offers'
import { conflict, runAction, type ActionDeps } from './run-action'

export async function extendTrial(
  deps: ActionDeps,
  caller: Caller,
  input: ExtendTrialRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'extend_trial',
    subscriptionId,
    clientKey,
    request,
    offerId: input.offerId ?? null,
    async plan({ facts, now }) {
      const offer = input.offerId
        ? await offerForAction(deps, caller, input.offerId, 'extend_trial')
        : null
      const current = facts.trialEnd ?? Math.floor(now.getTime() / 1000)
      const days = offer ? (offer.params as { days: number }).days : input.days
      const trialEnd = extendedTrialEnd(
        current,
        days !== undefined ? { days } : { until: input.until! }
      )
      const verdict = canExtendTrial(facts, trialEnd, now)
      if (!verdict.ok) conflict(verdict.reason)
      return {
        method: 'subscriptions.update',
        params: { trial_end: trialEnd, proration_behavior: 'none' },
      }
    },
  })
}
