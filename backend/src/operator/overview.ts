// What an operator needs at a glance: installed accounts and their sync state, queue depth,
// webhook lag and recent failures. Read-only queries over every account (never exposed to merchants).
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import { queueNames, type Queue } from '../queue/queue'

export type AccountHealth = {
  accountId: string
  mode: 'test' | 'live'
  status: string
  connection: string
  installedAt: string
  customers: number
  lastSync: { kind: string; state: string; finishedAt: string | null; error: string | null } | null
  lastWebhookAt: string | null
}

export type OperatorOverview = {
  generatedAt: string
  accounts: AccountHealth[]
  queues: Array<{ name: string; depth: number }>
  webhooks: {
    unprocessed: number
    oldestUnprocessedSeconds: number | null
    lagP50Ms: number | null
    lagMaxMs: number | null
    lastHour: number
  }
  failures: Array<{
    at: string
    kind: string
    accountId: string | null
    what: string
    error: string
  }>
}

const iso = (v: unknown) =>
  v === null || v === undefined ? null : new Date(v as string).toISOString()

export async function loadOperatorOverview(deps: {
  db: Db
  queue: Queue
  now: () => Date
}): Promise<OperatorOverview> {
  const accounts = rowsOf<Record<string, unknown>>(
    await deps.db.execute(sql`
      select a.account_id, a.livemode, a.status, a.connection, a.installed_at,
        (select count(*)::int from stripe_customers c
          where c.account_id = a.account_id and c.livemode = a.livemode and c.deleted_at is null) as customers,
        (select max(received_at) from stripe_events e
          where e.account_id = a.account_id and e.livemode = a.livemode) as last_webhook_at,
        r.kind as run_kind, r.state as run_state, r.finished_at as run_finished_at, r.error as run_error
      from accounts a
      left join lateral (
        select kind, state, finished_at, error from sync_runs s
        where s.account_id = a.account_id and s.livemode = a.livemode
        order by created_at desc limit 1
      ) r on true
      order by a.installed_at desc
      limit 200`)
  ).map((r): AccountHealth => ({
    accountId: String(r.account_id),
    mode: r.livemode ? 'live' : 'test',
    status: String(r.status),
    connection: String(r.connection),
    installedAt: iso(r.installed_at)!,
    customers: Number(r.customers),
    lastSync: r.run_kind
      ? {
          kind: String(r.run_kind),
          state: String(r.run_state),
          finishedAt: iso(r.run_finished_at),
          error: (r.run_error as string | null) ?? null,
        }
      : null,
    lastWebhookAt: iso(r.last_webhook_at),
  }))

  const [lag] = rowsOf<Record<string, unknown>>(
    await deps.db.execute(sql`
      select
        (select count(*)::int from stripe_events where processed_at is null) as unprocessed,
        (select extract(epoch from (${deps.now().toISOString()}::timestamptz - min(received_at)))
           from stripe_events where processed_at is null) as oldest_unprocessed,
        percentile_cont(0.5) within group (order by extract(epoch from (processed_at - received_at)) * 1000) as p50,
        max(extract(epoch from (processed_at - received_at)) * 1000) as max_ms,
        count(*)::int as last_hour
      from stripe_events
      where processed_at is not null and received_at > ${deps.now().toISOString()}::timestamptz - interval '1 hour'`)
  )

  const failures = rowsOf<Record<string, unknown>>(
    await deps.db.execute(sql`
      (select received_at as at, 'webhook' as kind, account_id, type as what, coalesce(error, outcome) as error
        from stripe_events where outcome in ('failed', 'retrying') order by received_at desc limit 10)
      union all
      (select updated_at as at, 'sync' as kind, account_id, object_type as what, error
        from sync_tasks where state = 'failed' order by updated_at desc limit 10)
      order by at desc limit 15`)
  ).map((r) => ({
    at: iso(r.at)!,
    kind: String(r.kind),
    accountId: (r.account_id as string | null) ?? null,
    what: String(r.what),
    error: String(r.error ?? ''),
  }))

  const queues = await Promise.all(
    queueNames
      .filter((n) => n !== 'selftest')
      .map(async (name) => ({ name, depth: await deps.queue.depth(name) }))
  )
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)))
  return {
    generatedAt: deps.now().toISOString(),
    accounts,
    queues,
    webhooks: {
      unprocessed: Number(lag?.unprocessed ?? 0),
      oldestUnprocessedSeconds: num(lag?.oldest_unprocessed),
      lagP50Ms: num(lag?.p50),
      lagMaxMs: num(lag?.max_ms),
      lastHour: Number(lag?.last_hour ?? 0),
    },
    failures,
  }
}
