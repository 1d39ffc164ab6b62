// Pause collection: invoices keep being created but are not collected (status stays as it is).
// @see https://docs.stripe.com/billing/subscriptions/pause-payment
import type Stripe from 'stripe'
import { canPauseCollection } from '@holdfast/shared/actions/eligibility'
import { resumesAt, type Duration } from '@holdfast/shared/actions/timing'
import type { PauseCollectionRequest } from '@holdfast/shared/api/actions'
import type { Caller } from '../kernel/deps'
import { offerForAction } from './offers'
import { conflict, runAction, type ActionDeps } from './run-action'

export async function pauseCollection(
  deps: ActionDeps,
  caller: Caller,
  input: PauseCollectionRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'pause_collection',
    subscriptionId,
    clientKey,
    request,
    offerId: input.offerId ?? null,
    async plan({ facts, now }) {
      const offer = input.offerId
        ? await offerForAction(deps, caller, input.offerId, 'pause_collection')
        : null
      const verdict = canPauseCollection(facts)
      if (!verdict.ok) conflict(verdict.reason)
      const offerParams = offer?.params as { months: number; behavior?: string } | undefined
      const duration: Duration | null = offerParams
        ? { months: offerParams.months }
        : input.months
          ? { months: input.months }
          : input.days
            ? { days: input.days }
            : null
      const pause: Stripe.SubscriptionUpdateParams.PauseCollection = {
        behavior: (input.behavior ??
          offerParams?.behavior ??
          'mark_uncollectible') as Stripe.SubscriptionUpdateParams.PauseCollection.Behavior,
        ...(duration ? { resumes_at: resumesAt(now, duration) } : {}),
      }
      return { method: 'subscriptions.update', params: { pause_collection: pause } }
    },
  })
}
