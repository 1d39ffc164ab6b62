// Outcomes of retention actions: was the subscription still there 30/60/90 days later, and what
// MRR did it keep. Recorded by a daily job (queue `action-outcomes`) and, for one account, just
// before its actions are listed or summarised, so reads are never behind.
import type { Scope } from '../kernel/scope'
import { and, desc, eq, inArray, isNotNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import type Stripe from 'stripe'
import {
  dueMilestones,
  keptMrr,
  outcomeStatus,
  SAVE_KINDS,
  wasActiveAt,
  type ActionOutcome,
} from '@holdfast/shared/actions/outcomes'
import type {
  ActionList,
  ActionListQuery,
  ActionRun,
  ActionSummary,
} from '@holdfast/shared/api/actions'
import type { MoneyByCurrency } from '@holdfast/shared/money'
import { actionRuns, offers, stripeSubscriptions } from '../db/schema'
import { AppError } from '../errors'
import type { AppDeps } from '../kernel/deps'
import { subscriptionMrr } from './run-action'

const DAY = 86_400
const BATCH = 200

/** Stamps every milestone reached since the last pass; returns how many runs changed. */
export async function recordDueOutcomes(
  deps: Pick<AppDeps, 'db' | 'now'>,
  scope?: Scope
): Promise<number> {
  const now = deps.now()
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const firstDue = new Date((nowSeconds - 30 * DAY) * 1000)
  let changed = 0
  let after: string | null = null
  for (;;) {
    const runs: (typeof actionRuns.$inferSelect)[] = await deps.db
      .select()
      .from(actionRuns)
      .where(
        and(
          scope ? eq(actionRuns.accountId, scope.accountId) : undefined,
          scope ? eq(actionRuns.livemode, scope.livemode) : undefined,
          eq(actionRuns.state, 'succeeded'),
          isNotNull(actionRuns.finishedAt),
          lte(actionRuns.finishedAt, firstDue),
          sql`(${actionRuns.outcome} is null or not (${actionRuns.outcome} ? 'd90'))`,
          after ? sql`${actionRuns.id} > ${after}` : undefined
        )
      )
      .orderBy(actionRuns.id)
      .limit(BATCH)
    if (runs.length === 0) break
    after = runs.at(-1)!.id
    for (const run of runs) {
      const finished = Math.floor(run.finishedAt!.getTime() / 1000)
      const outcome: ActionOutcome = { ...((run.outcome as ActionOutcome | null) ?? {}) }
      const due = dueMilestones(finished, nowSeconds).filter((m) => !outcome[`d${m}`])
      if (due.length === 0 || !run.subscriptionId || !run.customerId) continue
      const runScope = { accountId: run.accountId, livemode: run.livemode }
      const [row] = await deps.db
        .select({ data: stripeSubscriptions.data })
        .from(stripeSubscriptions)
        .where(
          and(
            eq(stripeSubscriptions.accountId, run.accountId),
            eq(stripeSubscriptions.livemode, run.livemode),
            eq(stripeSubscriptions.id, run.subscriptionId)
          )
        )
      const sub = row?.data as Stripe.Subscription | undefined
      const state = sub
        ? { status: sub.status, endedAt: sub.ended_at ?? null }
        : { status: 'canceled', endedAt: null }
      let mrr: MoneyByCurrency | null = null
      for (const m of due) {
        const active = sub ? wasActiveAt(state, finished + m * DAY) : false
        mrr ??= active
          ? await subscriptionMrr(deps, runScope, run.customerId, run.subscriptionId)
          : {}
        outcome[`d${m}`] = { active, mrr: active ? mrr : {}, checkedAt: nowSeconds }
      }
      await deps.db.update(actionRuns).set({ outcome }).where(eq(actionRuns.id, run.id))
      changed += 1
    }
    if (runs.length < BATCH) break
  }
  return changed
}

function toActionRun(row: typeof actionRuns.$inferSelect): ActionRun {
  const outcome = row.outcome as ActionOutcome | null
  return {
    id: row.id,
    kind: row.kind,
    userId: row.userId,
    userRoles: row.userRoles as string[],
    customerId: row.customerId,
    subscriptionId: row.subscriptionId,
    offerId: row.offerId,
    params: row.params,
    state: row.state as ActionRun['state'],
    stripeRequestId: row.stripeRequestId,
    error: row.error,
    mrrBefore: (row.mrrBefore as MoneyByCurrency | null) ?? null,
    outcome: row.state === 'succeeded' ? { status: outcomeStatus(outcome), ...outcome } : null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }
}

function encodeCursor(row: { startedAt: Date; id: string }) {
  return Buffer.from(`${row.startedAt.toISOString()}|${row.id}`).toString('base64url')
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|')
  const startedAt = new Date(at ?? '')
  if (!id || Number.isNaN(startedAt.getTime()))
    throw new AppError('bad_request', 'cursor is not one this API gave out; start without it.')
  return { startedAt, id }
}

/** The audit trail, newest first, filtered and paged (keyset on started_at, id). */
export async function listActions(
  deps: Pick<AppDeps, 'db' | 'now'>,
  scope: Scope,
  query: ActionListQuery
): Promise<ActionList> {
  await recordDueOutcomes(deps, scope)
  const conditions: (SQL | undefined)[] = [
    eq(actionRuns.accountId, scope.accountId),
    eq(actionRuns.livemode, scope.livemode),
    query.customerId ? eq(actionRuns.customerId, query.customerId) : undefined,
    query.subscriptionId ? eq(actionRuns.subscriptionId, query.subscriptionId) : undefined,
    query.userId ? eq(actionRuns.userId, query.userId) : undefined,
    query.kind ? eq(actionRuns.kind, query.kind) : undefined,
  ]
  if (query.cursor) {
    const c = decodeCursor(query.cursor)
    conditions.push(
      or(
        lt(actionRuns.startedAt, c.startedAt),
        and(eq(actionRuns.startedAt, c.startedAt), lt(actionRuns.id, c.id))
      )
    )
  }
  const rows = await deps.db
    .select()
    .from(actionRuns)
    .where(and(...conditions))
    .orderBy(desc(actionRuns.startedAt), desc(actionRuns.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  return {
    data: page.map(toActionRun),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  }
}

type Row = ActionSummary['totals']
const emptyRow = (): Row => ({ actions: 0, saves: 0, lost: 0, pending: 0, savedMrr: {} })

function count(row: Row, outcome: ActionOutcome | null) {
  row.actions += 1
  const status = outcomeStatus(outcome)
  if (status === 'saved') {
    row.saves += 1
    for (const [currency, amount] of Object.entries(keptMrr(outcome)))
      row.savedMrr[currency] = (row.savedMrr[currency] ?? 0) + amount
  } else if (status === 'lost') row.lost += 1
  else row.pending += 1
}

/**
 * Saves and saved MRR over the succeeded actions that try to keep a customer (not cancel or
 * resume-collection): a save is a subscription still there at its latest milestone (30/60/90 d).
 */
export async function summarizeActions(
  deps: Pick<AppDeps, 'db' | 'now'>,
  scope: Scope
): Promise<ActionSummary> {
  await recordDueOutcomes(deps, scope)
  const rows = await deps.db
    .select({
      kind: actionRuns.kind,
      userId: actionRuns.userId,
      offerId: actionRuns.offerId,
      outcome: actionRuns.outcome,
    })
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.accountId, scope.accountId),
        eq(actionRuns.livemode, scope.livemode),
        eq(actionRuns.state, 'succeeded'),
        inArray(actionRuns.kind, [...SAVE_KINDS])
      )
    )
  const offerIds = [...new Set(rows.map((r) => r.offerId).filter((id): id is string => !!id))]
  const names = new Map<string, string>()
  if (offerIds.length > 0) {
    const found = await deps.db
      .select({ id: offers.id, name: offers.name })
      .from(offers)
      .where(
        and(
          eq(offers.accountId, scope.accountId),
          eq(offers.livemode, scope.livemode),
          inArray(offers.id, offerIds)
        )
      )
    for (const o of found) names.set(o.id, o.name)
  }
  const totals = emptyRow()
  const byOffer = new Map<string, Row>()
  const byAgent = new Map<string, Row>()
  const byKind = new Map<string, Row>()
  const bucket = (map: Map<string, Row>, key: string) => {
    let row = map.get(key)
    if (!row) map.set(key, (row = emptyRow()))
    return row
  }
  for (const r of rows) {
    const outcome = r.outcome as ActionOutcome | null
    count(totals, outcome)
    count(bucket(byOffer, r.offerId ?? ''), outcome)
    count(bucket(byAgent, r.userId), outcome)
    count(bucket(byKind, r.kind), outcome)
  }
  return {
    totals,
    byOffer: [...byOffer].map(([offerId, row]) => ({
      offerId: offerId || null,
      offerName: offerId ? (names.get(offerId) ?? 'Deleted offer') : 'No offer',
      ...row,
    })),
    byAgent: [...byAgent].map(([userId, row]) => ({ userId, ...row })),
    byKind: [...byKind].map(([kind, row]) => ({ kind, ...row })),
  }
}
