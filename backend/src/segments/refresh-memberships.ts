// Orchestration for segment membership: seed the predefined segments for an account, and bring one
// segment's `segment_memberships` up to date with `customer_traits`, recording who entered and
// who left in `segment_transitions`. Membership is selected in SQL (compile-sql.ts); the stored
// explanation of a newcomer comes from the TS evaluator, which agrees with the SQL by test.
import { and, eq, inArray } from 'drizzle-orm'
import { evaluateRule } from '@holdfast/shared/segments/evaluate'
import { diffMembership } from '@holdfast/shared/segments/membership'
import { PREDEFINED_SEGMENTS } from '@holdfast/shared/segments/predefined'
import { SegmentRule } from '@holdfast/shared/segments/rule'
import type { Traits } from '@holdfast/shared/traits/catalog'
import type { Db } from '../db/client'
import { customerTraits, segmentMemberships, segmentTransitions, segments } from '../db/schema'
import { AppError } from '../errors'
import { compileRuleToSql } from './compile-sql'
import type { TraitsScope } from './select-members'

export type SegmentDeps = { db: Db; now: () => Date }

/** Inserts any predefined segment the account/mode lacks; existing ones (maybe edited) stay. */
export async function ensurePredefinedSegments(db: Db, scope: TraitsScope): Promise<void> {
  await db
    .insert(segments)
    .values(
      PREDEFINED_SEGMENTS.map((s) => ({
        ...scope,
        predefinedKey: s.key,
        name: s.name,
        description: s.description,
        rule: s.rule,
      }))
    )
    .onConflictDoNothing({
      target: [segments.accountId, segments.livemode, segments.predefinedKey],
    })
}

export type MembershipRefresh = { entered: string[]; left: string[]; members: number }

export async function refreshSegmentMemberships(
  deps: SegmentDeps,
  scope: TraitsScope,
  segmentId: string
): Promise<MembershipRefresh> {
  const { db } = deps
  const [segment] = await db
    .select({ rule: segments.rule })
    .from(segments)
    .where(
      and(
        eq(segments.id, segmentId),
        eq(segments.accountId, scope.accountId),
        eq(segments.livemode, scope.livemode)
      )
    )
  if (!segment) throw new AppError('not_found', `No segment ${segmentId} here`)
  const parsed = SegmentRule.safeParse(segment.rule)
  if (!parsed.success)
    throw new AppError(
      'unprocessable',
      `Segment ${segmentId} has an invalid rule; edit and save it again`
    )
  const rule = parsed.data
  const now = deps.now()

  const matching = await db
    .select({ customerId: customerTraits.customerId, traits: customerTraits.traits })
    .from(customerTraits)
    .where(
      and(
        eq(customerTraits.accountId, scope.accountId),
        eq(customerTraits.livemode, scope.livemode),
        compileRuleToSql(rule, now)
      )
    )
  const current = await db
    .select({ customerId: segmentMemberships.customerId })
    .from(segmentMemberships)
    .where(eq(segmentMemberships.segmentId, segmentId))
  const change = diffMembership(
    current.map((r) => r.customerId),
    matching.map((r) => r.customerId)
  )
  const traitsById = new Map(matching.map((r) => [r.customerId, r.traits as Traits]))

  await db.transaction(async (tx) => {
    if (change.entered.length > 0) {
      await tx
        .insert(segmentMemberships)
        .values(
          change.entered.map((customerId) => ({
            segmentId,
            ...scope,
            customerId,
            enteredAt: now,
            explanation: evaluateRule(rule, traitsById.get(customerId) ?? {}, now).explanation,
          }))
        )
        // A concurrent refresh may have added some already; run refreshes one per segment at a time.
        .onConflictDoNothing()
    }
    if (change.left.length > 0) {
      await tx
        .delete(segmentMemberships)
        .where(
          and(
            eq(segmentMemberships.segmentId, segmentId),
            inArray(segmentMemberships.customerId, change.left)
          )
        )
    }
    const transitions = [
      ...change.entered.map((customerId) => ({ customerId, kind: 'entered' })),
      ...change.left.map((customerId) => ({ customerId, kind: 'left' })),
    ]
    if (transitions.length > 0) {
      await tx
        .insert(segmentTransitions)
        .values(transitions.map((t) => ({ segmentId, ...scope, ...t, at: now })))
    }
  })
  return { ...change, members: matching.length }
}
