// Sync for the caller's installation: health, the import (with the merchant's choice), an
// on-demand reconciliation, and one run in detail. Everything is scoped to the verified caller;
// another account's (or mode's) run answers 404.
import { and, asc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { SyncImportRequest, type SyncRunDetail, type SyncStarted } from '@holdfast/shared/api/sync'
import { accounts, syncRuns, syncTasks } from '../../db/schema'
import { AppError } from '../../errors'
import { startImport } from '../../sync/backfill'
import { wakeSyncRunners } from '../../sync/backfill-runner'
import { buildSyncHealth } from '../../sync/health'
import { createRateLimiter, type RateLimiter } from '../../sync/rate-limiter'
import { requestReconcile } from '../../sync/reconcile'
import type { AppDeps, Caller } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { jsonBody } from '../json-body'

export function syncRoutes(deps: AppDeps) {
  // Buckets live in the database: this limiter shares them with every worker.
  let limiter: RateLimiter | undefined
  const limiterOf = () => (limiter ??= createRateLimiter(deps, deps.config.sync.rateLimits))

  return new Hono<AppEnv>()
    .get('/sync', async (c) => {
      const caller = c.get('caller')
      await connectedAccount(deps, caller)
      return c.json(await buildSyncHealth(deps, caller, caller.mode))
    })
    .post('/sync/import', async (c) => {
      const caller = c.get('caller')
      const { choice } = SyncImportRequest.parse(await jsonBody(c))
      await activeAccount(deps, caller)
      const result = await startImport({ ...deps, limiter: limiterOf() }, caller, choice)
      if (result.started) wakeSyncRunners()
      return c.json(started(result), 202)
    })
    .post('/sync/reconcile', async (c) => {
      const caller = c.get('caller')
      await activeAccount(deps, caller)
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
      await connectedAccount(deps, caller)
      const runId = c.req.param('runId')
      const notFound = new AppError('not_found', `No sync run ${runId} for this account.`)
      if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound
      const [run] = await deps.db
        .select()
        .from(syncRuns)
        .where(
          and(
            eq(syncRuns.id, runId),
            eq(syncRuns.accountId, caller.accountId),
            eq(syncRuns.livemode, caller.livemode)
          )
        )
      if (!run) throw notFound
      const tasks = await deps.db
        .select()
        .from(syncTasks)
        .where(eq(syncTasks.runId, run.id))
        .orderBy(asc(syncTasks.id))
      const detail: SyncRunDetail = {
        id: run.id,
        kind: run.kind as SyncRunDetail['kind'],
        state: run.state as SyncRunDetail['state'],
        summary: run.summary as Record<string, unknown>,
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: run.finishedAt?.toISOString() ?? null,
        error: run.error,
        tasks: tasks.map((t) => ({
          id: t.id,
          objectType: t.objectType,
          windowStart: t.windowStart,
          windowEnd: t.windowEnd,
          state: t.state,
          fetched: t.fetched,
          pages: t.pages,
          attempts: t.attempts,
          error: t.error,
        })),
      }
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

async function connectedAccount(deps: AppDeps, caller: Caller) {
  const [account] = await deps.db
    .select({ status: accounts.status })
    .from(accounts)
    .where(and(eq(accounts.accountId, caller.accountId), eq(accounts.livemode, caller.livemode)))
  if (!account || account.status === 'uninstalled') {
    throw new AppError(
      'not_found',
      `Holdfast is not connected to ${caller.accountId} in ${caller.mode} mode.`
    )
  }
  return account
}

async function activeAccount(deps: AppDeps, caller: Caller) {
  const account = await connectedAccount(deps, caller)
  if (account.status !== 'active') {
    throw new AppError(
      'conflict',
      `Holdfast cannot reach Stripe for ${caller.accountId} (${account.status}); reconnect the app first.`
    )
  }
}
