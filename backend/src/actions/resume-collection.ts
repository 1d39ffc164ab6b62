// Resume collection: `pause_collection: ''` unsets the pause (Emptyable field).
import { canResumeCollection } from '@holdfast/shared/actions/eligibility'
import type { Caller } from '../kernel/deps'
import { conflict, runAction, type ActionDeps } from './run-action'

export async function resumeCollection(
  deps: ActionDeps,
  caller: Caller,
  input: { subscriptionId: string; clientKey: string }
) {
  return runAction(deps, caller, {
    kind: 'resume_collection',
    subscriptionId: input.subscriptionId,
    clientKey: input.clientKey,
    request: {},
    plan({ facts }) {
      const verdict = canResumeCollection(facts)
      if (!verdict.ok) conflict(verdict.reason)
      return { method: 'subscriptions.update', params: { pause_collection: '' } }
    },
  })
}
