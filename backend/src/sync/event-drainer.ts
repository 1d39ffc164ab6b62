// Workers that apply stored webhook events. Each claims a batch with SKIP LOCKED, applies it and
// marks it done; failures are retried with back-off and given up after MAX_ATTEMPTS (kept, visible).
// A webhook wakes them at once (kick); otherwise they poll, so events stored by another process,
// or left by a crashed one, are picked up too.
import type { Logger } from '../log'
import { applyEvent, readAccountStatus, type ApplyDeps } from './apply-event'
import { claimEvents, finishEvent, finishEvents } from './event-store'
import type { AccountScope } from './upsert-objects'

const MAX_ATTEMPTS = 8
const POLL_MS = 500

export type EventDrainer = { kick(): void; stop(): Promise<void>; idle(): Promise<void> }

export function startEventDrainer(
  deps: ApplyDeps & { log: Logger },
  options: { workers: number; batchSize?: number }
): EventDrainer {
  let running = true
  let wake: (() => void) | undefined
  let busy = 0
  let idleWaiters: Array<() => void> = []
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        if (wake === done) wake = undefined
        resolve()
      }
      const previous = wake
      wake = () => {
        previous?.()
        done()
      }
    })

  async function loop() {
    while (running) {
      let claimed
      try {
        busy++
        claimed = await claimEvents(deps.db, options.batchSize ?? 50)
        // One status lookup per account per batch; an uninstall inside the batch clears it.
        const statuses = new Map<string, Promise<string | undefined>>()
        const accountStatus = (scope: AccountScope) => {
          const key = `${scope.accountId}:${scope.livemode}`
          let status = statuses.get(key)
          if (!status) statuses.set(key, (status = readAccountStatus(deps, scope)))
          return status
        }
        const applied: Array<{ id: string; outcome: string }> = []
        for (const event of claimed) {
          try {
            const outcome = await applyEvent({ ...deps, accountStatus }, event)
            if (event.type === 'account.application.deauthorized') statuses.clear()
            applied.push({ id: event.id, outcome })
          } catch (err) {
            const error = err instanceof Error ? err.message : String(err)
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
        await finishEvents(deps.db, applied)
      } catch (err) {
        // The database is unreachable or similar: wait and try again; stored events are safe.
        deps.log.error('event drainer failed to claim', { err })
        claimed = []
        await sleep(1_000)
      } finally {
        busy--
      }
      if (claimed.length === 0) {
        if (busy === 0) {
          for (const resolve of idleWaiters) resolve()
          idleWaiters = []
        }
        await sleep(POLL_MS)
      }
    }
  }

  const loops = Array.from({ length: options.workers }, () => loop())
  return {
    kick: () => wake?.(),
    async stop() {
      running = false
      wake?.()
      await Promise.all(loops)
    },
    /** Resolves when a worker finds nothing left to claim (tests and benchmarks). */
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve)
        wake?.()
      }),
  }
}
