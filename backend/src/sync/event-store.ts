// stripe_events is both the record of every event and the webhook work queue: a row with
// processed_at null is a job. Workers claim rows with FOR UPDATE SKIP LOCKED, so any number of
// processes can drain it and each event is applied by one of them.
import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '../db/client'
import { isDataError } from '../db/errors'
import { stripeEvents } from '../db/schema'

export type NewEvent = typeof stripeEvents.$inferInsert

/** Told whenever events were stored, so workers in other processes wake at once (see listen). */
export const EVENTS_STORED_CHANNEL = 'holdfast_events_stored'

/**
 * Stores webhook events with group commit: while one insert is in flight, the events arriving
 * meanwhile wait and then go in together as one multi-row insert. At a trickle every event is
 * written alone and at once; under load, one round trip and one WAL flush serve many requests.
 * Each caller learns whether its event was new (false: a duplicate delivery) only after the
 * commit. If Postgres refuses a value in a batch, its events are written one by one, so one bad
 * event fails alone; any other failure fails the whole batch (Stripe retries each event).
 */
export function createEventWriter(db: Db, options: { maxBatch?: number } = {}) {
  const maxBatch = options.maxBatch ?? 200
  type Waiting = {
    event: NewEvent
    resolve: (isNew: boolean) => void
    reject: (err: unknown) => void
  }
  let waiting: Waiting[] = []
  let writing = false

  async function writeBatch(batch: Waiting[]) {
    try {
      const inserted = await storeEvents(
        db,
        batch.map((w) => w.event)
      )
      // The same event twice in one batch: the first delivery is the new one.
      for (const w of batch) w.resolve(inserted.delete(w.event.id))
    } catch (err) {
      // Postgres refused some value (say, a \u0000 in a payload): find which. Any other failure
      // (the database unreachable) fails the whole batch at once, and Stripe retries each event.
      if (batch.length > 1 && isDataError(err)) {
        for (const w of batch) await writeBatch([w])
      } else {
        for (const w of batch) w.reject(err)
      }
    }
  }

  async function drain() {
    writing = true
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, maxBatch)
        waiting = waiting.slice(maxBatch)
        await writeBatch(batch)
      }
    } finally {
      writing = false
    }
  }

  return {
    /** Resolves after the commit: true when the event is new, false for a duplicate delivery. */
    store(event: NewEvent): Promise<boolean> {
      return new Promise((resolve, reject) => {
        waiting.push({ event, resolve, reject })
        if (!writing) void drain()
      })
    },
  }
}

/** Inserts many events at once; returns the ids that were new (not stored before). */
export async function storeEvents(db: Db, events: NewEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set()
  const inserted = await db
    .insert(stripeEvents)
    .values(events)
    .onConflictDoNothing({ target: stripeEvents.id })
    // Delivered at commit, once per transaction however many rows: wakes listening workers.
    .returning({ id: stripeEvents.id, notified: sql`pg_notify(${EVENTS_STORED_CHANNEL}, '')` })
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
