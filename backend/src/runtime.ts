// The running parts above the database and queue: queue workers, the webhook event drainer, the
// customer refresher, the sync runner and the HTTP app. The service (main.ts) and the
// integration-test harness both build exactly this.
import type { AppDeps } from './kernel/deps'
import { createApp } from './http/app'
import type { PollingWorkers } from './queue/polling-workers'
import { registerWorkers } from './queue/workers'
import { startEventDrainer } from './sync/event-drainer'
import { EVENTS_STORED_CHANNEL } from './sync/event-store'
import { startSyncRunner } from './sync/backfill-runner'
import { startCustomerRefresher } from './traits/refresh-queue'
import { webhookSecretSource } from './sync/webhook-endpoints'

export async function startRuntime(deps: AppDeps) {
  // A web process only sends jobs; worker processes (role all or worker) handle them.
  if (deps.config.role !== 'web') await registerWorkers(deps)
  // Webhook events are applied by the drainer; the customers they changed are refreshed
  // (traits → segments → stage → outbound) by the refresher, off the apply path.
  const refresher = startCustomerRefresher(deps, { workers: deps.config.traitsWorkers })
  const events = startEventDrainer(
    { ...deps, onCustomersMarked: () => refresher.kick() },
    { workers: deps.config.webhookWorkers }
  )
  // Events stored by another process (a web-only one, say) wake this one's drainer at once.
  const unlisten =
    deps.config.webhookWorkers > 0
      ? await deps.database.listen(EVENTS_STORED_CHANNEL, () => events.kick())
      : undefined
  const drainer: PollingWorkers = {
    kick: () => events.kick(),
    async stop() {
      await unlisten?.()
      await events.stop()
      await refresher.stop()
    },
    /** Events applied and the customers they changed refreshed. */
    async idle() {
      await events.idle()
      await refresher.idle()
    },
  }
  // Import and reconciliation tasks (any number of processes share them through the database).
  const syncRunner = startSyncRunner(deps, {
    hooks: {
      // Pages are written without the per-customer hook, so derived data is rebuilt afterwards.
      onRunFinished: (run) => {
        void deps.queue
          .send('traits-rebuild', { ...run.scope, runId: run.id })
          .catch((err: unknown) =>
            deps.log.error('could not queue the traits rebuild', { runId: run.id, err })
          )
      },
    },
  })
  const app = createApp(deps, {
    webhookSecrets: webhookSecretSource(deps, deps.config.stripe.webhookSecrets),
    onEventStored: () => drainer.kick(),
  })
  return { app, drainer, syncRunner }
}
