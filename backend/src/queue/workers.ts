// Which handler serves which queue. Features register their workers here.
import { sweepExpiredOAuthStates } from '../accounts/oauth-state'
import { purgeAccountData, purgeDueAccounts } from '../accounts/uninstall'
import { recordDueOutcomes } from '../actions/outcomes'
import type { AppDeps } from '../kernel/deps'
import { syncCursors } from '../db/schema'
import { rebuildAccountTraits } from '../traits/rebuild-account'
import { deliverOutbound } from '../outbound/deliver'
import { recomputeActiveAccounts, recomputeAllSegments } from '../segments/refresh-all'
import { startImport, type ImportChoice } from '../sync/backfill'
import { wakeSyncRunners } from '../sync/backfill-runner'
import { createRateLimiter } from '../sync/rate-limiter'
import { requestReconcile, requestReconcileAll, runReconcile } from '../sync/reconcile'

export async function registerWorkers(deps: AppDeps): Promise<void> {
  await deps.queue.work<{ note?: string }>('selftest', async (job) => {
    deps.log.info('selftest job handled', { jobId: job.id })
  })
  // A job names one account (uninstalled with no grace period), or none: the hourly sweep
  // (accounts past their grace period, and expired OAuth states).
  await deps.queue.work<{ accountId?: string; livemode?: boolean }>(
    'purge-account',
    async (job) => {
      const { accountId, livemode } = job.data
      if (accountId && livemode !== undefined) await purgeAccountData(deps, { accountId, livemode })
      else {
        await purgeDueAccounts(deps)
        await sweepExpiredOAuthStates(deps)
      }
    }
  )
  await deps.queue.schedule('purge-account', '17 * * * *')
  // Retention outcomes: stamp the 30/60/90-day milestones reached since yesterday.
  await deps.queue.work('action-outcomes', async () => {
    await recordDueOutcomes(deps)
  })
  await deps.queue.schedule('action-outcomes', '41 3 * * *')
  await deps.queue.work<{ deliveryId: string }>('outbound-delivery', (job) =>
    deliverOutbound(deps, job.data.deliveryId)
  )
  // Relative-date segments drift with time: recompute them all every 15 minutes, or one scope.
  await deps.queue.work<{ accountId?: string; livemode?: boolean }>('segment-refresh', (job) => {
    const { accountId, livemode } = job.data
    return accountId && livemode !== undefined
      ? recomputeAllSegments(deps, { accountId, livemode }).then(() => {})
      : recomputeActiveAccounts(deps)
  })
  await deps.queue.schedule('segment-refresh', '*/15 * * * *')
  // After an import or reconciliation wrote many customers without the per-event hook: recompute
  // every customer's traits, memberships and stage, then note which run that covered.
  await deps.queue.work<{ accountId: string; livemode: boolean; runId: string }>(
    'traits-rebuild',
    async (job) => {
      const { accountId, livemode, runId } = job.data
      await rebuildAccountTraits(deps, { accountId, livemode })
      await deps.db
        .insert(syncCursors)
        .values({ accountId, livemode, name: 'traits_rebuilt_for_run', value: runId })
        .onConflictDoUpdate({
          target: [syncCursors.accountId, syncCursors.livemode, syncCursors.name],
          set: { value: runId, updatedAt: deps.now() },
        })
    }
  )

  // Sync: a job plans a run; the sync task loops (sync/backfill-runner) do the pages.
  const sync = { ...deps, limiter: createRateLimiter(deps, deps.config.sync.rateLimits) }
  await deps.queue.work<{
    kind: 'initial-import'
    accountId: string
    livemode: boolean
    choice?: ImportChoice
    latestImportId?: string | null
  }>('sync-task', async (job) => {
    const { accountId, livemode, choice, latestImportId } = job.data
    const result = await startImport(
      sync,
      { accountId, livemode },
      choice ?? 'existing',
      latestImportId === undefined ? undefined : { latestImportId }
    )
    if (result.started) wakeSyncRunners()
  })
  // A job names a run (POST /api/v1/sync/reconcile), an account, or none: the nightly sweep.
  await deps.queue.work<{ runId?: string; accountId?: string; livemode?: boolean }>(
    'reconcile',
    async (job) => {
      const { runId, accountId, livemode } = job.data
      if (runId) await runReconcile(sync, runId)
      else if (accountId && livemode !== undefined) {
        const run = await requestReconcile(deps, { accountId, livemode })
        if (run.started && run.runId) await runReconcile(sync, run.runId)
      } else {
        for (const id of await requestReconcileAll(deps))
          await deps.queue.send('reconcile', { runId: id })
        return
      }
      wakeSyncRunners()
    }
  )
  await deps.queue.schedule('reconcile', deps.config.sync.reconcileCron)
}
