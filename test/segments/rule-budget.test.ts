// Every segment rule has a budget: a rule too big for it is refused with a 400 naming the limit
// (the probe's 199 lists of 500 values answered 500 and took Node down), one at the budget works,
// segment SQL runs under a statement timeout, and a stored bad segment does not stop the
// 15-minute refresh of other segments or other merchants.
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { MAX_RULE_VALUES } from '@holdfast/shared/segments/rule'
import { rowsOf } from '../../backend/src/db/client'
import { segmentMemberships, segments } from '../../backend/src/db/schema'
import { isStatementTimeout, withStatementTimeout } from '../../backend/src/segments/query-timeout'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import { api, installSettled, settle, traitsWhen, type Installed } from '../traits/api'

let h: Harness
const logLines: string[] = []
let a: Installed
let b: Installed
const gold: Record<string, string> = {}

beforeAll(async () => {
  h = await startHarness({ emulator: true, logLines })
  a = await installSettled(h)
  b = await installSettled(h)
  for (const m of [a, b]) {
    const customer = await h.stripeAs(m.accountId).customers.create({ metadata: { plan: 'gold' } })
    gold[m.accountId] = customer.id
  }
  await settle(h)
  for (const m of [a, b])
    await traitsWhen(h, m, gold[m.accountId]!, (t) => t['metadata.plan'] === 'gold')
})

afterAll(async () => {
  await h?.close()
})

/** `lists` `in` conditions of `size` plan names each (one of them "gold"), 100 per group. */
function listsRule(lists: number, size: number) {
  const conditions = Array.from({ length: lists }, (_, c) => ({
    trait: 'metadata.plan',
    op: 'in',
    value: Array.from({ length: size }, (_, i) => (c === 0 && i === 0 ? 'gold' : `p${c}_${i}`)),
  }))
  const groups = []
  for (let i = 0; i < conditions.length; i += 100)
    groups.push({ match: 'any', rules: conditions.slice(i, i + 100) })
  return { match: 'any', rules: groups }
}

async function segmentsNamed(m: Installed, name: string) {
  return h
    .db()
    .select({ id: segments.id })
    .from(segments)
    .where(and(eq(segments.accountId, m.accountId), eq(segments.name, name)))
}

async function healthzMs() {
  const start = performance.now()
  const res = await h.request('/healthz')
  expect(res.status).toBe(200)
  return performance.now() - start
}

test("the probe's 199 lists of 500 values are refused unread (413); one over the value budget gets a 400 naming the limit; nothing is stored", async () => {
  // The probe's ~670 KB is over the API's 256 KB body limit: refused before it is parsed.
  const huge = listsRule(199, 500)
  expect(JSON.stringify(huge).length).toBeGreaterThan(600_000)
  for (const [path, body] of [
    ['/api/v1/segments/preview', { rule: huge }],
    ['/api/v1/segments', { name: 'Huge', rule: huge }],
  ] as const) {
    const res = await api(h, a).post(path, body)
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  }
  expect(await segmentsNamed(a, 'Huge')).toEqual([])

  // Within the body limit, the rule's own budget answers: 11 lists of 500 values (~60 KB).
  const over = listsRule(11, 500)
  expect(JSON.stringify(over).length).toBeLessThan(256 * 1024)
  const limit = `A rule has at most ${MAX_RULE_VALUES} values across its conditions (this one has 5500)`
  const preview = await api(h, a).post('/api/v1/segments/preview', { rule: over })
  expect(preview.status).toBe(400)
  expect(preview.body.error.message).toContain(limit)
  const saved = await api(h, a).post('/api/v1/segments', { name: 'Over', rule: over })
  expect(saved.status).toBe(400)
  expect(saved.body.error.message).toContain(limit)
  expect(await segmentsNamed(a, 'Over')).toEqual([])

  // Still serving, and not held up.
  expect(await healthzMs()).toBeLessThan(1_000)
})

test('a rule at the budget previews, saves and counts its members', async () => {
  const atBudget = listsRule(MAX_RULE_VALUES / 500, 500)
  const preview = await api(h, a).post('/api/v1/segments/preview', { rule: atBudget })
  expect(preview.status).toBe(200)
  expect(preview.body.members).toBe(1)

  const saved = await api(h, a).post('/api/v1/segments', { name: 'At budget', rule: atBudget })
  expect(saved.status).toBe(201)
  expect(saved.body.members).toBe(1)
  const page = await api(h, a).get(`/api/v1/segments/${saved.body.id}/customers`)
  expect(page.body.members.map((m: { customerId: string }) => m.customerId)).toEqual([
    gold[a.accountId],
  ])
  expect(await healthzMs()).toBeLessThan(1_000)
})

test("a stored bad segment is skipped by the refresh; the account's other segments and other merchants still refresh", async () => {
  const goldRule = {
    match: 'all',
    rules: [{ trait: 'metadata.plan', op: 'equals', value: 'gold' }],
  }
  // Stored as before the budget existed (or written by hand): the sweep must not trip on it.
  // Each merchant gets one, so whichever the sweep reaches first, the rest must still refresh.
  const inserted = await h
    .db()
    .insert(segments)
    .values(
      [a, b].flatMap((m) => [
        { accountId: m.accountId, livemode: m.livemode, name: 'Bad', rule: listsRule(199, 500) },
        { accountId: m.accountId, livemode: m.livemode, name: 'Stored gold', rule: goldRule },
      ])
    )
    .returning({ id: segments.id, accountId: segments.accountId, name: segments.name })
  const storedGold = inserted.filter((s) => s.name === 'Stored gold')

  await h.queue.send('segment-refresh', {})

  for (const s of storedGold)
    await waitFor(
      async () => {
        const rows = await h
          .db()
          .select({ customerId: segmentMemberships.customerId })
          .from(segmentMemberships)
          .where(eq(segmentMemberships.segmentId, s.id))
        return rows.length === 1 && rows[0]!.customerId === gold[s.accountId]
      },
      { what: `the refresh of ${s.accountId}'s stored gold segment` }
    )
  // Each bad one is logged by id with the reason, and skipped.
  for (const bad of inserted.filter((s) => s.name === 'Bad')) {
    const logged = () =>
      logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'segment refresh failed; skipped' && l.segmentId === bad.id)
    await waitFor(() => logged() !== undefined, { what: `the log line of ${bad.id}` })
    expect(logged()).toMatchObject({
      level: 'error',
      accountId: bad.accountId,
      err: { message: `Segment ${bad.id} has an invalid rule; edit and save it again` },
    })
  }
  // The bad one is left out of the API until it is saved again, and the service still serves it.
  const list = await api(h, a).get('/api/v1/segments')
  expect(list.status).toBe(200)
  expect(list.body.segments.map((s: { name: string }) => s.name)).not.toContain('Bad')
})

test('segment queries stop at their statement timeout', async () => {
  // PGlite runs in this thread and has no timer to cancel a statement with; Postgres does.
  if (h.database.target.kind !== 'postgres') return
  const err = await withStatementTimeout(h.db(), 50, (tx) =>
    tx.execute(sql`select pg_sleep(5)`)
  ).catch((e: unknown) => e)
  expect(isStatementTimeout(err)).toBe(true)
  // The timeout was local to that transaction.
  const [row] = rowsOf<{ statement_timeout: string }>(
    await h.db().execute(sql`show statement_timeout`)
  )
  expect(row?.statement_timeout).toBe('0')
})
