// Sync for the caller's installation: health, the import (with the merchant's choice), an
// on-demand reconciliation, and one run in detail. Everything is scoped to the verified caller;
// another account's (or mode's) run answers 404.
import { Hono } from 'hono'
import { SyncImportRequest, type SyncStarted } from '@holdfast/shared/api/sync'
import { activeInstallation, connectedInstallation } from '../../accounts/installation'
import { AppError } from '../../errors'
import { startImport } from '../../sync/backfill'
import { wakeSyncRunners } from '../../sync/backfill-runner'
import { buildSyncHealth } from '../../sync/health'
import { createRateLimiter, type RateLimiter } from '../../sync/rate-limiter'
import { requestReconcile } from '../../sync/reconcile'
import { readSyncRunDetail } from '../../sync/run-detail'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { jsonBody } from '../json-body'

export function syncRoutes(deps: AppDeps) {
  // Buckets live in the database: this limiter shares them with every worker.
  let limiter: RateLimiter | undefined
  const limiterOf = () => (limiter ??= createRateLimiter(deps, deps.config.sync.rateLimits))

  return new Hono<AppEnv>()
    .get('/sync', async (c) => {
      const caller = c.get('caller')
      await connectedInstallation(deps, caller)
      return c.json(await buildSyncHealth(deps, caller, caller.mode))
    })
    .post('/sync/import', async (c) => {
      const caller = c.get('caller')
      const { choice } = SyncImportRequest.parse(await jsonBody(c))
      await activeInstallation(deps, caller)
      const result = await startImport({ ...deps, limiter: limiterOf() }, caller, choice)
      if (result.started) wakeSyncRunners()
      return c.json(started(result), 202)
    })
    .post('/sync/reconcile', async (c) => {
      const caller = c.get('caller')
      await activeInstallation(deps, caller)
      const result = await requestReconcile(deps, caller)
      if (result.started && result.runId) {
        await deps.queue.send('reconcile', {
          runId: result.runId,
          accountId: caller.accountId,
          livemode: caller.livemode,
        })
      }
      return c.json(started(result), 202)
    })
    .get('/sync/runs/:runId', async (c) => {
      const caller = c.get('caller')
      await connectedInstallation(deps, caller)
      const runId = c.req.param('runId')
      const detail = await readSyncRunDetail(deps, caller, runId)
      if (!detail) throw new AppError('not_found', `No sync run ${runId} for this account.`)
      return c.json(detail)
    })
}

function started(result: { runId: string | null; started: boolean; state: string }): SyncStarted {
  return {
    runId: result.runId,
    started: result.started,
    state: result.state as SyncStarted['state'],
  }
}
