// Workers that apply stored webhook events. Each claims a batch with SKIP LOCKED, applies it and
// marks it done; failures are retried with back-off and given up after MAX_ATTEMPTS (kept, visible).
// The batch's timeline entries and customer refresh marks (traits/refresh-queue) are written
// before the events are finished, so a crash in between re-applies the events and records them
// again (apply-event resumes an event it had written).
import type { Scope } from '../kernel/scope'
import { errorMessage, type Logger } from '../log'
import { startPollingWorkers, type PollingWorkers } from '../queue/polling-workers'
import {
  applyEvent,
  readAccountStatus,
  recordCustomerChanges,
  type ApplyDeps,
  type CustomerChange,
} from './apply-event'
import { claimEvents, finishEvent, finishEvents } from './event-store'

const MAX_ATTEMPTS = 8
const POLL_MS = 500

export type EventDrainer = PollingWorkers

export function startEventDrainer(
  deps: ApplyDeps & {
    log: Logger
    /** Told after changed customers were marked (wakes the refresher). */
    onCustomersMarked?: () => void
  },
  options: { workers: number; batchSize?: number }
): EventDrainer {
  async function round(): Promise<number> {
    const claimed = await claimEvents(deps.db, options.batchSize ?? 50)
    if (claimed.length === 0) return 0
    // One status lookup per account per batch; an uninstall inside the batch clears it.
    const statuses = new Map<string, Promise<string | undefined>>()
    const accountStatus = (scope: Scope) => {
      const key = `${scope.accountId}:${scope.livemode}`
      let status = statuses.get(key)
      if (!status) statuses.set(key, (status = readAccountStatus(deps, scope)))
      return status
    }
    const changed: CustomerChange[] = []
    const applied: Array<{ id: string; outcome: string }> = []
    for (const event of claimed) {
      try {
        const result = await applyEvent({ ...deps, accountStatus }, event)
        if (event.type === 'account.application.deauthorized') statuses.clear()
        applied.push({ id: event.id, outcome: result.outcome })
        if (result.changed) changed.push(result.changed)
      } catch (err) {
        const error = errorMessage(err)
        const giveUp = event.attempts >= MAX_ATTEMPTS
        deps.log.warn('event not applied', {
          eventId: event.id,
          type: event.type,
          attempts: event.attempts,
          error,
        })
        await finishEvent(
          deps.db,
          event.id,
          giveUp
            ? { outcome: 'failed', error, done: true }
            : {
                outcome: 'retrying',
                error,
                done: false,
                retryInSeconds: Math.min(2 ** event.attempts, 300),
              }
        )
      }
    }
    if (changed.length > 0) {
      await recordCustomerChanges(deps.db, changed)
      deps.onCustomersMarked?.()
    }
    await finishEvents(deps.db, applied)
    return claimed.length
  }

  return startPollingWorkers({
    workers: options.workers,
    pollMs: POLL_MS,
    log: deps.log,
    name: 'event drainer',
    round,
  })
}
