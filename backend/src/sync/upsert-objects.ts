// Writes Stripe objects into their tables with the freshness guard: a row only changes when the
// incoming version is newer than the one it holds, and a tombstoned row never changes again.
// Both the webhook path and backfill/reconciliation write through here.
import type { Scope } from '../kernel/scope'
import { getTableName, sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import { objectSpecs, type StripeObject } from './stripe-objects'

export type Version = {
  /** Unix seconds the data is "as of": the event's `created`, or when a page was fetched. */
  at: number
  eventId: string | null
  /** Overwrite a row holding the same `at` too (used after re-fetching to settle a tie). */
  replaceSameSecond?: boolean
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Upserts objects of one type; returns the ids that were written. */
export async function upsertObjects(
  db: Db,
  scope: Scope,
  type: string,
  objects: StripeObject[],
  version: Version,
  options: { deleted?: boolean } = {}
): Promise<Set<string>> {
  const spec = objectSpecs[type]
  if (!spec) throw new Error(`no table for Stripe object type ${type}`)
  if (objects.length === 0) return new Set()
  const table = sql.identifier(getTableName(spec.table))
  const extraNames = Object.keys(spec.columns(objects[0]!)).map(snake)
  const columns = [
    'account_id',
    'livemode',
    'id',
    'created',
    'data',
    'last_event_at',
    'last_event_id',
    'deleted_at',
    ...extraNames,
  ]
  const deletedAt = options.deleted ? sql`now()` : sql`null`
  // One row per id: the last occurrence wins within a batch.
  const unique = [...new Map(objects.map((o) => [o.id, o])).values()]
  // The whole batch travels as one JSON parameter that Postgres takes apart: a page of 100 objects
  // costs one stringify and one parse instead of a thousand bound parameters.
  const extraKeys = Object.keys(spec.columns(objects[0]!))
  const batch = JSON.stringify(
    unique.map((o) => ({
      id: o.id,
      created: typeof o.created === 'number' ? o.created : null,
      data: o,
      extra: Object.values(spec.columns(o)),
    }))
  )
  const select = [
    sql`${scope.accountId}::text`,
    sql`${scope.livemode}::boolean`,
    sql`r->>'id'`,
    sql`(r->>'created')::bigint`,
    sql`r->'data'`,
    sql`${version.at}::bigint`,
    sql`${version.eventId}::text`,
    deletedAt,
    ...extraKeys.map((_, i) => sql`r->'extra'->>${sql.raw(String(i))}`),
  ]
  const updates = columns
    .filter((c) => !['account_id', 'livemode', 'id'].includes(c))
    .map((c) => sql`${sql.identifier(c)} = excluded.${sql.identifier(c)}`)
  const newer = version.replaceSameSecond
    ? sql`${table}.last_event_at <= excluded.last_event_at`
    : sql`${table}.last_event_at < excluded.last_event_at`
  const result = await db.execute(sql`
    insert into ${table} (${sql.join(
      columns.map((c) => sql.identifier(c)),
      sql`, `
    )})
    select ${sql.join(select, sql`, `)}
    from jsonb_array_elements(${batch}::jsonb) as r
    on conflict (account_id, livemode, id) do update
    set ${sql.join(updates, sql`, `)}, synced_at = now()
    where ${table}.deleted_at is null
      and (${table}.last_event_at is null or ${newer})
    returning id`)
  return new Set(rowsOf<{ id: string }>(result).map((r) => r.id))
}

export type StoredVersion = {
  lastEventAt: number | null
  lastEventId: string | null
  deleted: boolean
}

export async function storedVersion(
  db: Db,
  scope: Scope,
  type: string,
  id: string
): Promise<StoredVersion | undefined> {
  const spec = objectSpecs[type]!
  const result = await db.execute(sql`
    select last_event_at, last_event_id, deleted_at is not null as deleted
    from ${sql.identifier(getTableName(spec.table))}
    where account_id = ${scope.accountId} and livemode = ${scope.livemode} and id = ${id}`)
  const row = rowsOf<Record<string, unknown>>(result)[0]
  if (!row) return undefined
  return {
    lastEventAt: row.last_event_at === null ? null : Number(row.last_event_at),
    lastEventId: (row.last_event_id as string | null) ?? null,
    deleted: Boolean(row.deleted),
  }
}
