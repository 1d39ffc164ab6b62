// One Stripe rate limiter per account and mode, shared by every worker and every process: token
// buckets in Postgres (`rate_limit_buckets`), one for the account (Stripe: 25 req/s test, 100 live)
// and one per endpoint (25 req/s). A request needs a token from both.
//
// In each process one pump per account takes tokens from the database and hands them to the
// waiting request with the highest priority (the object type with the most work left), so the
// largest types keep their endpoint busy while the smaller ones fill the rest of the global budget.
//
// Adaptive: a 429 cuts the bucket's rate (×0.7) and blocks it for a moment; while clear, the rate
// climbs back to the configured limit (+5 % of it per second).
import type { Scope } from '../kernel/scope'
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import type { Logger } from '../log'

export type RateLimits = { test: number; live: number; perEndpoint: number }

export type AcquireOptions = {
  /** Higher goes first among this process's waiters for the account. */
  priority?: number
  signal?: AbortSignal
}

export type RateLimiter = {
  /** Resolves once a token of the account's bucket and of the endpoint's bucket is ours. */
  acquire(scope: Scope, endpoint: string, options?: AcquireOptions): Promise<void>
  /** Stripe answered 429: slow the bucket it names (`Stripe-Rate-Limited-Reason`) down. */
  rateLimited(
    scope: Scope,
    endpoint: string,
    info?: { reason?: string; retryAfterMs?: number }
  ): Promise<void>
  /** 429s seen by this process (benchmarks, health). */
  rateLimitedCount(): number
  stop(): void
}

/** A bucket holds at most this many seconds of its rate (a small burst: stays under Stripe's). */
const BURST_SECONDS = 0.2
/** After a 429, the rate is multiplied by this... */
const BACKOFF_FACTOR = 0.7
/** ...never below this share of the limit... */
const MIN_SHARE = 0.1
/** ...and climbs back by this share of the limit per second while no 429 arrives. */
const CLIMB_SHARE_PER_SECOND = 0.05
/** How long a bucket is closed after a 429 without Retry-After. */
const DEFAULT_BLOCK_MS = 1_000

export const globalBucketKey = (scope: Scope) =>
  `stripe:${scope.accountId}:${scope.livemode ? 'live' : 'test'}`
export const endpointBucketKey = (scope: Scope, endpoint: string) =>
  `${globalBucketKey(scope)}:${endpoint}`

type Waiter = {
  endpoint: string
  priority: number
  seq: number
  resolve(): void
  reject(err: unknown): void
  cleanup(): void
}

type Pump = { scope: Scope; waiters: Waiter[]; running: boolean; wake?: () => void }

export function createRateLimiter(deps: { db: Db; log: Logger }, limits: RateLimits): RateLimiter {
  const pumps = new Map<string, Pump>()
  const known = new Set<string>()
  let seq = 0
  let stopped = false
  let limited = 0

  const limitOf = (scope: Scope, key: string) =>
    key === globalBucketKey(scope)
      ? scope.livemode
        ? limits.live
        : limits.test
      : limits.perEndpoint

  async function ensureBuckets(scope: Scope, keys: string[]) {
    const missing = keys.filter((k) => !known.has(k))
    if (missing.length === 0) return
    const values = missing.map((k) => {
      const rate = limitOf(scope, k)
      return sql`(${k}, ${Math.max(1, rate * BURST_SECONDS)}, ${rate}, clock_timestamp())`
    })
    await deps.db.execute(sql`
      insert into rate_limit_buckets (key, tokens, rate_per_second, refilled_at)
      values ${sql.join(values, sql`, `)}
      on conflict (key) do nothing`)
    for (const k of missing) known.add(k)
  }

  /**
   * One statement (one round trip, its own transaction): lock and refill the buckets, hand out
   * tokens to the waiters in order (best first) while the account's bucket and each one's endpoint
   * bucket have a whole token, and write the buckets back. Returns the waiters served, and how long
   * until the next one could be. The same rules as `refill` and `waitFor`, in SQL: the pump runs
   * this up to a hundred times a second while Postgres is busy with pages, so a transaction of
   * five round trips queued behind page commits was what held the import back.
   */
  async function take(
    scope: Scope,
    queue: Waiter[]
  ): Promise<{ granted: Waiter[]; waitMs: number }> {
    const globalKey = globalBucketKey(scope)
    const endpoints = [...new Set(queue.map((w) => w.endpoint))]
    const keys = [globalKey, ...endpoints.map((e) => endpointBucketKey(scope, e))]
    await ensureBuckets(scope, keys)
    const limitsJson = JSON.stringify(keys.map((k) => [k, limitOf(scope, k)]))
    const waitersJson = JSON.stringify(queue.map((w) => endpointBucketKey(scope, w.endpoint)))
    const rows = rowsOf<Record<string, unknown>>(
      await deps.db.execute(sql`
        with cfg as (
          -- Buckets need no durability: this statement's commit skips the WAL flush.
          select set_config('synchronous_commit', 'off', true) as v
        ),
        clock as (select extract(epoch from clock_timestamp())::float8 as now),
        lim as (
          select l->>0 as key, (l->>1)::float8 as lim
          from jsonb_array_elements(${limitsJson}::jsonb) as l
        ),
        locked as (
          select b.key, b.tokens, b.rate_per_second as rate,
                 extract(epoch from b.refilled_at)::float8 as refilled,
                 extract(epoch from b.blocked_until)::float8 as blocked
          from rate_limit_buckets b
          where b.key in (select key from lim)
          order by b.key
          for update
        ),
        r0 as (
          select k.key, k.tokens, k.blocked, lim.lim, clock.now,
                 greatest(0, clock.now - k.refilled) as elapsed,
                 coalesce(k.blocked > clock.now, false) as is_blocked,
                 least(k.rate, lim.lim) as rate0
          from locked k join lim on lim.key = k.key cross join clock
        ),
        r1 as (
          select key, tokens, blocked, now, elapsed, is_blocked,
                 case when is_blocked then rate0
                      else least(lim, rate0 + lim * ${CLIMB_SHARE_PER_SECOND}::float8 * elapsed) end as rate
          from r0
        ),
        s as (
          select key, rate, now, is_blocked, blocked,
                 case when is_blocked then tokens
                      else least(greatest(1, rate * ${BURST_SECONDS}::float8), tokens + elapsed * rate) end
                   as tokens
          from r1
        ),
        w as (
          select w.key, w.ord,
                 row_number() over (partition by w.key order by w.ord) as rn
          from jsonb_array_elements_text(${waitersJson}::jsonb) with ordinality as w(key, ord)
        ),
        eligible as (
          select w.key, w.ord, row_number() over (order by w.ord) as gn
          from w join s on s.key = w.key
          where not s.is_blocked and w.rn <= floor(s.tokens)
        ),
        granted as (
          select e.key, e.ord from eligible e
          where e.gn <= (select floor(g.tokens) from s g
                         where g.key = ${globalKey} and not g.is_blocked)
        ),
        spent as (
          select s.key,
                 case when s.key = ${globalKey} then (select count(*) from granted)
                      else (select count(*) from granted x where x.key = s.key) end as n
          from s
        ),
        upd as (
          update rate_limit_buckets b
          set tokens = s.tokens - spent.n, rate_per_second = s.rate, refilled_at = to_timestamp(s.now)
          from s join spent on spent.key = s.key cross join cfg
          where b.key = s.key
          returning b.key, b.tokens, b.rate_per_second as rate, cfg.v
        )
        select u.key, u.tokens, u.rate, s.blocked, s.now,
               (select coalesce(jsonb_agg(ord - 1), '[]'::jsonb) from granted) as granted
        from upd u join s on s.key = u.key`)
    )
    const state = new Map<string, Bucket>()
    let now = 0
    let grantedIdx: number[] = []
    for (const r of rows) {
      now = Number(r.now)
      grantedIdx = (parseJson(r.granted) ?? []).map(Number)
      state.set(String(r.key), {
        tokens: Number(r.tokens),
        rate: Number(r.rate),
        refilled: now,
        blocked: r.blocked === null ? null : Number(r.blocked),
      })
    }
    const global = state.get(globalKey)
    if (!global) {
      known.clear()
      return { granted: [], waitMs: 10 }
    }
    const granted = grantedIdx.map((i) => queue[i]!)
    if (granted.length === queue.length) return { granted, waitMs: 0 }
    // How long until the next waiter not served could be: the account's bucket first.
    let waitMs = waitFor(global, now) * 1000
    if (waitMs === 0) {
      waitMs = Infinity
      const served = new Set(granted)
      for (const waiter of queue) {
        if (served.has(waiter)) continue
        const bucket = state.get(endpointBucketKey(scope, waiter.endpoint))
        if (bucket) waitMs = Math.min(waitMs, waitFor(bucket, now) * 1000)
      }
    }
    return { granted, waitMs }
  }

  function pumpFor(scope: Scope): Pump {
    const key = globalBucketKey(scope)
    let pump = pumps.get(key)
    if (!pump) pumps.set(key, (pump = { scope, waiters: [], running: false }))
    return pump
  }

  async function run(pump: Pump) {
    if (pump.running) return
    pump.running = true
    try {
      while (!stopped && pump.waiters.length > 0) {
        // Best priority first; ties: who waited longest.
        const order = [...pump.waiters].sort((a, b) => b.priority - a.priority || a.seq - b.seq)
        let result: { granted: Waiter[]; waitMs: number }
        try {
          result = await take(pump.scope, order)
        } catch (err) {
          deps.log.warn('rate limiter: database unavailable, retrying', { err })
          result = { granted: [], waitMs: 500 }
        }
        for (const waiter of result.granted) {
          const i = pump.waiters.indexOf(waiter)
          if (i < 0) continue // gave up meanwhile: its token is spent
          pump.waiters.splice(i, 1)
          waiter.cleanup()
          waiter.resolve()
        }
        if (result.granted.length > 0 || pump.waiters.length === 0) continue
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(Math.max(result.waitMs, 1), 1_000))
          function done() {
            clearTimeout(timer)
            pump.wake = undefined
            resolve()
          }
          pump.wake = done
        })
      }
    } finally {
      pump.running = false
    }
  }

  return {
    acquire(scope, endpoint, options = {}) {
      if (stopped) return Promise.reject(new Error('rate limiter stopped'))
      const { signal } = options
      if (signal?.aborted) return Promise.reject(signal.reason)
      const pump = pumpFor(scope)
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = pump.waiters.indexOf(waiter)
          if (i >= 0) pump.waiters.splice(i, 1)
          reject(signal!.reason)
        }
        const waiter: Waiter = {
          endpoint,
          priority: options.priority ?? 0,
          seq: seq++,
          resolve,
          reject,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        pump.waiters.push(waiter)
        // A new endpoint may have tokens although the ones waited on have none.
        if (!pump.waiters.some((w) => w !== waiter && w.endpoint === endpoint)) pump.wake?.()
        void run(pump)
      })
    },

    async rateLimited(scope, endpoint, info = {}) {
      limited++
      const key =
        info.reason === 'endpoint-rate'
          ? endpointBucketKey(scope, endpoint)
          : globalBucketKey(scope)
      const floor = limitOf(scope, key) * MIN_SHARE
      const blockMs = info.retryAfterMs ?? DEFAULT_BLOCK_MS
      await ensureBuckets(scope, [key])
      await deps.db.execute(sql`
        update rate_limit_buckets
        set rate_per_second = greatest(${floor}::float8, rate_per_second * ${BACKOFF_FACTOR}),
            tokens = least(tokens, 0),
            blocked_until = greatest(coalesce(blocked_until, clock_timestamp()),
                                     clock_timestamp() + make_interval(secs => ${blockMs / 1000}))
        where key = ${key}`)
      deps.log.info('stripe rate limited: backing off', {
        accountId: scope.accountId,
        endpoint,
        bucket: key === globalBucketKey(scope) ? 'account' : 'endpoint',
        blockMs,
      })
    },

    rateLimitedCount: () => limited,

    stop() {
      stopped = true
      for (const pump of pumps.values()) {
        for (const w of pump.waiters.splice(0)) {
          w.cleanup()
          w.reject(new Error('rate limiter stopped'))
        }
        pump.wake?.()
      }
    },
  }
}

type Bucket = { tokens: number; rate: number; refilled: number; blocked: number | null }

function parseJson(v: unknown): unknown[] | null {
  if (typeof v === 'string') return JSON.parse(v) as unknown[]
  return Array.isArray(v) ? v : null
}

/** Tokens and rate as of `now`: the rate climbs back while clear, tokens refill up to the burst. */
export function refill(bucket: Bucket, limit: number, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.refilled)
  const blocked = bucket.blocked !== null && bucket.blocked > now
  let rate = Math.min(bucket.rate, limit)
  if (!blocked) rate = Math.min(limit, rate + limit * CLIMB_SHARE_PER_SECOND * elapsed)
  const capacity = Math.max(1, rate * BURST_SECONDS)
  const tokens = blocked ? bucket.tokens : Math.min(capacity, bucket.tokens + elapsed * rate)
  return { tokens, rate, refilled: now, blocked: blocked ? bucket.blocked : null }
}

/** Seconds until the bucket holds a whole token (0: now). */
export function waitFor(bucket: Bucket, now: number): number {
  const unblock = bucket.blocked !== null && bucket.blocked > now ? bucket.blocked - now : 0
  if (bucket.tokens >= 1 && unblock === 0) return 0
  return unblock + Math.max(0, 1 - bucket.tokens) / Math.max(bucket.rate, 1e-6)
}
