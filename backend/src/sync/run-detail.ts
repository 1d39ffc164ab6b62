// One sync run of the caller's account with its tasks, as GET /api/v1/sync/runs/:runId shows it.
// Another account's (or mode's) run is not found.
import { and, asc, eq } from 'drizzle-orm'
import type { SyncRunDetail } from '@holdfast/shared/api/sync'
import type { Db } from '../db/client'
import { syncRuns, syncTasks } from '../db/schema'
import type { Caller } from '../kernel/deps'

export async function readSyncRunDetail(
  deps: { db: Db },
  caller: Caller,
  runId: string
): Promise<SyncRunDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) return null
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
  if (!run) return null
  const tasks = await deps.db
    .select()
    .from(syncTasks)
    .where(eq(syncTasks.runId, run.id))
    .orderBy(asc(syncTasks.id))
  return {
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
}
