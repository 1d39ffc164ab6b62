// The sync workers of one process: loops that claim sync tasks (FOR UPDATE SKIP LOCKED, with a
// lease renewed while they work), run them page by page, and when nothing is left to claim split
// the biggest running task's remaining window in two. Any number of processes run these loops
// against one database; a crashed process's tasks are taken over when their lease runs out.
import { setMaxListeners } from 'node:events'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import Stripe from 'stripe'
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import { AppError } from '../errors'
import {
  estimateByType,
  finishRunIfComplete,
  num,
  parseJson,
  runListTask,
  stripeClient,
  sweepRuns,
  TaskLost,
  type SyncDeps,
  type SyncHooks,
  type TaskContext,
  type TaskProgress,
  type TaskRow,
  type TaskStats,
  type RunKind,
} from './backfill'
import { listSpecs, listTypes } from './list-objects'
import { createRateLimiter, type RateLimiter } from './rate-limiter'
import { runVerifyTask } from './reconcile'
import { callStripe, describeError, isRateLimited, isRetryable, sleep } from './stripe-call'

export type SyncRunner = {
  workerId: string
  limiter: RateLimiter
  /** Look for work now (a run was just planned). */
  kick(): void
  /** Stops the loops and hands their tasks back at once (graceful shutdown). */
  stop(): Promise<void>
  /** Stops dead, as a killed process would: nothing is handed back (tests). */
  crash(): Promise<void>
}

export type SyncRunnerOptions = {
  workers?: number
  limiter?: RateLimiter
  hooks?: SyncHooks
  workerId?: string
}

/** Wakes every runner of this process (a run was planned here). */
const wakeups = new Set<() => void>()
export function wakeSyncRunners(): void {
  for (const wake of wakeups) wake()
}

const MAX_TASK_ATTEMPTS = 8
const POLL_MS = 1_000
const SWEEP_MS = 5_000
const SEEN_SWEEP_MS = 10 * 60_000
const PRIORITY_MS = 1_000

/** Claim order: the small catalogue first (parents, one page each), then the largest types. */
const claimRank = sql.raw(`case t.object_type
  ${listTypes.map((type, i) => `when '${type}' then ${listSpecs[type].weight < 0.1 ? i : 100 - Math.round(listSpecs[type].weight * 50)}`).join('\n  ')}
  else 200 end`)

export function startSyncRunner(deps: SyncDeps, options: SyncRunnerOptions = {}): SyncRunner {
  const workerId =
    options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const limiter = options.limiter ?? createRateLimiter(deps, deps.config.sync.rateLimits)
  const lease = deps.config.sync.leaseSeconds
  const cap = deps.config.sync.typeConcurrency
  const workers = options.workers ?? deps.config.sync.workers
  const active = new Map<number, { task: TaskRow; controller: AbortController }>()
  const pageSlots = semaphore(deps.config.sync.pagesInMemory)
  /** Objects left per run and type: the limiter serves the biggest first. */
  const priorities = new Map<string, number>()
  let running = true
  let crashed = false
  let waiters: Array<() => void> = []
  const wakeAll = () => {
    const list = waiters
    waiters = []
    for (const w of list) w()
  }
  wakeups.add(wakeAll)
  const nowSeconds = () => Math.floor(deps.now().getTime() / 1000)

  function onRunFinished(runId: string, state: string) {
    void loadRun(deps.db, runId)
      .then((run) => {
        deps.log.info('sync run finished', {
          runId,
          state,
          kind: run?.kind,
          accountId: run?.scope.accountId,
        })
        if (run)
          options.hooks?.onRunFinished?.({ id: runId, kind: run.kind, state, scope: run.scope })
      })
      .catch((err: unknown) => deps.log.warn('sync run finished: hook failed', { runId, err }))
  }

  async function claim(): Promise<TaskRow | null> {
    const claimed = rowsOf<{ id: unknown }>(
      await deps.db.execute(sql`
        with candidate as (
          select t.id from sync_tasks t
          join sync_runs r on r.id = t.run_id
          where r.state = 'running'
            and t.state in ('pending', 'running')
            and (t.locked_until is null or t.locked_until < now())
            and (t.object_type not like 'verify:%' or not exists (
              select 1 from sync_tasks d where d.run_id = t.run_id
                and d.object_type not like 'verify:%' and d.state in ('pending', 'running')))
            and (select count(*) from sync_tasks o where o.run_id = t.run_id
                   and o.object_type = t.object_type and o.state = 'running'
                   and o.locked_until >= now()) < ${cap}
          order by ${claimRank}, t.id
          limit 1
          for update of t skip locked
        )
        update sync_tasks t
        set state = 'running', locked_by = ${workerId},
            locked_until = now() + make_interval(secs => ${lease}),
            started_at = coalesce(t.started_at, now()), updated_at = now()
        from candidate where t.id = candidate.id
        returning t.id`)
    )
    const id = num(claimed[0]?.id)
    return id === null ? null : loadTask(deps.db, id)
  }

  /** Splits the running task with the most left (of a type under its cap) and takes the older half. */
  async function steal(): Promise<TaskRow | null> {
    const rows = rowsOf<Record<string, unknown>>(
      await deps.db.execute(sql`
        select t.id, t.run_id, t.object_type, t.state, t.window_start, t.window_end,
               t.cursor_created, t.fetched, t.pages
        from sync_tasks t join sync_runs r on r.id = t.run_id
        where r.state = 'running' and t.state = 'running' and t.locked_until >= now()
          and t.object_type not like 'verify:%'`)
    )
    const pageSize = deps.config.sync.pageSize
    const count = new Map<string, number>()
    for (const r of rows) {
      const key = `${String(r.run_id)}:${String(r.object_type)}`
      count.set(key, (count.get(key) ?? 0) + 1)
    }
    let best: { id: number; left: number } | null = null
    for (const r of rows) {
      const key = `${String(r.run_id)}:${String(r.object_type)}`
      if ((count.get(key) ?? 0) >= cap) continue
      const t = progressOf(r)
      if (t.cursorCreated === null || t.windowEnd === null || t.pages === 0) continue
      const density = t.fetched / Math.max(1, t.windowEnd - t.cursorCreated)
      const left = Math.max(0, t.cursorCreated - (t.windowStart ?? 0)) * density
      if (left < 2 * pageSize || t.cursorCreated - (t.windowStart ?? 0) < 2) continue
      if (!best || left > best.left) best = { id: num(r.id)!, left }
    }
    if (!best) return null
    const id = await deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db
      const row = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          select id, run_id, account_id, livemode, object_type, window_start, cursor_created
          from sync_tasks where id = ${best.id} and state = 'running' and locked_until >= now()
          for update skip locked`)
      )[0]
      if (!row) return null
      const low = num(row.window_start)
      const high = num(row.cursor_created)
      if (high === null || high - (low ?? 0) < 2) return null
      const split = Math.floor(((low ?? 0) + high) / 2)
      await tx.execute(
        sql`update sync_tasks set window_start = ${split}, updated_at = now() where id = ${best.id}`
      )
      const inserted = rowsOf<{ id: unknown }>(
        await tx.execute(sql`
          insert into sync_tasks (run_id, account_id, livemode, object_type, window_start, window_end,
                                  state, locked_by, locked_until, started_at)
          values (${String(row.run_id)}, ${String(row.account_id)}, ${Boolean(row.livemode)},
                  ${String(row.object_type)}, ${low}, ${split}, 'running', ${workerId},
                  now() + make_interval(secs => ${lease}), now())
          returning id`)
      )
      return num(inserted[0]?.id)
    })
    return id === null ? null : loadTask(deps.db, id)
  }

  async function work(task: TaskRow) {
    const controller = new AbortController()
    setMaxListeners(200, controller.signal) // one per request in flight
    active.set(task.id, { task, controller })
    const scope = { accountId: task.accountId, livemode: task.livemode }
    const heartbeat = setInterval(
      () => {
        void deps.db
          .execute(
            sql`update sync_tasks set locked_until = now() + make_interval(secs => ${lease})
                where id = ${task.id} and locked_by = ${workerId} and state = 'running' returning id`
          )
          .then((r) => {
            if (rowsOf(r).length === 0) controller.abort(new TaskLost())
          })
          .catch(() => {})
      },
      Math.max(200, (lease * 1000) / 3)
    )
    const ctx: TaskContext = {
      deps,
      workerId,
      limiter,
      task,
      signal: controller.signal,
      hooks: options.hooks,
      nowSeconds,
      pending: {},
      pageSlot: () => pageSlots.acquire(priorities.get(`${task.runId}:${task.objectType}`) ?? 0),
      onRunFinished: (runId, state) => onRunFinished(runId, state),
      fetch: (endpoint, fn) =>
        callStripe(
          {
            limiter,
            scope,
            signal: controller.signal,
            priority: () => priorities.get(`${task.runId}:${task.objectType}`) ?? 0,
            onRetry: (kind) => {
              if (kind === 'rate_limited')
                ctx.pending.rateLimited = (ctx.pending.rateLimited ?? 0) + 1
              else ctx.pending.retried = (ctx.pending.retried ?? 0) + 1
            },
          },
          endpoint,
          async () => {
            if (controller.signal.aborted) throw controller.signal.reason
            return fn(await stripeClient(deps, scope))
          }
        ),
    }
    try {
      if (task.objectType.startsWith('verify:')) await runVerifyTask(ctx)
      else await runListTask(ctx)
    } catch (err) {
      if (crashed || err instanceof TaskLost || controller.signal.aborted) return
      await giveBack(task, err, ctx.pending).catch((e: unknown) =>
        deps.log.error('sync task: could not record failure', { taskId: task.id, err: e })
      )
    } finally {
      clearInterval(heartbeat)
      active.delete(task.id)
    }
  }

  /** A failed attempt: retried later with back-off, or the task fails (with its reason). */
  async function giveBack(task: TaskRow, err: unknown, pending: TaskStats) {
    const attempts = task.attempts + 1
    const reason = describeError(err)
    const retry = attempts < MAX_TASK_ATTEMPTS && mayRetry(err)
    deps.log.warn('sync task attempt failed', {
      taskId: task.id,
      objectType: task.objectType,
      accountId: task.accountId,
      attempts,
      retry,
      error: reason,
    })
    const finished = await deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db
      const row = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          select stats from sync_tasks
          where id = ${task.id} and locked_by = ${workerId} and state = 'running' for update`)
      )[0]
      if (!row) return null
      const stats = JSON.stringify({
        ...(parseJson<TaskStats>(row.stats) ?? {}),
        rateLimited:
          (parseJson<TaskStats>(row.stats)?.rateLimited ?? 0) + (pending.rateLimited ?? 0),
        retried: (parseJson<TaskStats>(row.stats)?.retried ?? 0) + (pending.retried ?? 0),
      })
      if (retry) {
        const backoff = Math.min(2 ** attempts, 60)
        await tx.execute(sql`
          update sync_tasks set state = 'pending', locked_by = null,
            locked_until = now() + make_interval(secs => ${backoff}),
            attempts = ${attempts}, error = ${reason}, stats = ${stats}::jsonb, updated_at = now()
          where id = ${task.id}`)
        return null
      }
      await tx.execute(sql`
        update sync_tasks set state = 'failed', locked_by = null, locked_until = null,
          attempts = ${attempts}, error = ${reason}, stats = ${stats}::jsonb,
          finished_at = now(), updated_at = now()
        where id = ${task.id}`)
      return finishRunIfComplete(tx, task.runId)
    })
    if (finished) onRunFinished(task.runId, finished)
  }

  async function refreshPriorities() {
    const runIds = [...new Set([...active.values()].map((a) => a.task.runId))]
    if (runIds.length === 0) return
    const rows = rowsOf<Record<string, unknown>>(
      await deps.db.execute(sql`
        select run_id, object_type, state, window_start, window_end, cursor_created, fetched, pages
        from sync_tasks
        where run_id in (${sql.join(
          runIds.map((id) => sql`${id}`),
          sql`, `
        )}) and state in ('pending', 'running')`)
    )
    for (const runId of runIds) {
      const tasks = rows.filter((r) => String(r.run_id) === runId).map(progressOf)
      for (const [type, e] of estimateByType(tasks)) {
        // Unknown yet: a guess from the type's usual size, so big types start first.
        const weight = listSpecs[type as keyof typeof listSpecs]?.weight ?? 1
        priorities.set(`${runId}:${type}`, e.remaining ?? weight * 1_000)
      }
    }
  }

  async function loop() {
    while (running) {
      let task: TaskRow | null = null
      try {
        task = (await claim()) ?? (await steal())
      } catch (err) {
        if (!running) return
        deps.log.error('sync: could not claim a task', { err })
        await sleep(1_000).catch(() => {})
        continue
      }
      if (!running) {
        if (task) await release([task.id])
        return
      }
      if (!task) {
        await new Promise<void>((resolve) => waiters.push(resolve))
        continue
      }
      wakeAll() // there may be more
      await work(task)
    }
  }

  async function release(ids: number[]) {
    if (ids.length === 0) return
    await deps.db
      .execute(
        sql`update sync_tasks set locked_by = null, locked_until = null, updated_at = now()
            where id in (${sql.join(
              ids.map((id) => sql`${id}`),
              sql`, `
            )}) and locked_by = ${workerId} and state = 'running'`
      )
      .catch((err: unknown) => deps.log.warn('sync: could not release tasks', { err }))
  }

  const loops = Array.from({ length: workers }, () => loop())
  let lastSweep = 0
  let lastPriorities = 0
  let lastSeenSweep = Date.now()
  const poller =
    workers > 0
      ? setInterval(() => {
          void (async () => {
            const now = Date.now()
            if (now - lastPriorities >= PRIORITY_MS) {
              lastPriorities = now
              await refreshPriorities()
            }
            if (now - lastSweep >= SWEEP_MS) {
              lastSweep = now
              for (const run of await sweepRuns(deps.db)) onRunFinished(run.id, run.state)
            }
            if (now - lastSeenSweep >= SEEN_SWEEP_MS) {
              lastSeenSweep = now
              // A run purged with its account (uninstall) leaves the ids it had seen behind.
              await deps.db.execute(sql`
                delete from sync_seen s where not exists (
                  select 1 from sync_runs r where r.id = s.run_id and r.state in ('pending', 'running'))`)
            }
            const busy = rowsOf<{ busy: boolean }>(
              await deps.db.execute(
                sql`select exists(select 1 from sync_runs where state = 'running') as busy`
              )
            )[0]
            if (busy?.busy) wakeAll()
          })().catch((err: unknown) => {
            if (running) deps.log.warn('sync poller failed', { err })
          })
        }, POLL_MS)
      : undefined
  if (workers > 0) wakeAll()

  async function halt(graceful: boolean) {
    if (!running) return
    running = false
    crashed = !graceful
    wakeups.delete(wakeAll)
    if (poller) clearInterval(poller)
    const ids = [...active.keys()]
    for (const { controller } of active.values()) controller.abort(new TaskLost())
    wakeAll()
    if (!options.limiter) limiter.stop()
    if (graceful) {
      await Promise.allSettled(loops)
      await release(ids)
    }
  }

  return {
    workerId,
    limiter,
    kick: wakeAll,
    stop: () => halt(true),
    crash: () => halt(false),
  }
}

/**
 * At most `n` holders at once; acquire() resolves to the release. A freed slot goes to the waiter
 * with the highest priority (ties: who waited longest), so the type with the most left keeps its
 * pages coming while the smaller ones take what remains, as with the limiter's tokens.
 */
function semaphore(n: number) {
  let free = n
  let seq = 0
  const waiting: Array<{ priority: number; seq: number; grant: () => void }> = []
  const release = () => {
    if (waiting.length === 0) {
      free++
      return
    }
    let best = 0
    for (let i = 1; i < waiting.length; i++) {
      const w = waiting[i]!
      const b = waiting[best]!
      if (w.priority > b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i
    }
    waiting.splice(best, 1)[0]!.grant()
  }
  return {
    acquire(priority = 0): Promise<() => void> {
      let released = false
      const once = () => {
        if (released) return
        released = true
        release()
      }
      if (free > 0) {
        free--
        return Promise.resolve(once)
      }
      return new Promise((resolve) =>
        waiting.push({ priority, seq: seq++, grant: () => resolve(once) })
      )
    },
  }
}

function mayRetry(err: unknown): boolean {
  if (err instanceof AppError) return false
  if (isRateLimited(err) || isRetryable(err)) return true
  // Stripe refused (permissions, bad request): trying again will not help.
  if (err instanceof Stripe.errors.StripeError) return false
  return true // database trouble and the like
}

function progressOf(r: Record<string, unknown>): TaskProgress {
  return {
    objectType: String(r.object_type),
    state: String(r.state),
    windowStart: num(r.window_start),
    windowEnd: num(r.window_end),
    cursorCreated: num(r.cursor_created),
    fetched: Number(r.fetched ?? 0),
    pages: Number(r.pages ?? 0),
  }
}

export async function loadTask(db: Db, id: number): Promise<TaskRow | null> {
  const r = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select t.*, r.kind as run_kind, extract(epoch from r.started_at)::float8 as run_started
      from sync_tasks t join sync_runs r on r.id = t.run_id where t.id = ${id}`)
  )[0]
  if (!r) return null
  return {
    id: Number(r.id),
    runId: String(r.run_id),
    runKind: String(r.run_kind) as RunKind,
    runStartedAt: Math.floor(Number(r.run_started ?? 0)),
    accountId: String(r.account_id),
    livemode: Boolean(r.livemode),
    objectType: String(r.object_type),
    windowStart: num(r.window_start),
    windowEnd: num(r.window_end),
    cursor: (r.cursor as string | null) ?? null,
    cursorCreated: num(r.cursor_created),
    state: String(r.state),
    fetched: Number(r.fetched ?? 0),
    pages: Number(r.pages ?? 0),
    attempts: Number(r.attempts ?? 0),
    stats: parseJson<TaskStats>(r.stats) ?? {},
  }
}

async function loadRun(db: Db, id: string) {
  const r = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select kind, account_id, livemode from sync_runs where id = ${id}`)
  )[0]
  if (!r) return null
  return {
    kind: String(r.kind),
    scope: { accountId: String(r.account_id), livemode: Boolean(r.livemode) },
  }
}
