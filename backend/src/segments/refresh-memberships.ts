// Orchestration for segment membership: seed the predefined segments for an account, and bring one
// segment's `segment_memberships` up to date with `customer_traits`, recording who entered and
// who left in `segment_transitions`. Membership is selected in SQL (compile-sql.ts); the stored
// explanation of a newcomer comes from the TS evaluator, which agrees with the SQL by test.
import type { Scope } from '../kernel/scope'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { evaluateRule } from '@holdfast/shared/segments/evaluate'
import { PREDEFINED_SEGMENTS } from '@holdfast/shared/segments/predefined'
import { SegmentRule } from '@holdfast/shared/segments/rule'
import type { Traits } from '@holdfast/shared/traits/catalog'
import { rowsOf, type Db } from '../db/client'
import { customerTraits, segmentMemberships, segmentTransitions, segments } from '../db/schema'
import { AppError } from '../errors'
import { compileRuleToSql } from './compile-sql'
import { REFRESH_TIMEOUT_MS, withStatementTimeout } from './query-timeout'

export type SegmentDeps = { db: Db; now: () => Date }

/** Inserts any predefined segment the account/mode lacks; existing ones (maybe edited) stay. */
export async function ensurePredefinedSegments(db: Db, scope: Scope): Promise<void> {
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

/** Entered customers get their explanation stored when at most this many enter at once (bulk
 * entries are explained live by the customer profile, which evaluates rules on current traits). */
const EXPLAIN_ON_ENTRY_LIMIT = 2_000

/**
 * Full recompute of one segment (after a rule change, or the periodic sweep for relative dates),
 * set-based in one statement: the compiled rule selects the members, the difference with the
 * stored memberships is inserted/deleted, and each change is written to `segment_transitions`.
 */
export async function refreshSegmentMemberships(
  deps: SegmentDeps,
  scope: Scope,
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
  const where = compileRuleToSql(rule, now, { traits: sql`ct.traits` })
  const seg = sql`cast(${segmentId} as uuid)`
  const account = sql`cast(${scope.accountId} as text)`
  const live = sql`cast(${String(scope.livemode)} as boolean)`
  const at = sql`cast(${now.toISOString()} as timestamptz)`

  // One hash full join of "who matches" against "who is stored" gives both differences and the
  // count in a single pass; the writes then touch only the changes. With the default 4 MB of
  // work_mem a million-member hash spills to disk in batches, so this query gets more.
  type Diff = { members: unknown; entered: string[] | null; left: string[] | null }
  const [diff] = await withStatementTimeout(db, REFRESH_TIMEOUT_MS, async (tx) => {
    await tx.execute(sql`set local work_mem = '256MB'`)
    return rowsOf<Diff>(
      await tx.execute(sql`
      select count(m.customer_id) as members,
        to_jsonb(array_agg(m.customer_id) filter (where c.customer_id is null)) as entered,
        to_jsonb(array_agg(c.customer_id) filter (where m.customer_id is null)) as left
      from (
        select ct.customer_id from customer_traits ct
        where ct.account_id = ${account} and ct.livemode = ${live} and ${where}
      ) m
      full join (
        select sm.customer_id from segment_memberships sm where sm.segment_id = ${seg}
      ) c on c.customer_id = m.customer_id
    `)
    )
  })
  const entered = [...(diff?.entered ?? [])]
  const left = [...(diff?.left ?? [])]
  const members = Number(diff?.members ?? 0)
  if (entered.length > 0 || left.length > 0) {
    await db.transaction(async (tx) => {
      if (entered.length > 0)
        await tx.execute(sql`
          insert into segment_memberships (segment_id, account_id, livemode, customer_id, entered_at)
          select ${seg}, ${account}, ${live}, e.id, ${at}
          from jsonb_array_elements_text(cast(${JSON.stringify(entered)} as jsonb)) as e(id)
          on conflict do nothing
        `)
      if (left.length > 0)
        await tx.execute(sql`
          delete from segment_memberships
          where segment_id = ${seg} and customer_id in (
            select e.id from jsonb_array_elements_text(cast(${JSON.stringify(left)} as jsonb)) as e(id)
          )
        `)
      const changes = JSON.stringify([
        ...entered.map((id) => ({ id, kind: 'entered' })),
        ...left.map((id) => ({ id, kind: 'left' })),
      ])
      await tx.execute(sql`
        insert into segment_transitions (segment_id, account_id, livemode, customer_id, kind, at)
        select ${seg}, ${account}, ${live}, c.id, c.kind, ${at}
        from jsonb_to_recordset(cast(${changes} as jsonb)) as c(id text, kind text)
      `)
    })
  }
  entered.sort()
  left.sort()
  if (entered.length > 0 && entered.length <= EXPLAIN_ON_ENTRY_LIMIT)
    await storeExplanations(db, scope, segmentId, rule, entered, now)
  return { entered, left, members }
}

async function storeExplanations(
  db: Db,
  scope: Scope,
  segmentId: string,
  rule: SegmentRule,
  customerIds: string[],
  now: Date
) {
  for (let i = 0; i < customerIds.length; i += 1000) {
    const chunk = customerIds.slice(i, i + 1000)
    const rows = await db
      .select({ customerId: customerTraits.customerId, traits: customerTraits.traits })
      .from(customerTraits)
      .where(
        and(
          eq(customerTraits.accountId, scope.accountId),
          eq(customerTraits.livemode, scope.livemode),
          inArray(customerTraits.customerId, chunk)
        )
      )
    const values = rows.map((r) => ({
      customer_id: r.customerId,
      explanation: evaluateRule(rule, r.traits as Traits, now).explanation,
    }))
    if (values.length === 0) continue
    await db.execute(sql`
      update segment_memberships sm set explanation = v.explanation
      from jsonb_to_recordset(cast(${JSON.stringify(values)} as jsonb))
        as v(customer_id text, explanation jsonb)
      where sm.segment_id = cast(${segmentId} as uuid) and sm.customer_id = v.customer_id
    `)
  }
}

export type SegmentRow = { id: string; name: string; rule: unknown }
export type CustomerMembershipChange = {
  entered: Array<{ segmentId: string; name: string }>
  left: Array<{ segmentId: string; name: string }>
}

/** The scope's segments, seeding the predefined ones on first use. */
export async function loadSegments(db: Db, scope: Scope): Promise<SegmentRow[]> {
  const read = () =>
    db
      .select({
        id: segments.id,
        name: segments.name,
        rule: segments.rule,
        predefinedKey: segments.predefinedKey,
      })
      .from(segments)
      .where(and(eq(segments.accountId, scope.accountId), eq(segments.livemode, scope.livemode)))
  let rows = await read()
  if (rows.filter((r) => r.predefinedKey !== null).length < PREDEFINED_SEGMENTS.length) {
    await ensurePredefinedSegments(db, scope)
    rows = await read()
  }
  return rows
}

/** Ids of the segments a customer is stored as a member of. */
export async function loadCustomerSegmentIds(
  db: Db,
  scope: Scope,
  customerId: string
): Promise<string[]> {
  return (await loadCustomersSegmentIds(db, scope, [customerId])).get(customerId) ?? []
}

/** Ids of the segments each customer is stored as a member of (absent: none). */
export async function loadCustomersSegmentIds(
  db: Db,
  scope: Scope,
  customerIds: readonly string[]
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>()
  if (customerIds.length === 0) return result
  const rows = await db
    .select({ customerId: segmentMemberships.customerId, segmentId: segmentMemberships.segmentId })
    .from(segmentMemberships)
    .where(
      and(
        eq(segmentMemberships.accountId, scope.accountId),
        eq(segmentMemberships.livemode, scope.livemode),
        inArray(segmentMemberships.customerId, [...new Set(customerIds)])
      )
    )
  for (const row of rows)
    result.set(row.customerId, [...(result.get(row.customerId) ?? []), row.segmentId])
  return result
}

/**
 * Incremental membership: re-evaluates one customer against every segment of the scope (in TS,
 * the same meaning as the SQL), and records who entered and left. `traits` null = customer gone.
 */
export async function refreshCustomerMemberships(
  deps: SegmentDeps,
  scope: Scope,
  customerId: string,
  traits: Traits | null,
  preloaded?: { segments: SegmentRow[]; memberOf: string[] }
): Promise<CustomerMembershipChange> {
  const changes = await refreshCustomersMemberships(
    deps,
    scope,
    new Map([[customerId, traits]]),
    preloaded && {
      segments: preloaded.segments,
      memberOf: new Map([[customerId, preloaded.memberOf]]),
    }
  )
  return changes.get(customerId)!
}

/**
 * The same for several customers at once, with a fixed number of queries: `traits` maps each
 * customer to their traits (null = gone); the result has every customer's change.
 */
export async function refreshCustomersMemberships(
  deps: SegmentDeps,
  scope: Scope,
  traits: ReadonlyMap<string, Traits | null>,
  preloaded?: { segments: SegmentRow[]; memberOf: ReadonlyMap<string, string[]> }
): Promise<Map<string, CustomerMembershipChange>> {
  const { db } = deps
  const now = deps.now()
  const ids = [...traits.keys()]
  const [all, memberOf] = preloaded
    ? [preloaded.segments, preloaded.memberOf]
    : await Promise.all([loadSegments(db, scope), loadCustomersSegmentIds(db, scope, ids)])
  const rules = all.flatMap((segment) => {
    const parsed = SegmentRule.safeParse(segment.rule)
    // A broken rule keeps its members as they are until it is saved again.
    return parsed.success ? [{ segment, rule: parsed.data }] : []
  })
  const known = new Set(all.map((s) => s.id))
  const changes = new Map<string, CustomerMembershipChange>()
  const entered: Array<{ customerId: string; segmentId: string; explanation: unknown }> = []
  const gone: Array<{ customerId: string; segmentId: string }> = []
  const transitions: Array<{ customerId: string; segmentId: string; kind: string }> = []
  for (const [customerId, customerTraits] of traits) {
    const isMember = new Set(memberOf.get(customerId) ?? [])
    const change: CustomerMembershipChange = { entered: [], left: [] }
    for (const { segment, rule } of rules) {
      const result = customerTraits ? evaluateRule(rule, customerTraits, now) : null
      const was = isMember.has(segment.id)
      if (result?.matched && !was) {
        change.entered.push({ segmentId: segment.id, name: segment.name })
        entered.push({ customerId, segmentId: segment.id, explanation: result.explanation })
        transitions.push({ customerId, segmentId: segment.id, kind: 'entered' })
      } else if (!result?.matched && was) {
        change.left.push({ segmentId: segment.id, name: segment.name })
        gone.push({ customerId, segmentId: segment.id })
        transitions.push({ customerId, segmentId: segment.id, kind: 'left' })
      }
    }
    // Memberships of segments deleted meanwhile go too.
    for (const id of isMember) if (!known.has(id)) gone.push({ customerId, segmentId: id })
    changes.set(customerId, change)
  }
  if (entered.length === 0 && gone.length === 0) return changes

  await db.transaction(async (tx) => {
    if (entered.length > 0) {
      await tx
        .insert(segmentMemberships)
        .values(entered.map((e) => ({ ...e, ...scope, enteredAt: now })))
        .onConflictDoNothing()
    }
    if (gone.length > 0) {
      const pairs = sql.join(
        gone.map((g) => sql`(${g.segmentId}::uuid, ${g.customerId})`),
        sql`, `
      )
      await tx.execute(sql`
        delete from segment_memberships
        where account_id = ${scope.accountId} and livemode = ${scope.livemode}
          and (segment_id, customer_id) in (${pairs})`)
    }
    if (transitions.length > 0) {
      await tx
        .insert(segmentTransitions)
        .values(transitions.map((t) => ({ ...t, ...scope, at: now })))
    }
  })
  return changes
}
