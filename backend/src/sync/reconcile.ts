// Reconciliation (nightly, and on demand): nothing may drift.
//
// 1. Catch up through the Events API from the last event seen (5 minutes of overlap; events are
//    stored with storeEvent, source `events_api`, deduplicated by id, so the event drainer applies
//    what the webhooks missed, deletes included).
// 2. List what was created since then and compare it with what we hold, object for object.
//    Beyond the Events API's 30 days (or without a complete import) this is a full re-list.
// 3. Objects we hold that the listing did not show are checked one by one: gone at Stripe (a
//    delete we missed) → tombstone; still there → written again.
// The run's summary says what was missed and fixed, per object type.
import type { Scope } from '../kernel/scope'
import { and, eq, getTableName, sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import { accounts, syncCursors, syncRuns } from '../db/schema'
import { errorMessage } from '../log'
import { storeEvents } from './event-store'
import {
  accountCreated,
  activeRun,
  advanceEventsCursor,
  bump,
  insertTasks,
  listingTasks,
  lockAccountSync,
  mergeStats,
  parseCursor,
  parseJson,
  relaxCommit,
  sameJson,
  stripeClient,
  finishRunIfComplete,
  TaskLost,
  type NewTask,
  type SyncDeps,
  type TaskContext,
  type TaskStats,
} from './backfill'
import { retrieveEndpoint } from './list-objects'
import type { RateLimiter } from './rate-limiter'
import { callStripe, isMissing } from './stripe-call'
import { objectSpecs, syncedObjectTypes, type StripeObject } from './stripe-objects'
import { upsertObjects } from './upsert-objects'

const DAY = 86_400
/** Stripe keeps events this long. */
const EVENTS_RETENTION = 30 * DAY
const OVERLAP = 300
const VERIFY_BATCH = 50

export type ReconcileMode = 'events' | 'full'

/** Creates a pending reconciliation run (or returns the run already going). */
export async function requestReconcile(
  deps: SyncDeps,
  scope: Scope
): Promise<{ runId: string | null; started: boolean; state: string }> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db
    await lockAccountSync(tx, scope)
    const [account] = await tx
      .select({ status: accounts.status })
      .from(accounts)
      .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
    if (!account || account.status !== 'active') {
      return { runId: null, started: false, state: 'not_connected' }
    }
    const active = await activeRun(tx, scope)
    if (active) return { runId: active.id, started: false, state: active.state }
    const [run] = await tx
      .insert(syncRuns)
      .values({ ...scope, kind: 'reconcile', state: 'pending' })
      .returning({ id: syncRuns.id })
    return { runId: run!.id, started: true, state: 'pending' }
  })
}

/**
 * Runs the first part of a pending reconciliation (events, then planning the listing); the sync
 * workers do the rest. Safe to call again for the same run.
 */
export async function runReconcile(
  deps: SyncDeps & { limiter: RateLimiter },
  runId: string
): Promise<void> {
  const [run] = await deps.db.select().from(syncRuns).where(eq(syncRuns.id, runId))
  if (!run || run.kind !== 'reconcile' || run.state !== 'pending') return
  const scope = { accountId: run.accountId, livemode: run.livemode }
  const now = Math.floor(deps.now().getTime() / 1000)
  try {
    await deps.db
      .update(syncRuns)
      .set({ startedAt: run.startedAt ?? deps.now() })
      .where(eq(syncRuns.id, runId))
    const [cursorRow] = await deps.db
      .select()
      .from(syncCursors)
      .where(
        and(
          eq(syncCursors.accountId, scope.accountId),
          eq(syncCursors.livemode, scope.livemode),
          eq(syncCursors.name, 'events')
        )
      )
    const cursor = parseCursor(cursorRow?.value)
    const lastImport = rowsOf<{ state: string; choice: string | null }>(
      await deps.db.execute(sql`
        select state, summary->>'choice' as choice from sync_runs
        where account_id = ${scope.accountId} and livemode = ${scope.livemode} and kind = 'backfill'
          and state in ('done', 'failed')
        order by created_at desc limit 1`)
    )[0]
    const oldest = now - EVENTS_RETENTION + 3600
    const complete = lastImport?.state === 'done'
    const mode: ReconcileMode = cursor && cursor.created >= oldest && complete ? 'events' : 'full'
    const since = Math.max(cursor ? cursor.created - OVERLAP : oldest, oldest)
    const events = await catchUpEvents(deps, scope, since)

    // What was created since the last check (or everything), compared with what we hold.
    const windowStart = mode === 'events' ? since - 3600 : null
    let hint: number | null = null
    if (mode === 'full') hint = await accountCreated(deps, scope)
    const tasks: NewTask[] = [
      ...listingTasks(hint, windowStart),
      ...syncedObjectTypes.map((type) => ({
        objectType: `verify:${type}`,
        windowStart,
        // Objects created after the listing started need not be on its pages.
        windowEnd: now,
      })),
    ]
    await deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db
      const [current] = await tx
        .select({ state: syncRuns.state })
        .from(syncRuns)
        .where(eq(syncRuns.id, runId))
        .for('update')
      if (current?.state !== 'pending') return
      await insertTasks(tx, scope, runId, tasks)
      await advanceEventsCursor(tx, scope, Math.max(events.newest ?? 0, now - 60))
      await tx
        .update(syncRuns)
        .set({
          state: 'running',
          summary: { mode, since, windowStart, events },
        })
        .where(eq(syncRuns.id, runId))
    })
    deps.log.info('reconciliation planned', {
      runId,
      accountId: scope.accountId,
      mode,
      eventsListed: events.listed,
      eventsMissed: events.missed,
    })
  } catch (err) {
    const reason = errorMessage(err)
    deps.log.warn('reconciliation failed', { runId, accountId: scope.accountId, error: reason })
    await deps.db
      .update(syncRuns)
      .set({ state: 'failed', error: reason, finishedAt: deps.now() })
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.state, 'pending')))
  }
}

export type EventsCatchUp = {
  since: number
  listed: number
  /** Events we had not received by webhook. */
  missed: number
  missedByType: Record<string, number>
  newest: number | null
}

/** Lists the account's events since `since` (newest first) and stores the ones we lack. */
export async function catchUpEvents(
  deps: SyncDeps & { limiter: RateLimiter },
  scope: Scope,
  since: number
): Promise<EventsCatchUp> {
  const stripe = await stripeClient(deps, scope)
  const out: EventsCatchUp = { since, listed: 0, missed: 0, missedByType: {}, newest: null }
  let after: string | undefined
  for (;;) {
    const page = await callStripe(
      { limiter: deps.limiter, scope, priority: () => 1e9 },
      'GET /v1/events',
      () =>
        stripe.events.list({
          limit: 100,
          created: { gte: since },
          ...(after ? { starting_after: after } : {}),
        })
    )
    const events = page.data.filter((e) => e.livemode === scope.livemode)
    out.listed += events.length
    for (const e of events) out.newest = Math.max(out.newest ?? 0, e.created)
    const stored = await storeEvents(
      deps.db,
      events.map((e) => ({
        id: e.id,
        accountId: scope.accountId,
        livemode: e.livemode,
        type: e.type,
        created: e.created,
        apiVersion: e.api_version ?? null,
        payload: e as unknown as Record<string, unknown>,
        source: 'events_api',
      }))
    )
    for (const e of events) {
      if (!stored.has(e.id)) continue
      out.missed++
      out.missedByType[e.type] = (out.missedByType[e.type] ?? 0) + 1
    }
    if (!page.has_more || page.data.length === 0) return out
    after = page.data[page.data.length - 1]!.id
  }
}

/** The nightly sweep: a reconciliation for every active installation. */
export async function requestReconcileAll(deps: SyncDeps): Promise<string[]> {
  const active = await deps.db
    .select({ accountId: accounts.accountId, livemode: accounts.livemode })
    .from(accounts)
    .where(eq(accounts.status, 'active'))
  const runs: string[] = []
  for (const scope of active) {
    const { runId, started } = await requestReconcile(deps, scope)
    if (runId && started) runs.push(runId)
  }
  return runs
}

// ---------------------------------------------------------------------------------------------
// Checking held objects the listing did not show

/** Held rows of a type that this run's listing should have shown but did not. */
function candidatesSql(ctx: TaskContext, type: string, afterId: string | null) {
  const { task } = ctx
  const table = sql.identifier(getTableName(objectSpecs[type]!.table))
  const seen = (t: string, id: ReturnType<typeof sql>) =>
    sql`exists (select 1 from sync_seen s where s.run_id = ${task.runId} and s.object_type = ${t} and s.id = ${id})`
  let scopeSql
  if (type === 'subscription_item') scopeSql = seen('subscription', sql`t.subscription_id`)
  else if (type === 'invoice_payment') scopeSql = seen('invoice', sql`t.invoice_id`)
  else if (type === 'discount')
    scopeSql = sql`((t.subscription_id is not null and ${seen('subscription', sql`t.subscription_id`)})
      or (t.subscription_id is null and t.customer_id is not null and ${seen('customer', sql`t.customer_id`)}))`
  // Payment methods ride inside customers (their default); others came by webhook.
  else if (type === 'payment_method')
    scopeSql = sql`(t.customer_id is not null and ${seen('customer', sql`t.customer_id`)})`
  else
    scopeSql = sql`(t.created is null or (t.created <= ${task.windowEnd ?? task.runStartedAt}
      ${task.windowStart !== null ? sql`and t.created >= ${task.windowStart}` : sql``}))`
  return sql`
    select t.id, t.data, t.last_event_at from ${table} t
    where t.account_id = ${task.accountId} and t.livemode = ${task.livemode}
      and t.deleted_at is null
      and ${scopeSql}
      and not ${seen(type, sql`t.id`)}
      ${afterId ? sql`and t.id > ${afterId}` : sql``}
    order by t.id
    limit ${VERIFY_BATCH}`
}

type Verdict =
  | { id: string; kind: 'gone'; at: number }
  | { id: string; kind: 'present'; at: number; object: StripeObject; changed: boolean }
  | { id: string; kind: 'kept' }

/** Checks each held object the listing did not show: tombstone it, or write Stripe's copy. */
export async function runVerifyTask(ctx: TaskContext): Promise<void> {
  const { task, deps } = ctx
  const type = task.objectType.slice('verify:'.length)
  const spec = objectSpecs[type]
  if (!spec) throw new Error(`unknown object type ${type}`)
  const scope = { accountId: task.accountId, livemode: task.livemode }
  const table = sql.identifier(getTableName(spec.table))
  for (;;) {
    const rows = rowsOf<Record<string, unknown>>(
      await deps.db.execute(candidatesSql(ctx, type, task.cursor))
    )
    const verdicts: Verdict[] = []
    for (let i = 0; i < rows.length; i += 8) {
      const batch = rows.slice(i, i + 8)
      verdicts.push(
        ...(await Promise.all(
          batch.map(async (r): Promise<Verdict> => {
            const id = String(r.id)
            if (!spec.retrieve) {
              // Discounts cannot be fetched by id: not on its listed parent means removed, unless
              // a webhook wrote it after the listing began.
              const held = r.last_event_at === null ? null : Number(r.last_event_at)
              return held !== null && held >= task.runStartedAt
                ? { id, kind: 'kept' }
                : { id, kind: 'gone', at: task.runStartedAt }
            }
            const at = ctx.nowSeconds()
            try {
              const object = await ctx.fetch(
                retrieveEndpoint[type] ?? `GET /v1/${type}s/:id`,
                (s) => spec.retrieve!(s, id)
              )
              if (object.deleted === true) return { id, kind: 'gone', at }
              return {
                id,
                kind: 'present',
                at,
                object,
                changed: !sameJson(parseJson(r.data), object),
              }
            } catch (err) {
              if (isMissing(err)) return { id, kind: 'gone', at }
              throw err
            }
          })
        ))
      )
    }
    const done = rows.length < VERIFY_BATCH
    const last = rows.at(-1)
    const pending = ctx.pending
    ctx.pending = {}
    const finished = await deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db
      await relaxCommit(tx)
      const row = rowsOf<Record<string, unknown>>(
        await tx.execute(
          sql`select state, locked_by, stats from sync_tasks where id = ${task.id} for update`
        )
      )[0]
      if (!row || row.state !== 'running' || row.locked_by !== ctx.workerId) throw new TaskLost()
      const stats: TaskStats = {}
      for (const v of verdicts) {
        if (v.kind === 'gone') {
          const hit = rowsOf(
            await tx.execute(sql`
              update ${table} set deleted_at = now(), last_event_at = ${v.at}, synced_at = now()
              where account_id = ${scope.accountId} and livemode = ${scope.livemode} and id = ${v.id}
                and deleted_at is null and (last_event_at is null or last_event_at < ${v.at})
              returning id`)
          )
          if (hit.length > 0) bump(stats, 'deleted', type)
        } else if (v.kind === 'present') {
          const written = await upsertObjects(tx, scope, type, [v.object], {
            at: v.at,
            eventId: null,
          })
          if (written.has(v.id) && v.changed) bump(stats, 'updated', type)
        }
      }
      const merged = mergeStats(mergeStats(parseJson<TaskStats>(row.stats) ?? {}, stats), pending)
      await tx.execute(sql`
        update sync_tasks set
          cursor = ${last ? String(last.id) : task.cursor},
          fetched = fetched + ${rows.length},
          pages = pages + 1, attempts = 0, error = null,
          stats = ${JSON.stringify(merged)}::jsonb, updated_at = now(),
          ${
            done
              ? sql`state = 'done', finished_at = now(), locked_by = null, locked_until = null`
              : sql`locked_until = now() + make_interval(secs => ${deps.config.sync.leaseSeconds})`
          }
        where id = ${task.id}`)
      if (last) task.cursor = String(last.id)
      task.pages += 1
      task.stats = merged
      await ctx.hooks?.beforeCommit?.({ task, page: task.pages })
      return done ? finishRunIfComplete(tx, task.runId) : null
    })
    if (finished) ctx.onRunFinished(task.runId, finished)
    ctx.hooks?.afterCommit?.({ task, page: task.pages, objects: rows.length })
    if (done) return
  }
}
