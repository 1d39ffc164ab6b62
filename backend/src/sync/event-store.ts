// stripe_events is both the record of every event and the webhook work queue: a row with
// processed_at null is a job. Workers claim rows with FOR UPDATE SKIP LOCKED, so any number of
// processes can drain it and each event is applied by one of them.
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import { stripeEvents } from '../db/schema'

export type NewEvent = typeof stripeEvents.$inferInsert

/** Inserts the event; false when this event id was stored before (a duplicate delivery). */
export async function storeEvent(db: Db, event: NewEvent): Promise<boolean> {
  const inserted = await db
    .insert(stripeEvents)
    .values(event)
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id })
  return inserted.length === 1
}

/** Inserts many events at once; returns the ids that were new (not stored before). */
export async function storeEvents(db: Db, events: NewEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set()
  const inserted = await db
    .insert(stripeEvents)
    .values(events)
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id })
  return new Set(inserted.map((r) => r.id))
}

export type ClaimedEvent = {
  id: string
  accountId: string | null
  livemode: boolean
  type: string
  created: number
  payload: Record<string, unknown>
  attempts: number
  receivedAt: Date
}

/** Claims up to `limit` unprocessed events, oldest first, for `holdSeconds`. */
export async function claimEvents(
  db: Db,
  limit: number,
  holdSeconds = 60
): Promise<ClaimedEvent[]> {
  const result = await db.execute(sql`
    with next as (
      select id from stripe_events
      where processed_at is null and (claimed_until is null or claimed_until < now())
      order by created, received_at
      limit ${limit}
      for update skip locked
    )
    update stripe_events e
    set claimed_until = now() + make_interval(secs => ${holdSeconds}), attempts = e.attempts + 1
    from next where e.id = next.id
    returning e.id, e.account_id, e.livemode, e.type, e.created, e.payload, e.attempts, e.received_at`)
  return rowsOf<Record<string, unknown>>(result)
    .map((r) => ({
      id: String(r.id),
      accountId: (r.account_id as string | null) ?? null,
      livemode: Boolean(r.livemode),
      type: String(r.type),
      created: Number(r.created),
      payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<
        string,
        unknown
      >,
      attempts: Number(r.attempts),
      receivedAt: new Date(r.received_at as string | Date),
    }))
    .sort((a, b) => a.created - b.created)
}

/** Marks an event applied (or given up on), or leaves it for a retry after `retryInSeconds`. */
export async function finishEvent(
  db: Db,
  id: string,
  result: { outcome: string; error?: string } & (
    { done: true } | { done: false; retryInSeconds: number }
  )
) {
  const claimedUntil = result.done
    ? sql`null`
    : sql`now() + make_interval(secs => ${result.retryInSeconds})`
  await db.execute(sql`
    update stripe_events
    set outcome = ${result.outcome}, error = ${result.error ?? null}, claimed_until = ${claimedUntil},
        processed_at = ${result.done ? sql`now()` : sql`null`}
    where id = ${id}`)
}

/** Marks many events applied in one statement. */
export async function finishEvents(db: Db, results: Array<{ id: string; outcome: string }>) {
  if (results.length === 0) return
  const values = sql.join(
    results.map((r) => sql`(${r.id}, ${r.outcome})`),
    sql`, `
  )
  await db.execute(sql`
    update stripe_events e
    set outcome = v.outcome, error = null, claimed_until = null, processed_at = now()
    from (values ${values}) as v(id, outcome)
    where e.id = v.id`)
}
