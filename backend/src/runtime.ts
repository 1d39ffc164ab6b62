// The running parts above the database and queue: queue workers, the webhook event drainer, and
// the HTTP app. The service (main.ts) and the integration-test harness both build exactly this.
import type { AppDeps } from './http/context'
import { createApp } from './http/app'
import { registerWorkers } from './queue/workers'
import { startEventDrainer } from './sync/event-drainer'
import { startSyncRunner } from './sync/backfill-runner'
import { refreshCustomer } from './traits/on-customer-changed'
import { webhookSecretSource } from './sync/webhook-endpoints'

export async function startRuntime(deps: AppDeps) {
  await registerWorkers(deps)
  const drainer = startEventDrainer(
    {
      ...deps,
      onCustomerChanged: async (scope, id) => void (await refreshCustomer(deps, scope, id)),
    },
    { workers: deps.config.webhookWorkers }
  )
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
