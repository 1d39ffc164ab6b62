// Sync health for the settings view and operators: per object type its state, what we hold against
// what Stripe showed, progress, failures with their reasons, webhook lag, and what the last
// reconciliation fixed. Never "done" while any type failed.
import type { Scope } from '../kernel/scope'
import { getTableName, sql } from 'drizzle-orm'
import type {
  ReconcileFixed,
  SyncFailure,
  SyncHealth,
  SyncObjectHealth,
  SyncObjectType,
  SyncTypeState,
} from '@holdfast/shared/api/sync'
import { rowsOf, type Db } from '../db/client'
import { estimateByType, num, parseJson, writtenBy, type TaskStats } from './backfill'
import { objectSpecs } from './stripe-objects'

const types: SyncObjectType[] = [
  'product',
  'price',
  'coupon',
  'promotion_code',
  'customer',
  'discount',
  'subscription',
  'subscription_item',
  'invoice',
  'invoice_payment',
  'charge',
  'payment_method',
]

type RunRow = {
  id: string
  kind: string
  state: string
  summary: Record<string, unknown>
  startedAt: Date | null
  finishedAt: Date | null
  error: string | null
}

type TaskRowLite = {
  objectType: string
  state: string
  windowStart: number | null
  windowEnd: number | null
  cursorCreated: number | null
  fetched: number
  pages: number
  attempts: number
  error: string | null
  startedAt: Date | null
  finishedAt: Date | null
  updatedAt: Date | null
  stats: TaskStats
}

export async function buildSyncHealth(
  deps: { db: Db },
  scope: Scope,
  mode: 'test' | 'live'
): Promise<SyncHealth> {
  const db = deps.db
  const latest = async (where: ReturnType<typeof sql>) =>
    rowsOf<Record<string, unknown>>(
      await db.execute(sql`
        select id, kind, state, summary, error,
               extract(epoch from started_at)::float8 as started_at,
               extract(epoch from finished_at)::float8 as finished_at
        from sync_runs
        where account_id = ${scope.accountId} and livemode = ${scope.livemode} and ${where}
        order by created_at desc limit 1`)
    ).map(toRun)[0]
  const importRun = await latest(sql`kind = 'backfill'`)
  const reconcileRun = await latest(sql`kind = 'reconcile'`)
  const listing = await latest(sql`state = 'done' and (
      (kind = 'backfill' and coalesce(summary->>'choice', 'existing') = 'existing')
      or (kind = 'reconcile' and summary->>'mode' = 'full'))`)

  const importTasks = importRun ? await tasksOf(db, importRun.id) : []
  const reconcileTasks = reconcileRun ? await tasksOf(db, reconcileRun.id) : []
  const held = await heldCounts(db, scope)
  const estimates = estimateByType(importTasks)
  const choice = importRun?.summary.choice === 'changes_only' ? 'changes_only' : 'existing'
  const reconcileAfterImport =
    reconcileRun &&
    (!importRun?.startedAt ||
      (reconcileRun.startedAt !== null && reconcileRun.startedAt >= importRun.startedAt))

  const objects: SyncObjectHealth[] = types.map((type) => {
    const mine = importTasks.filter((t) => writtenBy(t.objectType).includes(type))
    const failures: SyncFailure[] = [
      ...mine.filter((t) => t.error).map((t) => failureOf(t, 'import')),
      ...(reconcileAfterImport
        ? reconcileTasks
            .filter((t) => t.error && writtenBy(t.objectType).includes(type))
            .map((t) => failureOf(t, 'reconcile'))
        : []),
    ]
    let state: SyncTypeState
    if (!importRun) state = 'not_started'
    else if (choice === 'changes_only') state = 'skipped'
    else if (importRun.state === 'canceled' && mine.some((t) => t.state === 'canceled'))
      state = 'canceled'
    else if (mine.some((t) => t.state === 'failed')) state = 'failed'
    else if (mine.length > 0 && mine.every((t) => t.state === 'done')) state = 'done'
    else if (mine.some((t) => t.state === 'running' || t.pages > 0 || t.state === 'done'))
      state = 'running'
    else state = mine.length > 0 ? 'pending' : 'not_started'
    if (failures.some((f) => f.during === 'reconcile' && !f.retrying)) state = 'failed'

    const listed = mine.reduce((n, t) => n + (t.stats.seen?.[type] ?? 0), 0)
    let progress: number | null = null
    if (state === 'done') progress = 100
    else if (state === 'running' || state === 'pending') {
      const parents = [...new Set(mine.map((t) => t.objectType))]
      let fetched = 0
      let remaining: number | null = 0
      for (const p of parents) {
        const e = estimates.get(p)
        if (!e) continue
        fetched += e.fetched
        remaining = remaining === null || e.remaining === null ? null : remaining + e.remaining
      }
      if (remaining !== null && fetched + remaining > 0) {
        progress = Math.min(99, Math.floor((100 * fetched) / (fetched + remaining)))
      } else if (remaining !== null) progress = 0
    }
    const seenAtListing = (
      listing?.summary.types as Record<string, { seen?: number }> | undefined
    )?.[type]
    const started = mine.map((t) => t.startedAt).filter((d): d is Date => d !== null)
    const finished = mine.map((t) => t.finishedAt).filter((d): d is Date => d !== null)
    return {
      type,
      state,
      held: held.get(type) ?? 0,
      atStripe: listing ? (seenAtListing?.seen ?? 0) : null,
      listed,
      progress,
      startedAt: started.length ? iso(new Date(Math.min(...started.map(Number)))) : null,
      finishedAt:
        state === 'done' && finished.length
          ? iso(new Date(Math.max(...finished.map(Number))))
          : null,
      failures,
    }
  })

  let state: SyncHealth['state']
  if (!importRun) state = 'not_started'
  else if (choice === 'changes_only') state = 'changes_only'
  else if (importRun.state === 'canceled') state = 'canceled'
  else if (importRun.state === 'pending' || importRun.state === 'running')
    state = objects.some((o) => o.state === 'failed') ? 'failed' : 'importing'
  else if (importRun.state === 'failed') state = 'failed'
  else state = 'done'
  if (state === 'done' && objects.some((o) => o.state === 'failed')) state = 'failed'
  const anyFailed = objects.some((o) => o.state === 'failed')

  let importProgress: number | null = null
  if (importRun && choice === 'existing') {
    if (importRun.state === 'done') importProgress = 100
    else {
      // Types not estimated yet (nothing listed) are left out until they are.
      let fetched = 0
      let remaining: number | null = null
      for (const e of estimates.values()) {
        if (e.remaining === null) continue
        fetched += e.fetched
        remaining = (remaining ?? 0) + e.remaining
      }
      if (remaining !== null)
        importProgress =
          fetched + remaining > 0
            ? Math.min(99, Math.floor((100 * fetched) / (fetched + remaining)))
            : 0
    }
  }

  return {
    accountId: scope.accountId,
    mode,
    state,
    done: (state === 'done' || state === 'changes_only') && !anyFailed,
    import: importRun
      ? {
          runId: importRun.id,
          state: importRun.state as NonNullable<SyncHealth['import']>['state'],
          choice,
          startedAt: iso(importRun.startedAt),
          finishedAt: iso(importRun.finishedAt),
          progress: importProgress,
          rateLimited: importTasks.reduce((n, t) => n + (t.stats.rateLimited ?? 0), 0),
        }
      : null,
    objects,
    webhooks: await webhookHealth(db, scope),
    reconciliation: reconcileRun
      ? {
          runId: reconcileRun.id,
          state: reconcileRun.state as NonNullable<SyncHealth['reconciliation']>['state'],
          mode: (reconcileRun.summary.mode as 'events' | 'full' | undefined) ?? null,
          startedAt: iso(reconcileRun.startedAt),
          finishedAt: iso(reconcileRun.finishedAt),
          fixed: fixedOf(reconcileRun.summary),
          error: reconcileRun.error,
        }
      : null,
  }
}

export function fixedOf(summary: Record<string, unknown>): ReconcileFixed {
  const events = (summary.events ?? {}) as {
    missed?: number
    missedByType?: Record<string, number>
  }
  const fixed = (summary.fixed ?? {}) as Partial<
    Record<'added' | 'updated' | 'deleted', Record<string, number>>
  > & {
    total?: number
  }
  return {
    missedEvents: events.missedByType ?? {},
    added: fixed.added ?? {},
    updated: fixed.updated ?? {},
    deleted: fixed.deleted ?? {},
    total: (fixed.total ?? 0) + (events.missed ?? 0),
  }
}

function failureOf(t: TaskRowLite, during: 'import' | 'reconcile'): SyncFailure {
  return {
    reason: t.error ?? 'failed',
    at: iso(t.updatedAt),
    attempts: t.attempts,
    retrying: t.state !== 'failed',
    during,
  }
}

async function tasksOf(db: Db, runId: string): Promise<TaskRowLite[]> {
  return rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select object_type, state, window_start, window_end, cursor_created, fetched, pages, attempts,
             error, stats,
             extract(epoch from started_at)::float8 as started_at,
             extract(epoch from finished_at)::float8 as finished_at,
             extract(epoch from updated_at)::float8 as updated_at
      from sync_tasks where run_id = ${runId}`)
  ).map((r) => ({
    objectType: String(r.object_type),
    state: String(r.state),
    windowStart: num(r.window_start),
    windowEnd: num(r.window_end),
    cursorCreated: num(r.cursor_created),
    fetched: Number(r.fetched ?? 0),
    pages: Number(r.pages ?? 0),
    attempts: Number(r.attempts ?? 0),
    error: (r.error as string | null) ?? null,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    updatedAt: date(r.updated_at),
    stats: parseJson<TaskStats>(r.stats) ?? {},
  }))
}

async function heldCounts(db: Db, scope: Scope): Promise<Map<string, number>> {
  const parts = types.map(
    (type) =>
      sql`select ${type}::text as type, count(*)::int as n from ${sql.identifier(
        getTableName(objectSpecs[type]!.table)
      )} where account_id = ${scope.accountId} and livemode = ${scope.livemode} and deleted_at is null`
  )
  const rows = rowsOf<{ type: string; n: unknown }>(
    await db.execute(sql.join(parts, sql` union all `))
  )
  return new Map(rows.map((r) => [r.type, Number(r.n)]))
}

async function webhookHealth(db: Db, scope: Scope): Promise<SyncHealth['webhooks']> {
  const last = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select created, extract(epoch from received_at)::float8 as received_at from stripe_events
      where account_id = ${scope.accountId} and livemode = ${scope.livemode} and source = 'webhook'
      order by created desc limit 1`)
  )[0]
  const counts = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select
        (select count(*)::int from stripe_events
          where processed_at is null and account_id = ${scope.accountId} and livemode = ${scope.livemode}) as pending,
        (select count(*)::int from stripe_events
          where account_id = ${scope.accountId} and livemode = ${scope.livemode} and outcome = 'failed') as failed,
        (select count(*)::int from customer_refresh_queue
          where account_id = ${scope.accountId} and livemode = ${scope.livemode}) as traits_pending`)
  )[0]
  const received = date(last?.received_at)
  return {
    lastReceivedAt: iso(received),
    lagSeconds:
      received && last
        ? Math.max(0, Math.round(received.getTime() / 1000 - Number(last.created)))
        : null,
    pending: Number(counts?.pending ?? 0),
    failed: Number(counts?.failed ?? 0),
    traitsPending: Number(counts?.traits_pending ?? 0),
  }
}

function toRun(r: Record<string, unknown>): RunRow {
  return {
    id: String(r.id),
    kind: String(r.kind),
    state: String(r.state),
    summary: parseJson<Record<string, unknown>>(r.summary) ?? {},
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    error: (r.error as string | null) ?? null,
  }
}

/** Timestamps are selected as epoch seconds (both drivers agree on numbers). */
function date(v: unknown): Date | null {
  if (v === null || v === undefined) return null
  const d = v instanceof Date ? v : new Date(Number(v) * 1000)
  return Number.isNaN(d.getTime()) ? null : d
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export type TypeProgress = {
  type: string
  state: SyncTypeState
  listed: number
  progress: number | null
  fixed: number
}

/** Per object type progress of one run (the CLI's bars). */
export async function runProgress(db: Db, runId: string): Promise<TypeProgress[]> {
  const tasks = await tasksOf(db, runId)
  const listTasks = tasks.filter((t) => !t.objectType.startsWith('verify:'))
  const estimates = estimateByType(listTasks)
  return types.map((type) => {
    const mine = tasks.filter((t) => writtenBy(t.objectType).includes(type))
    const listing = mine.filter((t) => !t.objectType.startsWith('verify:'))
    let state: SyncTypeState
    if (mine.length === 0) state = 'not_started'
    else if (mine.some((t) => t.state === 'failed')) state = 'failed'
    else if (mine.every((t) => t.state === 'done')) state = 'done'
    else if (mine.every((t) => t.state === 'canceled' || t.state === 'done')) state = 'canceled'
    else if (mine.some((t) => t.state === 'running' || t.pages > 0 || t.state === 'done'))
      state = 'running'
    else state = 'pending'
    let progress: number | null = state === 'done' ? 100 : null
    if (state === 'running' || state === 'pending') {
      let fetched = 0
      let remaining: number | null = 0
      for (const parent of new Set(listing.map((t) => t.objectType))) {
        const e = estimates.get(parent)
        if (!e) continue
        fetched += e.fetched
        remaining = remaining === null || e.remaining === null ? null : remaining + e.remaining
      }
      if (remaining !== null)
        progress =
          fetched + remaining > 0
            ? Math.min(99, Math.floor((100 * fetched) / (fetched + remaining)))
            : 0
    }
    const stat = (kind: 'added' | 'updated' | 'deleted') =>
      mine.reduce((n, t) => n + (t.stats[kind]?.[type] ?? 0), 0)
    return {
      type,
      state,
      listed: listing.reduce((n, t) => n + (t.stats.seen?.[type] ?? 0), 0),
      progress,
      fixed: stat('added') + stat('updated') + stat('deleted'),
    }
  })
}
