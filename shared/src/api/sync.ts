// The extension ↔ backend contract for sync: health (GET /api/v1/sync), starting the import with
// the merchant's choice (POST /api/v1/sync/import), reconciling on demand (POST /api/v1/sync/reconcile)
// and one run in detail (GET /api/v1/sync/runs/:runId).
import { z } from 'zod'

export const SyncObjectType = z.enum([
  'customer',
  'subscription',
  'subscription_item',
  'price',
  'product',
  'coupon',
  'promotion_code',
  'discount',
  'invoice',
  'invoice_payment',
  'charge',
  'payment_method',
])
export type SyncObjectType = z.infer<typeof SyncObjectType>

/**
 * not_started: no import yet · pending/running: the import is under way · done · failed: gave up
 * (see failures) · skipped: the merchant chose "only changes from now on" · canceled.
 */
export const SyncTypeState = z.enum([
  'not_started',
  'pending',
  'running',
  'done',
  'failed',
  'skipped',
  'canceled',
])
export type SyncTypeState = z.infer<typeof SyncTypeState>

export const SyncFailure = z.object({
  /** Why, in Stripe's words where Stripe refused (e.g. a missing permission). */
  reason: z.string(),
  at: z.string().nullable(),
  attempts: z.number().int(),
  /** True while it will be tried again by itself. */
  retrying: z.boolean(),
  /** import | reconcile */
  during: z.enum(['import', 'reconcile']),
})
export type SyncFailure = z.infer<typeof SyncFailure>

export const SyncObjectHealth = z.object({
  type: SyncObjectType,
  state: SyncTypeState,
  /** Rows we hold (not deleted). */
  held: z.number().int(),
  /** How many Stripe showed at the last complete listing; null until one finished. */
  atStripe: z.number().int().nullable(),
  /** Listed so far by the current (or last) import. */
  listed: z.number().int(),
  /** 0–100 while importing (an estimate from how far back in time the listing got); 100 when done. */
  progress: z.number().min(0).max(100).nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  failures: z.array(SyncFailure),
})
export type SyncObjectHealth = z.infer<typeof SyncObjectHealth>

export const ImportChoice = z.enum(['existing', 'changes_only'])
export type ImportChoice = z.infer<typeof ImportChoice>

export const SyncRunState = z.enum(['pending', 'running', 'done', 'failed', 'canceled'])

export const CountsByType = z.record(z.string(), z.number().int())

export const ReconcileFixed = z.object({
  /** Events the webhooks had not brought (now stored and applied), by event type. */
  missedEvents: CountsByType,
  /** Objects Stripe has that we lacked. */
  added: CountsByType,
  /** Objects whose held copy differed from Stripe's. */
  updated: CountsByType,
  /** Objects deleted at Stripe that we still held (now tombstones). */
  deleted: CountsByType,
  total: z.number().int(),
})
export type ReconcileFixed = z.infer<typeof ReconcileFixed>

export const SyncHealth = z.object({
  accountId: z.string(),
  mode: z.enum(['test', 'live']),
  /** importing: the first import runs · done: every type imported, none failed. */
  state: z.enum(['not_started', 'importing', 'done', 'failed', 'changes_only', 'canceled']),
  /** True only when no object type failed and the import finished (or was skipped by choice). */
  done: z.boolean(),
  import: z
    .object({
      runId: z.string(),
      state: SyncRunState,
      choice: ImportChoice,
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      progress: z.number().min(0).max(100).nullable(),
      /** 429s Stripe answered during the import (each was waited out and retried). */
      rateLimited: z.number().int(),
    })
    .nullable(),
  objects: z.array(SyncObjectHealth),
  webhooks: z.object({
    lastReceivedAt: z.string().nullable(),
    /** Seconds between the newest webhook's event and its arrival. */
    lagSeconds: z.number().nullable(),
    /** Stored, not yet applied. */
    pending: z.number().int(),
    /** Given up on after retries. */
    failed: z.number().int(),
    /** Customers whose traits, segments and stage are being recomputed after applied events. */
    traitsPending: z.number().int(),
  }),
  reconciliation: z
    .object({
      runId: z.string(),
      state: SyncRunState,
      mode: z.enum(['events', 'full']).nullable(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      fixed: ReconcileFixed,
      error: z.string().nullable(),
    })
    .nullable(),
})
export type SyncHealth = z.infer<typeof SyncHealth>

export const SyncImportRequest = z.object({ choice: ImportChoice.default('existing') })
export type SyncImportRequest = z.infer<typeof SyncImportRequest>

export const SyncStarted = z.object({
  runId: z.string().nullable(),
  /** False when a run was already going (its id is returned). */
  started: z.boolean(),
  state: SyncRunState,
})
export type SyncStarted = z.infer<typeof SyncStarted>

export const SyncRunDetail = z.object({
  id: z.string(),
  kind: z.enum(['backfill', 'reconcile']),
  state: SyncRunState,
  summary: z.record(z.string(), z.unknown()),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  tasks: z.array(
    z.object({
      id: z.number().int(),
      objectType: z.string(),
      windowStart: z.number().int().nullable(),
      windowEnd: z.number().int().nullable(),
      state: z.string(),
      fetched: z.number().int(),
      pages: z.number().int(),
      attempts: z.number().int(),
      error: z.string().nullable(),
    })
  ),
})
export type SyncRunDetail = z.infer<typeof SyncRunDetail>
