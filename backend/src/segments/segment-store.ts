// Segments as the API sees them: list with member counts and MRR per currency, a page of
// members, CSV export, and create/update/delete. Rule changes recompute membership in full.
import type { Scope } from '../kernel/scope'
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type {
  SegmentCreate,
  SegmentMember,
  SegmentSummary,
  SegmentUpdate,
  SegmentPreview,
} from '@holdfast/shared/api/segments'
import { describeRule } from '@holdfast/shared/segments/describe-rule'
import { checkRule, SegmentRule } from '@holdfast/shared/segments/rule'
import type { Traits } from '@holdfast/shared/traits/catalog'
import { rowsOf, type Db } from '../db/client'
import { customerTraits, segmentMemberships, segments } from '../db/schema'
import { AppError } from '../errors'
import { recomputeSegment, type RefreshAllDeps } from './refresh-all'
import { compileRuleToSql } from './compile-sql'
import { loadSegments } from './refresh-memberships'
import {
  isStatementTimeout,
  PREVIEW_TIMEOUT_MS,
  REFRESH_TIMEOUT_MS,
  rethrowTimeoutAsRuleTooSlow,
  withStatementTimeout,
} from './query-timeout'
import { countSegmentMembers } from './select-members'

type SegmentRowFull = typeof segments.$inferSelect

export async function findSegment(db: Db, scope: Scope, id: string) {
  // Not a uuid can't be ours: same 404 as another tenant's.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new AppError('not_found', `No segment ${id} here`)
  const [row] = await db
    .select()
    .from(segments)
    .where(
      and(
        eq(segments.id, id),
        eq(segments.accountId, scope.accountId),
        eq(segments.livemode, scope.livemode)
      )
    )
  if (!row) throw new AppError('not_found', `No segment ${id} here`)
  return row
}

function summarize(row: SegmentRowFull, members: number, mrr: Record<string, number>) {
  const rule = SegmentRule.parse(row.rule)
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    predefinedKey: row.predefinedKey,
    hidden: row.hidden,
    rule,
    ruleText: describeRule(rule),
    version: row.version,
    members,
    mrr,
  } satisfies SegmentSummary
}

export async function listSegments(
  db: Db,
  scope: Scope,
  includeHidden: boolean
): Promise<SegmentSummary[]> {
  await loadSegments(db, scope)
  const rows = await db
    .select()
    .from(segments)
    .where(and(eq(segments.accountId, scope.accountId), eq(segments.livemode, scope.livemode)))
    .orderBy(sql`${segments.predefinedKey} is null`, asc(segments.createdAt), asc(segments.name))
  // Each customer's MRR entries are read once (a JSON path picks only the `mrr.*` keys), then
  // summed per segment through the memberships.
  const [counts, sums] = await Promise.all([
    db.execute(sql`
      select segment_id::text, count(*) as members from segment_memberships
      where account_id = ${scope.accountId} and livemode = ${scope.livemode}
      group by segment_id
    `),
    db.execute(sql`
      with cm as materialized (
        select ct.customer_id, substr(kv ->> 'key', 5) as currency, (kv ->> 'value')::numeric as amount
        from customer_traits ct,
          jsonb_path_query(ct.traits, '$.keyvalue() ? (@.key starts with "mrr." && @.value.type() == "number")') kv
        where ct.account_id = ${scope.accountId} and ct.livemode = ${scope.livemode}
      )
      select sm.segment_id::text, cm.currency, sum(cm.amount) as amount
      from segment_memberships sm join cm on cm.customer_id = sm.customer_id
      where sm.account_id = ${scope.accountId} and sm.livemode = ${scope.livemode}
      group by 1, 2
    `),
  ])
  const mrrBySegment = new Map<string, Record<string, unknown>>()
  for (const r of rowsOf<{ segment_id: string; currency: string; amount: unknown }>(sums)) {
    const entry = mrrBySegment.get(r.segment_id) ?? {}
    entry[r.currency] = r.amount
    mrrBySegment.set(r.segment_id, entry)
  }
  const totals = rowsOf<{ segment_id: string; members: unknown }>(counts).map((c) => ({
    ...c,
    mrr: mrrBySegment.get(c.segment_id) ?? null,
  }))
  const byId = new Map(totals.map((t) => [t.segment_id, t]))
  return rows
    .filter((r) => includeHidden || !r.hidden)
    .filter((r) => SegmentRule.safeParse(r.rule).success)
    .map((r) => {
      const t = byId.get(r.id)
      const mrr = Object.fromEntries(Object.entries(t?.mrr ?? {}).map(([c, v]) => [c, Number(v)]))
      return summarize(r, Number(t?.members ?? 0), mrr)
    })
}

export async function getSegmentSummary(db: Db, scope: Scope, id: string) {
  const all = await listSegments(db, scope, true)
  const found = all.find((s) => s.id === id)
  if (!found) throw new AppError('not_found', `No segment ${id} here`)
  return found
}

const mrrOf = (traits: Traits) =>
  Object.fromEntries(
    Object.entries(traits)
      .filter(([k, v]) => k.startsWith('mrr.') && typeof v === 'number')
      .map(([k, v]) => [k.slice(4), v as number])
  )

const str = (v: unknown) => (typeof v === 'string' ? v : null)

export async function listSegmentMembers(
  db: Db,
  scope: Scope,
  segmentId: string,
  page: { cursor?: string; limit: number }
): Promise<{ members: SegmentMember[]; nextCursor: string | null }> {
  await findSegment(db, scope, segmentId)
  const rows = await db
    .select({
      customerId: segmentMemberships.customerId,
      enteredAt: segmentMemberships.enteredAt,
      traits: customerTraits.traits,
    })
    .from(segmentMemberships)
    .leftJoin(
      customerTraits,
      and(
        eq(customerTraits.accountId, segmentMemberships.accountId),
        eq(customerTraits.livemode, segmentMemberships.livemode),
        eq(customerTraits.customerId, segmentMemberships.customerId)
      )
    )
    .where(
      and(
        eq(segmentMemberships.segmentId, segmentId),
        eq(segmentMemberships.accountId, scope.accountId),
        eq(segmentMemberships.livemode, scope.livemode),
        page.cursor ? gt(segmentMemberships.customerId, page.cursor) : undefined
      )
    )
    .orderBy(asc(segmentMemberships.customerId))
    .limit(page.limit + 1)
  const more = rows.length > page.limit
  const members = rows.slice(0, page.limit).map((r) => {
    const traits = (r.traits ?? {}) as Traits
    return {
      customerId: r.customerId,
      email: str(traits['customer.email']),
      name: str(traits['customer.name']),
      subscriptionStatus: str(traits['subscription.status']),
      mrr: mrrOf(traits),
      enteredAt: r.enteredAt.toISOString(),
    }
  })
  return { members, nextCursor: more ? members.at(-1)!.customerId : null }
}

const CSV_COLUMNS = [
  'customer.id',
  'customer.email',
  'customer.name',
  'subscription.status',
  'subscription.id',
  'subscription.price_id',
  'subscription.current_period_end',
  'activity.last_at',
]

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  // Spreadsheet formula injection: a leading = + - @ is run as a formula by Excel and Sheets.
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The segment's members as CSV lines (header first), streamed page by page. */
export async function* exportSegmentCsv(
  db: Db,
  scope: Scope,
  segmentId: string
): AsyncGenerator<string> {
  await findSegment(db, scope, segmentId)
  const mrrKeys = rowsOf<{ key: string }>(
    await db.execute(sql`
      select distinct e.key from segment_memberships sm
      join customer_traits ct on ct.account_id = sm.account_id and ct.livemode = sm.livemode
        and ct.customer_id = sm.customer_id
      cross join lateral jsonb_object_keys(ct.traits) e(key)
      where sm.segment_id = cast(${segmentId} as uuid) and e.key like 'mrr.%'
      order by 1
    `)
  ).map((r) => r.key)
  const columns = [...CSV_COLUMNS, ...mrrKeys]
  yield `${[...columns, 'entered_at'].join(',')}\r\n`
  let cursor: string | undefined
  for (;;) {
    const rows = await db
      .select({
        customerId: segmentMemberships.customerId,
        enteredAt: segmentMemberships.enteredAt,
        traits: customerTraits.traits,
      })
      .from(segmentMemberships)
      .leftJoin(
        customerTraits,
        and(
          eq(customerTraits.accountId, segmentMemberships.accountId),
          eq(customerTraits.livemode, segmentMemberships.livemode),
          eq(customerTraits.customerId, segmentMemberships.customerId)
        )
      )
      .where(
        and(
          eq(segmentMemberships.segmentId, segmentId),
          eq(segmentMemberships.accountId, scope.accountId),
          eq(segmentMemberships.livemode, scope.livemode),
          cursor ? gt(segmentMemberships.customerId, cursor) : undefined
        )
      )
      .orderBy(asc(segmentMemberships.customerId))
      .limit(1000)
    if (rows.length === 0) return
    let chunk = ''
    for (const r of rows) {
      const traits = (r.traits ?? {}) as Traits
      const cells = columns.map((c) =>
        c === 'customer.id' ? r.customerId : csvCell(traits[c] ?? null)
      )
      chunk += `${[...cells, r.enteredAt.toISOString()].join(',')}\r\n`
    }
    yield chunk
    cursor = rows.at(-1)!.customerId
  }
}

/** Members and their MRR for a rule that is not saved yet (the builder's live count). */
export async function previewSegment(
  db: Db,
  scope: Scope,
  rule: SegmentRule,
  now: Date
): Promise<SegmentPreview> {
  assertRuleFits(rule)
  const [counted, sums] = await withStatementTimeout(db, PREVIEW_TIMEOUT_MS, async (tx) => {
    const members = await countSegmentMembers(tx, scope, rule, now)
    const totals = await tx.execute(sql`
      select substr(kv ->> 'key', 5) as currency, sum((kv ->> 'value')::numeric) as amount
      from customer_traits,
        jsonb_path_query(customer_traits.traits, '$.keyvalue() ? (@.key starts with "mrr." && @.value.type() == "number")') kv
      where customer_traits.account_id = ${scope.accountId}
        and customer_traits.livemode = ${scope.livemode}
        and ${compileRuleToSql(rule, now)}
      group by 1
    `)
    return [members, totals] as const
  }).catch(rethrowTimeoutAsRuleTooSlow(PREVIEW_TIMEOUT_MS))
  const mrr = Object.fromEntries(
    rowsOf<{ currency: string; amount: unknown }>(sums).map((r) => [r.currency, Number(r.amount)])
  )
  return { members: counted, mrr }
}

function assertRuleFits(rule: SegmentRule) {
  const problems = checkRule(rule)
  if (problems.length > 0)
    throw new AppError(
      'bad_request',
      `The rule does not fit the trait catalog: ${problems.join('; ')}`,
      {
        problems,
      }
    )
}

export async function createSegment(deps: RefreshAllDeps, scope: Scope, input: SegmentCreate) {
  assertRuleFits(input.rule)
  await loadSegments(deps.db, scope)
  const [row] = await deps.db
    .insert(segments)
    .values({
      ...scope,
      name: input.name,
      description: input.description ?? null,
      rule: input.rule,
      hidden: input.hidden ?? false,
    })
    .returning()
  await recomputeSegment(deps, scope, row!).catch(async (err: unknown) => {
    // A rule too slow to compute is not kept: the sweep would time out on it every 15 minutes.
    if (isStatementTimeout(err)) await deps.db.delete(segments).where(eq(segments.id, row!.id))
    return rethrowTimeoutAsRuleTooSlow(REFRESH_TIMEOUT_MS)(err)
  })
  return getSegmentSummary(deps.db, scope, row!.id)
}

export async function updateSegment(
  deps: RefreshAllDeps,
  scope: Scope,
  id: string,
  input: SegmentUpdate
) {
  const existing = await findSegment(deps.db, scope, id)
  if (input.rule) assertRuleFits(input.rule)
  const ruleChanged =
    input.rule !== undefined && JSON.stringify(input.rule) !== JSON.stringify(existing.rule)
  await deps.db
    .update(segments)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
      ...(ruleChanged ? { rule: input.rule, version: sql`${segments.version} + 1` } : {}),
      updatedAt: deps.now(),
    })
    .where(
      and(
        eq(segments.id, id),
        eq(segments.accountId, scope.accountId),
        eq(segments.livemode, scope.livemode)
      )
    )
  if (ruleChanged)
    await recomputeSegment(deps, scope, { id, name: input.name ?? existing.name }).catch(
      async (err: unknown) => {
        // Too slow to compute: the previous rule stays, with the members it has.
        if (isStatementTimeout(err))
          await deps.db
            .update(segments)
            .set({ rule: existing.rule, version: existing.version })
            .where(eq(segments.id, id))
        return rethrowTimeoutAsRuleTooSlow(REFRESH_TIMEOUT_MS)(err)
      }
    )
  return getSegmentSummary(deps.db, scope, id)
}

/** Custom segments only: a predefined one is hidden instead, so it is never broken. */
export async function deleteSegment(db: Db, scope: Scope, id: string) {
  const existing = await findSegment(db, scope, id)
  if (existing.predefinedKey)
    throw new AppError(
      'conflict',
      `"${existing.name}" is a predefined segment; hide it instead of deleting it`
    )
  await db.transaction(async (tx) => {
    await tx
      .delete(segmentMemberships)
      .where(
        and(
          eq(segmentMemberships.segmentId, id),
          eq(segmentMemberships.accountId, scope.accountId),
          eq(segmentMemberships.livemode, scope.livemode)
        )
      )
    await tx.delete(segments).where(eq(segments.id, id))
  })
}
