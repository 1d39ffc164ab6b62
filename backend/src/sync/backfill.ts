// The import (and a reconciliation's re-list): one run, split into tasks of one object type over
// one `created` window each. A task pages newest first; each page and the task's cursor commit in
// one transaction, so after a crash the task continues from its last committed page and nothing is
// written twice or skipped. Idle workers split the biggest running task's remaining window in two
// (work stealing), so a type is listed by several workers at once without knowing its size first.
//
// Every object is written through upsertObjects with version `at` = when its list request started:
// a webhook applied meanwhile with a newer event time is never overwritten by an older page.
import type { Scope } from '../kernel/scope'
import { and, desc, eq, getTableName, inArray, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { currentApiKey, type CredentialDeps } from '../accounts/credentials'
import type { Config } from '../config'
import { rowsOf, type Db } from '../db/client'
import { accounts, syncCursors, syncRuns, syncTasks } from '../db/schema'
import { errorMessage, type Logger } from '../log'
import type { Queue } from '../queue/queue'
import { listSpecs, listTypes, type Fetch, type ListType } from './list-objects'
import type { RateLimiter } from './rate-limiter'
import { callStripe } from './stripe-call'
import { objectSpecs, type StripeObject } from './stripe-objects'
import { upsertObjects } from './upsert-objects'

export type SyncDeps = CredentialDeps & {
  config: Pick<Config, 'sync'>
  log: Logger
}

export type ImportChoice = 'existing' | 'changes_only'
export type RunKind = 'backfill' | 'reconcile'

export type TaskRow = {
  id: number
  runId: string
  runKind: RunKind
  /** Unix seconds the run started: the reconciliation's "listed before" mark. */
  runStartedAt: number
  accountId: string
  livemode: boolean
  objectType: string
  windowStart: number | null
  windowEnd: number | null
  cursor: string | null
  cursorCreated: number | null
  state: string
  fetched: number
  pages: number
  attempts: number
  stats: TaskStats
}

export type TaskStats = {
  /** Objects seen at Stripe per type (the listed type and what rode inside it). */
  seen?: Record<string, number>
  added?: Record<string, number>
  updated?: Record<string, number>
  deleted?: Record<string, number>
  /** Held as deleted (tombstone) but listed at Stripe. */
  tombstonedButListed?: Record<string, number>
  rateLimited?: number
  retried?: number
}

/** Everything a task needs while it runs. */
export type TaskContext = {
  deps: SyncDeps
  workerId: string
  limiter: RateLimiter
  task: TaskRow
  signal: AbortSignal
  /** One Stripe request through the limiter, with retries. */
  fetch: Fetch
  nowSeconds(): number
  hooks?: SyncHooks
  /** Waits for one of the process's page slots; call the result to give it back. */
  pageSlot(): Promise<() => void>
  /** 429s and retries since the last commit; merged into the task's stats there. */
  pending: TaskStats
  onRunFinished(runId: string, state: string): void
}

export type SyncHooks = {
  /** A page was listed and is about to be written (tests change Stripe here). */
  pageFetched?(info: { task: TaskRow; ids: string[] }): void | Promise<void>
  /** Inside the page transaction, before it commits (tests crash here). */
  beforeCommit?(info: { task: TaskRow; page: number }): void | Promise<void>
  /** After a page committed. */
  afterCommit?(info: { task: TaskRow; page: number; objects: number }): void
  /** After a run finished (done or failed). */
  onRunFinished?(run: { id: string; kind: string; state: string; scope: Scope }): void
}

export class TaskLost extends Error {
  constructor() {
    super('task taken over by another worker or canceled')
  }
}

const DAY = 86_400

export const openStates = ['pending', 'running'] as const

// ---------------------------------------------------------------------------------------------
// Planning

/** Serialises planning per account (two installs, a click and a job) in one transaction. */
export async function lockAccountSync(tx: Db, scope: Scope) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`sync:${scope.accountId}:${scope.livemode}`}, 0))`
  )
}

/**
 * Queues the import that follows an install. The job carries the newest import run as of now, so
 * a choice the merchant makes before the job runs ("only changes from now on") is not overridden.
 */
export async function queueImportAfterInstall(
  deps: { db: Db; queue: Pick<Queue, 'send'> },
  scope: Scope
) {
  const latest = await latestImportRun(deps.db, scope)
  await deps.queue.send('sync-task', {
    kind: 'initial-import',
    accountId: scope.accountId,
    livemode: scope.livemode,
    latestImportId: latest?.id ?? null,
  })
}

/** The newest import run of an account, whatever its state. */
export async function latestImportRun(db: Db, scope: Scope) {
  const [run] = await db
    .select({ id: syncRuns.id, state: syncRuns.state })
    .from(syncRuns)
    .where(
      and(
        eq(syncRuns.accountId, scope.accountId),
        eq(syncRuns.livemode, scope.livemode),
        eq(syncRuns.kind, 'backfill')
      )
    )
    .orderBy(desc(syncRuns.createdAt))
    .limit(1)
  return run
}

export async function activeRun(db: Db, scope: Scope) {
  const [run] = await db
    .select()
    .from(syncRuns)
    .where(
      and(
        eq(syncRuns.accountId, scope.accountId),
        eq(syncRuns.livemode, scope.livemode),
        inArray(syncRuns.state, ['pending', 'running'])
      )
    )
    .orderBy(desc(syncRuns.createdAt))
    .limit(1)
  return run
}

export type NewTask = {
  objectType: string
  windowStart: number | null
  windowEnd: number | null
}

/**
 * The list tasks of a full listing: per type one task from a day before the account existed, and
 * one for anything older (normally empty: one request). Small catalogue types get one task.
 */
export function listingTasks(hint: number | null, windowStart: number | null = null): NewTask[] {
  const tasks: NewTask[] = []
  for (const objectType of listTypes) {
    const small = listSpecs[objectType].weight < 0.1
    if (windowStart !== null || small || hint === null) {
      tasks.push({ objectType, windowStart, windowEnd: null })
    } else {
      const edge = hint - DAY
      tasks.push({ objectType, windowStart: edge, windowEnd: null })
      tasks.push({ objectType, windowStart: null, windowEnd: edge })
    }
  }
  return tasks
}

export async function insertTasks(
  tx: Db,
  scope: Scope,
  runId: string,
  tasks: NewTask[]
): Promise<void> {
  if (tasks.length === 0) return
  await tx.insert(syncTasks).values(
    tasks.map((t) => ({
      runId,
      accountId: scope.accountId,
      livemode: scope.livemode,
      objectType: t.objectType,
      windowStart: t.windowStart,
      windowEnd: t.windowEnd,
      state: 'pending',
    }))
  )
}

/** Moves the events cursor forward to `created` (never back). */
export async function advanceEventsCursor(
  tx: Db,
  scope: Scope,
  created: number,
  extra: Record<string, unknown> = {}
) {
  const [row] = await tx
    .select()
    .from(syncCursors)
    .where(
      and(
        eq(syncCursors.accountId, scope.accountId),
        eq(syncCursors.livemode, scope.livemode),
        eq(syncCursors.name, 'events')
      )
    )
  const current = parseCursor(row?.value)
  if (current && current.created >= created) return
  const value = JSON.stringify({ ...extra, created })
  await tx
    .insert(syncCursors)
    .values({ ...scope, name: 'events', value })
    .onConflictDoUpdate({
      target: [syncCursors.accountId, syncCursors.livemode, syncCursors.name],
      set: { value, updatedAt: sql`now()` },
    })
}

export function parseCursor(
  value: string | null | undefined
): { created: number; id?: string } | null {
  if (!value) return null
  try {
    const parsed = JSON.parse(value) as { created?: unknown; id?: unknown }
    return typeof parsed.created === 'number'
      ? { created: parsed.created, ...(typeof parsed.id === 'string' ? { id: parsed.id } : {}) }
      : null
  } catch {
    return null
  }
}

export type StartResult = { runId: string | null; started: boolean; state: string }

/**
 * Starts the import for an installation (install, API-key save, settings). `existing` lists
 * everything; `changes_only` lists nothing and takes changes from now on (webhooks, and the
 * Events API from this moment). An import already running is returned, not started twice.
 */
export async function startImport(
  deps: SyncDeps & { limiter: RateLimiter },
  scope: Scope,
  choice: ImportChoice = 'existing',
  /** Queued at install: start only if no import was decided since (the merchant's choice wins). */
  unlessImportSince?: { latestImportId: string | null }
): Promise<StartResult> {
  const now = Math.floor(deps.now().getTime() / 1000)
  // When the account was created: nothing at Stripe is older, so windows start there.
  const hint = choice === 'existing' ? await accountCreated(deps, scope) : null
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db
    await lockAccountSync(tx, scope)
    const [account] = await tx
      .select({ status: accounts.status })
      .from(accounts)
      .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
    if (!account || account.status === 'uninstalled')
      return { runId: null, started: false, state: 'not_connected' }
    if (unlessImportSince) {
      const latest = await latestImportRun(tx, scope)
      if (latest && latest.id !== unlessImportSince.latestImportId)
        return { runId: latest.id, started: false, state: latest.state }
    }
    const active = await activeRun(tx, scope)
    if (active?.kind === 'backfill' && choice === 'existing') {
      return { runId: active.id, started: false, state: active.state }
    }
    // A newer decision replaces whatever runs now (a reconciliation, or an import when the
    // merchant switches to "only changes from now on").
    if (active) await cancelRun(tx, active.id)
    await advanceEventsCursor(tx, scope, now - 60)
    if (choice === 'changes_only') {
      const [run] = await tx
        .insert(syncRuns)
        .values({
          ...scope,
          kind: 'backfill',
          state: 'done',
          summary: { choice },
          startedAt: deps.now(),
          finishedAt: deps.now(),
        })
        .returning({ id: syncRuns.id })
      return { runId: run!.id, started: true, state: 'done' }
    }
    const [run] = await tx
      .insert(syncRuns)
      .values({
        ...scope,
        kind: 'backfill',
        state: 'running',
        summary: { choice },
        startedAt: deps.now(),
      })
      .returning({ id: syncRuns.id })
    await insertTasks(tx, scope, run!.id, listingTasks(hint))
    return { runId: run!.id, started: true, state: 'running' }
  })
}

export async function cancelRun(tx: Db, runId: string) {
  await tx
    .update(syncTasks)
    .set({ state: 'canceled', lockedBy: null, lockedUntil: null, updatedAt: sql`now()` })
    .where(and(eq(syncTasks.runId, runId), inArray(syncTasks.state, [...openStates])))
  await tx
    .update(syncRuns)
    .set({ state: 'canceled', finishedAt: sql`now()` })
    .where(and(eq(syncRuns.id, runId), inArray(syncRuns.state, ['pending', 'running'])))
  await tx.execute(sql`delete from sync_seen where run_id = ${runId}`)
}

/** `GET /v1/account`'s `created`, or null when Stripe does not tell us. */
export async function accountCreated(
  deps: SyncDeps & { limiter: RateLimiter },
  scope: Scope
): Promise<number | null> {
  try {
    const stripe = await stripeClient(deps, scope)
    const account = await callStripe({ limiter: deps.limiter, scope }, 'GET /v1/account', () =>
      stripe.accounts.retrieveCurrent()
    )
    return typeof account.created === 'number' ? account.created : null
  } catch (err) {
    deps.log.info('account created time unavailable; windows start at 0', {
      accountId: scope.accountId,
      error: errorMessage(err),
    })
    return null
  }
}

// Clients without stripe-node's own retries: every attempt must pass our limiter.
const clients = new WeakMap<object, Map<string, Stripe>>()
export async function stripeClient(deps: CredentialDeps, scope: Scope): Promise<Stripe> {
  const key = await currentApiKey(deps, scope)
  let byKey = clients.get(deps.stripe)
  if (!byKey) clients.set(deps.stripe, (byKey = new Map()))
  let client = byKey.get(key)
  if (!client) {
    if (byKey.size > 200) byKey.clear()
    byKey.set(key, (client = deps.stripe.forKey(key, { maxNetworkRetries: 0 })))
  }
  return client
}

// ---------------------------------------------------------------------------------------------
// Pages

/** A page's rows: each listed object with what rode inside it, so a window cut drops both. */
type Entry = {
  object: StripeObject
  children: Array<{ type: string; object: StripeObject }>
  /** The `created` the task's window is over. */
  key: number | null
}

type PageMeta = {
  /** Version of everything on the page: when its request was sent. */
  at: number
  hasMore: boolean
  /** Id and created of the page's last (oldest) object. */
  cursor: string | null
  cursorCreated: number | null
  /** Created of the page's first (newest) object. */
  newest: number | null
  /** Objects the cursor moved over. */
  advanced: number
}

export type CommitResult = { done: boolean; windowStart: number | null; runFinished: string | null }

/**
 * Writes one page and moves the task's cursor, in one transaction. Objects older than the task's
 * window start are dropped: another task (split off meanwhile) owns them.
 */
export async function commitPage(
  ctx: TaskContext,
  entries: Entry[],
  meta: PageMeta,
  primaryType: string
): Promise<CommitResult> {
  const { deps, task } = ctx
  const scope = { accountId: task.accountId, livemode: task.livemode }
  const compare = task.runKind === 'reconcile'
  const pending = ctx.pending
  ctx.pending = {}
  const result = await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db
    await relaxCommit(tx)
    const row = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select state, locked_by, window_start, window_end, stats
        from sync_tasks where id = ${task.id} for update`)
    )[0]
    if (!row || row.state !== 'running' || row.locked_by !== ctx.workerId) throw new TaskLost()
    const windowStart = num(row.window_start)
    const kept =
      windowStart === null ? entries : entries.filter((e) => e.key === null || e.key >= windowStart)
    const cut = kept.length < entries.length
    const rows = new Map<string, StripeObject[]>()
    const add = (type: string, o: StripeObject) => {
      const list = rows.get(type)
      if (list) list.push(o)
      else rows.set(type, [o])
    }
    for (const e of kept) {
      add(primaryType, e.object)
      for (const c of e.children) add(c.type, c.object)
    }
    const stats: TaskStats = {}
    for (const [type, objects] of rows) {
      const unique = [...new Map(objects.map((o) => [o.id, o])).values()]
      bump(stats, 'seen', type, unique.length)
      const held = compare
        ? await heldRows(
            tx,
            scope,
            type,
            unique.map((o) => o.id)
          )
        : undefined
      const written = await upsertObjects(tx, scope, type, unique, { at: meta.at, eventId: null })
      if (held) {
        for (const o of unique) {
          const h = held.get(o.id)
          if (!h) {
            if (written.has(o.id)) bump(stats, 'added', type)
          } else if (h.deleted) bump(stats, 'tombstonedButListed', type)
          else if (written.has(o.id) && !sameJson(h.data, o)) bump(stats, 'updated', type)
        }
        await markSeen(
          tx,
          task.runId,
          type,
          unique.map((o) => o.id)
        )
      }
    }
    const advanced = windowStart === null || !cut ? meta.advanced : kept.length
    const done =
      !meta.hasMore ||
      cut ||
      (windowStart !== null && meta.cursorCreated !== null && meta.cursorCreated < windowStart)
    // The first page fixes the window's upper end: what appears later arrives by webhook.
    const windowEnd = num(row.window_end) ?? (meta.newest !== null ? meta.newest + 1 : null)
    const merged = mergeStats(mergeStats(parseJson<TaskStats>(row.stats) ?? {}, stats), pending)
    const lease = deps.config.sync.leaseSeconds
    await tx.execute(sql`
      update sync_tasks set
        cursor = ${meta.cursor ?? task.cursor},
        cursor_created = ${meta.cursorCreated ?? task.cursorCreated},
        window_end = ${windowEnd},
        fetched = fetched + ${advanced},
        pages = pages + 1,
        attempts = 0,
        error = null,
        stats = ${JSON.stringify(merged)}::jsonb,
        updated_at = now(),
        ${
          done
            ? sql`state = 'done', finished_at = now(), locked_by = null, locked_until = null`
            : sql`locked_until = now() + make_interval(secs => ${lease})`
        }
      where id = ${task.id}`)
    task.pages += 1
    task.fetched += advanced
    task.stats = merged
    task.windowStart = windowStart
    task.windowEnd = windowEnd
    if (meta.cursor) task.cursor = meta.cursor
    if (meta.cursorCreated !== null) task.cursorCreated = meta.cursorCreated
    await ctx.hooks?.beforeCommit?.({ task, page: task.pages })
    const runFinished = done ? await finishRunIfComplete(tx, task.runId) : null
    return { done, windowStart, runFinished }
  })
  if (result.runFinished) ctx.onRunFinished(task.runId, result.runFinished)
  return result
}

/** Pages through one list task until its window is exhausted (or the task is lost). */
export async function runListTask(ctx: TaskContext): Promise<void> {
  const { task } = ctx
  const spec = listSpecs[task.objectType as ListType]
  if (!spec) throw new Error(`unknown list type ${task.objectType}`)
  const pageSize = ctx.deps.config.sync.pageSize
  // A page holds one of the process's page slots from its request until it is written: memory
  // stays bounded however many tasks run.
  const fetchPage = async (after: string | null, windowStart: number | null) => {
    const release = await ctx.pageSlot()
    try {
      const fetched = await ctx.fetch(spec.endpoint, (stripe) => {
        const at = ctx.nowSeconds()
        const created: { gte?: number; lt?: number } = {}
        if (windowStart !== null) created.gte = windowStart
        if (task.windowEnd !== null) created.lt = task.windowEnd
        return spec
          .list(stripe, {
            limit: pageSize,
            ...(after ? { starting_after: after } : {}),
            ...(Object.keys(created).length > 0 ? { created } : {}),
          })
          .then((page) => ({ page, at }))
      })
      return { ...fetched, release }
    } catch (err) {
      release()
      throw err
    }
  }

  let next: ReturnType<typeof fetchPage> | null = fetchPage(task.cursor, task.windowStart)
  let holding: (() => void) | null = null
  try {
    for (;;) {
      const t0 = performance.now()
      const { page, at, release } = await next!
      holding = release
      const t1 = performance.now()
      next = null
      const last = page.data.at(-1)
      // The next page is fetched while this one is written.
      if (page.hasMore && last) {
        next = fetchPage(last.id, task.windowStart)
        next.catch(() => {})
      }
      await ctx.hooks?.pageFetched?.({ task, ids: page.data.map((o) => o.id) })
      const entries: Entry[] = []
      for (const object of page.data) {
        if (spec.split) {
          const rows = await spec.split([object], ctx.fetch)
          const children: Entry['children'] = []
          for (const [type, list] of rows) {
            if (type === spec.type) continue
            for (const o of list) children.push({ type, object: o })
          }
          entries.push({ object: rows.get(spec.type)![0]!, children, key: createdOf(object) })
        } else entries.push({ object, children: [], key: createdOf(object) })
      }
      const result = await commitPage(
        ctx,
        entries,
        {
          at,
          hasMore: page.hasMore && !!last,
          cursor: last?.id ?? null,
          cursorCreated: typeof last?.created === 'number' ? last.created : null,
          newest: typeof page.data[0]?.created === 'number' ? page.data[0].created : null,
          advanced: page.data.length,
        },
        spec.type
      )
      release()
      holding = null
      ctx.hooks?.afterCommit?.({ task, page: task.pages, objects: page.data.length })
      ctx.deps.log.debug('sync page', {
        taskId: task.id,
        type: task.objectType,
        objects: page.data.length,
        waitMs: Math.round(t1 - t0),
        writeMs: Math.round(performance.now() - t1),
      })
      if (result.done) return
    }
  } finally {
    holding?.()
    // A prefetched page nobody will write: let it settle, then give its slot back.
    if (next) next.then((p) => p.release()).catch(() => {})
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

/**
 * Finishes the run when none of its tasks is open. The run row is locked first, so of two tasks
 * finishing at once the second sees the first's commit and finishes the run.
 */
export async function finishRunIfComplete(tx: Db, runId: string): Promise<string | null> {
  const run = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`select state, kind, summary from sync_runs where id = ${runId} for update`)
  )[0]
  if (!run || run.state !== 'running') return null
  const tasks = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select object_type, state, fetched, stats, error from sync_tasks where run_id = ${runId}`)
  )
  if (tasks.some((t) => t.state === 'pending' || t.state === 'running')) return null
  const failed = tasks.filter((t) => t.state === 'failed')
  const summary = {
    ...(parseJson<Record<string, unknown>>(run.summary) ?? {}),
    ...summarizeTasks(
      tasks.map((t) => ({
        objectType: String(t.object_type),
        state: String(t.state),
        stats: parseJson<TaskStats>(t.stats) ?? {},
      }))
    ),
  }
  // Canceled tasks (uninstall, or the merchant chose "only changes") cancel the run.
  const state =
    failed.length > 0 ? 'failed' : tasks.some((t) => t.state === 'canceled') ? 'canceled' : 'done'
  const error =
    failed.length > 0
      ? [...new Set(failed.map((t) => `${String(t.object_type)}: ${String(t.error ?? 'failed')}`))]
          .slice(0, 5)
          .join('; ')
      : null
  await tx.execute(sql`
    update sync_runs set state = ${state}, finished_at = now(), error = ${error},
      summary = ${JSON.stringify(summary)}::jsonb
    where id = ${runId}`)
  await tx.execute(sql`delete from sync_seen where run_id = ${runId}`)
  return state
}

/** Per object type: how many were seen at Stripe, and what a reconciliation fixed. */
export function summarizeTasks(
  tasks: Array<{ objectType: string; state: string; stats: TaskStats }>
): {
  types: Record<string, { seen: number; failed: boolean }>
  fixed: {
    added: Record<string, number>
    updated: Record<string, number>
    deleted: Record<string, number>
    total: number
  }
  rateLimited: number
} {
  const types: Record<string, { seen: number; failed: boolean }> = {}
  const fixed = { added: {}, updated: {}, deleted: {}, total: 0 } as {
    added: Record<string, number>
    updated: Record<string, number>
    deleted: Record<string, number>
    total: number
  }
  let rateLimited = 0
  for (const t of tasks) {
    rateLimited += t.stats.rateLimited ?? 0
    if (!t.objectType.startsWith('verify:')) {
      for (const [type, n] of Object.entries(t.stats.seen ?? {})) {
        types[type] ??= { seen: 0, failed: false }
        types[type].seen += n
      }
      for (const type of writtenBy(t.objectType)) {
        types[type] ??= { seen: 0, failed: false }
        if (t.state === 'failed') types[type].failed = true
      }
    }
    for (const kind of ['added', 'updated', 'deleted'] as const) {
      for (const [type, n] of Object.entries(t.stats[kind] ?? {})) {
        fixed[kind][type] = (fixed[kind][type] ?? 0) + n
        fixed.total += n
      }
    }
  }
  return { types, fixed, rateLimited }
}

/** Object types a task writes. */
export function writtenBy(taskType: string): string[] {
  if (taskType.startsWith('verify:')) return [taskType.slice('verify:'.length)]
  return listSpecs[taskType as ListType]?.writes ?? []
}

/** Finishes runs whose tasks all ended without anyone noticing (a crash between commits). */
export async function sweepRuns(db: Db): Promise<Array<{ id: string; state: string }>> {
  const stale = rowsOf<{ id: string }>(
    await db.execute(sql`
      select r.id from sync_runs r
      where r.state = 'running'
        and not exists (select 1 from sync_tasks t where t.run_id = r.id and t.state in ('pending', 'running'))`)
  )
  const out: Array<{ id: string; state: string }> = []
  for (const { id } of stale) {
    const state = await db.transaction((tx) => finishRunIfComplete(tx as unknown as Db, id))
    if (state) out.push({ id, state })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Estimates (priority, stealing, progress)

export type TaskProgress = {
  objectType: string
  state: string
  windowStart: number | null
  windowEnd: number | null
  cursorCreated: number | null
  fetched: number
  pages: number
}

/**
 * Objects left in a task, from its own density (objects per second of `created` so far). Unknown
 * (nothing listed yet) is null.
 */
export function remainingObjects(t: TaskProgress, fallbackDensity: number | null): number | null {
  if (t.state !== 'pending' && t.state !== 'running') return 0
  const low = t.windowStart ?? 0
  if (t.cursorCreated !== null && t.windowEnd !== null && t.pages > 0) {
    const covered = Math.max(1, t.windowEnd - t.cursorCreated)
    const density = t.fetched / covered
    return Math.max(0, t.cursorCreated - low) * density
  }
  // The window below the account's creation is a one-request check, normally empty.
  if (t.windowStart === null && t.windowEnd !== null && t.pages === 0) return 0
  if (fallbackDensity === null) return null
  const high = t.windowEnd ?? Math.floor(Date.now() / 1000)
  return Math.max(0, high - low) * fallbackDensity
}

/** Per object type: objects listed so far and an estimate of what is left. */
export function estimateByType(
  tasks: TaskProgress[]
): Map<string, { fetched: number; remaining: number | null }> {
  const density = new Map<string, { fetched: number; covered: number }>()
  for (const t of tasks) {
    if (t.cursorCreated === null || t.windowEnd === null || t.pages === 0) continue
    const d = density.get(t.objectType) ?? { fetched: 0, covered: 0 }
    d.fetched += t.fetched
    d.covered += Math.max(1, t.windowEnd - t.cursorCreated)
    density.set(t.objectType, d)
  }
  const out = new Map<string, { fetched: number; remaining: number | null }>()
  for (const t of tasks) {
    const d = density.get(t.objectType)
    const left = remainingObjects(t, d ? d.fetched / d.covered : null)
    const e = out.get(t.objectType) ?? { fetched: 0, remaining: 0 }
    e.fetched += t.fetched
    e.remaining = e.remaining === null || left === null ? null : e.remaining + left
    out.set(t.objectType, e)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function heldRows(
  tx: Db,
  scope: Scope,
  type: string,
  ids: string[]
): Promise<Map<string, { data: unknown; deleted: boolean }>> {
  const out = new Map<string, { data: unknown; deleted: boolean }>()
  if (ids.length === 0) return out
  const table = sql.identifier(getTableName(objectSpecs[type]!.table))
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select id, data, deleted_at is not null as deleted from ${table}
      where account_id = ${scope.accountId} and livemode = ${scope.livemode}
        and id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `
        )})`)
  )
  for (const r of rows)
    out.set(String(r.id), { data: parseJson(r.data), deleted: Boolean(r.deleted) })
  return out
}

export async function markSeen(tx: Db, runId: string, type: string, ids: string[]) {
  if (ids.length === 0) return
  await tx.execute(sql`
    insert into sync_seen (run_id, object_type, id)
    values ${sql.join(
      ids.map((id) => sql`(${runId}, ${type}, ${id})`),
      sql`, `
    )}
    on conflict do nothing`)
}

export function bump(
  stats: TaskStats,
  kind: 'seen' | 'added' | 'updated' | 'deleted' | 'tombstonedButListed',
  type: string,
  n = 1
) {
  if (n === 0) return
  const map = (stats[kind] ??= {})
  map[type] = (map[type] ?? 0) + n
}

export function mergeStats(a: TaskStats, b: TaskStats): TaskStats {
  const out: TaskStats = structuredClone(a)
  for (const kind of ['seen', 'added', 'updated', 'deleted', 'tombstonedButListed'] as const) {
    for (const [type, n] of Object.entries(b[kind] ?? {})) bump(out, kind, type, n)
  }
  if (b.rateLimited) out.rateLimited = (out.rateLimited ?? 0) + b.rateLimited
  if (b.retried) out.retried = (out.retried ?? 0) + b.retried
  return out
}

/**
 * Deep equality of JSON values, ignoring key order (jsonb reorders keys). Values with toJSON
 * (stripe-node parses `*_decimal` fields into Decimal objects) compare as they serialise.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  a = asJson(a)
  b = asJson(b)
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]))
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined)
  if (keys.length !== Object.keys(bo).filter((k) => bo[k] !== undefined).length) return false
  return keys.every((k) => sameJson(ao[k], bo[k]))
}

/**
 * A page transaction need not wait for its WAL flush: if Postgres itself crashed, the page and its
 * cursor are lost together and the page is simply fetched again.
 */
export async function relaxCommit(tx: Db) {
  await tx.execute(sql`set local synchronous_commit = off`)
}

const createdOf = (o: StripeObject) => (typeof o.created === 'number' ? o.created : null)

function asJson(v: unknown): unknown {
  return v !== null &&
    typeof v === 'object' &&
    typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ? (v as { toJSON(): unknown }).toJSON()
    : v
}

export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null
  const n = Number(v)
  return Number.isFinite(n) ? n : null
}

export function parseJson<T>(v: unknown): T | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as T
    } catch {
      return null
    }
  }
  return v as T
}
