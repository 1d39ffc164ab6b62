// Everything the customer panel shows, read in parallel from what refreshCustomer stored:
// traits, segments (explained against the current traits), stage, a timeline page, actions.
import type { Scope } from '../kernel/scope'
import { and, desc, eq, lt, or } from 'drizzle-orm'
import type Stripe from 'stripe'
import { availableActions as eligibleActions } from '@holdfast/shared/actions/eligibility'
import type { AvailableAction, CustomerProfile } from '@holdfast/shared/api/customers'
import { evaluateRule } from '@holdfast/shared/segments/evaluate'
import { SegmentRule } from '@holdfast/shared/segments/rule'
import { LifecycleStage } from '@holdfast/shared/stages/stages'
import type { Traits } from '@holdfast/shared/traits/catalog'
import { subscriptionFacts } from '../actions/subscription-facts'
import type { Db } from '../db/client'
import {
  customerStages,
  customerTraits,
  segmentMemberships,
  segments,
  stripeCustomers,
  stripeSubscriptions,
  timelineEntries,
} from '../db/schema'
import { AppError } from '../errors'
import { loadSegments } from '../segments/refresh-memberships'
import { groupTraits } from './group-traits'
import { refreshCustomer, type RefreshCustomerDeps } from './on-customer-changed'

export async function loadCustomerProfile(
  deps: RefreshCustomerDeps,
  scope: Scope,
  customerId: string,
  page: { timelineCursor?: string; timelineLimit: number }
): Promise<CustomerProfile> {
  const { db } = deps
  const now = deps.now()
  // Everything in one round of parallel queries; the traits row is missing only for a customer
  // synced but never computed, which is then computed and read again.
  const subscriptionsQuery = db
    .select({ id: stripeSubscriptions.id, data: stripeSubscriptions.data })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.accountId, scope.accountId),
        eq(stripeSubscriptions.livemode, scope.livemode),
        eq(stripeSubscriptions.customerId, customerId)
      )
    )
  const [firstRow, firstSegments, timeline, subscriptions] = await Promise.all([
    readTraits(db, scope, customerId),
    loadSegmentsWithMembership(db, scope, customerId),
    readTimeline(db, scope, customerId, page),
    subscriptionsQuery,
  ])
  let row = firstRow
  let allSegments = firstSegments
  if (!row) {
    const [synced] = await db
      .select({ id: stripeCustomers.id })
      .from(stripeCustomers)
      .where(
        and(
          eq(stripeCustomers.accountId, scope.accountId),
          eq(stripeCustomers.livemode, scope.livemode),
          eq(stripeCustomers.id, customerId)
        )
      )
    if (!synced) throw new AppError('not_found', `No synced customer ${customerId} here`)
    await refreshCustomer(deps, scope, customerId)
    ;[row, allSegments] = await Promise.all([
      readTraits(db, scope, customerId),
      loadSegmentsWithMembership(db, scope, customerId),
    ])
    if (!row) throw new AppError('not_found', `No synced customer ${customerId} here`)
  }
  const traits = row.traits as Traits
  const memberOf = allSegments.flatMap((s) => {
    if (s.hidden) return []
    const rule = SegmentRule.safeParse(s.rule)
    if (!rule.success) return []
    const result = evaluateRule(rule.data, traits, now)
    if (!result.matched) return []
    return [
      {
        id: s.id,
        name: s.name,
        predefinedKey: s.predefinedKey,
        enteredAt: s.enteredAt?.toISOString() ?? null,
        explanation: result.explanation,
      },
    ]
  })
  return {
    customerId,
    computedAt: row.computedAt.toISOString(),
    traits: groupTraits(traits),
    segments: memberOf,
    stage: {
      stage: LifecycleStage.catch('none').parse(row.stage),
      since: row.since?.toISOString() ?? null,
    },
    timeline,
    actions: availableActions(subscriptions, now),
  }
}

async function readTraits(db: Db, scope: Scope, customerId: string) {
  const [row] = await db
    .select({
      traits: customerTraits.traits,
      computedAt: customerTraits.computedAt,
      stage: customerStages.stage,
      since: customerStages.since,
    })
    .from(customerTraits)
    .leftJoin(
      customerStages,
      and(
        eq(customerStages.accountId, customerTraits.accountId),
        eq(customerStages.livemode, customerTraits.livemode),
        eq(customerStages.customerId, customerTraits.customerId)
      )
    )
    .where(
      and(
        eq(customerTraits.accountId, scope.accountId),
        eq(customerTraits.livemode, scope.livemode),
        eq(customerTraits.customerId, customerId)
      )
    )
  return row
}

/** The scope's segments (seeded on first use), each with when this customer entered it. */
async function loadSegmentsWithMembership(db: Db, scope: Scope, customerId: string) {
  const read = () =>
    db
      .select({
        id: segments.id,
        name: segments.name,
        rule: segments.rule,
        hidden: segments.hidden,
        predefinedKey: segments.predefinedKey,
        enteredAt: segmentMemberships.enteredAt,
      })
      .from(segments)
      .leftJoin(
        segmentMemberships,
        and(
          eq(segmentMemberships.segmentId, segments.id),
          eq(segmentMemberships.customerId, customerId)
        )
      )
      .where(and(eq(segments.accountId, scope.accountId), eq(segments.livemode, scope.livemode)))
  const rows = await read()
  if (rows.length > 0) return rows
  await loadSegments(db, scope)
  return read()
}

/** Cursor `<at ms>:<id>`; entries newest first. */
async function readTimeline(
  db: Db,
  scope: Scope,
  customerId: string,
  page: { timelineCursor?: string; timelineLimit: number }
): Promise<CustomerProfile['timeline']> {
  const conditions = [
    eq(timelineEntries.accountId, scope.accountId),
    eq(timelineEntries.livemode, scope.livemode),
    eq(timelineEntries.customerId, customerId),
  ]
  if (page.timelineCursor) {
    const match = /^(\d+):(\d+)$/.exec(page.timelineCursor)
    if (!match)
      throw new AppError('bad_request', 'timelineCursor is not one we gave out; start without it')
    const at = new Date(Number(match[1]))
    const id = Number(match[2])
    conditions.push(
      or(lt(timelineEntries.at, at), and(eq(timelineEntries.at, at), lt(timelineEntries.id, id)))!
    )
  }
  const rows = await db
    .select()
    .from(timelineEntries)
    .where(and(...conditions))
    .orderBy(desc(timelineEntries.at), desc(timelineEntries.id))
    .limit(page.timelineLimit + 1)
  const more = rows.length > page.timelineLimit
  const entries = rows.slice(0, page.timelineLimit)
  const last = entries.at(-1)
  return {
    entries: entries.map((e) => ({
      id: String(e.id),
      kind: e.kind,
      title: e.title,
      at: e.at.toISOString(),
      details: e.details ?? null,
    })),
    nextCursor: more && last ? `${last.at.getTime()}:${last.id}` : null,
  }
}

/** What each synced subscription allows now, by the retention actions' own eligibility rules. */
export function availableActions(
  subscriptions: Array<{ id: string; data: unknown }>,
  now: Date
): AvailableAction[] {
  return subscriptions.flatMap((sub) =>
    eligibleActions(subscriptionFacts(sub.data as Stripe.Subscription), now)
      .filter((a) => a.verdict.ok)
      .map((a) => ({ kind: a.kind, label: a.label, subscriptionId: sub.id }))
  )
}
