// The SQL compiled from a segment rule selects exactly the customers the TS evaluator matches:
// fast-check draws random traits rows and random rules (every operator, nested groups, wrong
// types, missing keys, awkward strings and numbers), and both sides must agree on every row.
// Runs on PGlite, and on a fresh Postgres database when HOLDFAST_TEST_DB=postgres.
import { and, eq } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { rowsOf, sql, type Database } from '../../backend/src/db/client'
import { customerTraits } from '../../backend/src/db/schema'
import { compileRuleToSql } from '../../backend/src/segments/compile-sql'
import { evaluateRule } from '../../shared/src/segments/evaluate'
import { PREDEFINED_SEGMENTS } from '../../shared/src/segments/predefined'
import type { RuleCondition, RuleNode, SegmentRule } from '../../shared/src/segments/rule'
import { RuleGroup } from '../../shared/src/segments/rule'
import type { Traits, TraitValue } from '../../shared/src/traits/catalog'
import { computeTraits } from '../../shared/src/traits/compute-traits'
import { buildCustomerSnapshot, buildSubscription } from '../../shared/src/traits/snapshot-fixtures'
import { openSegmentDatabase, type SegmentDatabase } from './segment-database'

const ACCOUNT = 'acct_segments_prop'
const DAY = 86_400
const BASE_NOW = Date.UTC(2026, 0, 15) / 1000

let database: Database
let handle: SegmentDatabase | undefined

beforeAll(async () => {
  handle = await openSegmentDatabase()
  database = handle.database
})

afterAll(async () => {
  await handle?.close()
})

/** Replaces the account's rows with `rows`; returns the traits as stored (after JSON). */
async function storeTraits(rows: Traits[]): Promise<Traits[]> {
  const { db } = database
  await db.delete(customerTraits).where(eq(customerTraits.accountId, ACCOUNT))
  if (rows.length > 0) {
    await db.insert(customerTraits).values(
      rows.map((traits, i) => ({
        accountId: ACCOUNT,
        livemode: false,
        customerId: `cus_${i}`,
        traits,
      }))
    )
  }
  return rows.map((t) => JSON.parse(JSON.stringify(t)) as Traits)
}

async function selectMatching(rule: RuleNode, now: Date): Promise<string[]> {
  const rows = await database.db
    .select({ id: customerTraits.customerId })
    .from(customerTraits)
    .where(and(eq(customerTraits.accountId, ACCOUNT), compileRuleToSql(rule, now)))
  return rows.map((r) => r.id).sort()
}

function matchInTs(stored: Traits[], rule: RuleNode, now: Date): string[] {
  return stored
    .map((traits, i) => ({ id: `cus_${i}`, traits }))
    .filter(({ traits }) => evaluateRule(rule, traits, now).matched)
    .map((r) => r.id)
    .sort()
}

// --- arbitraries -------------------------------------------------------------------------------

const KEYS = ['k.s', 'k.n', 'k.b', 'metadata.plan', 'constructor', 'absent']
const key = fc.constantFrom(...KEYS)

// Upper/lower ASCII, non-ASCII letters whose case Postgres' lower() might change, LIKE and
// quoting metacharacters: the places a naive compiler would disagree.
const char = fc.constantFrom(
  'a',
  'A',
  'b',
  'B',
  'z',
  'é',
  'É',
  'ß',
  'İ',
  ' ',
  '1',
  '%',
  '_',
  '\\',
  "'",
  '"'
)
const text = fc.string({ unit: char, maxLength: 4 })
const nowOffset = fc.integer({ min: -3, max: 3 })
const dateNumber = fc.integer({ min: -40 * DAY, max: 40 * DAY }).map((d) => BASE_NOW + d)
const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.1, 0.2, 0.30000000000000004, 1e21, -1e-7, 2 ** 53 + 2),
  dateNumber,
  fc.integer({ min: -3, max: 3 }).map((d) => BASE_NOW + d * DAY)
)
const scalar = fc.oneof(text, number, fc.boolean())
const traitValue: fc.Arbitrary<TraitValue> = fc.oneof(scalar, fc.constant(null))

const traitsRow: fc.Arbitrary<Traits> = fc
  .uniqueArray(fc.tuple(key, traitValue), { selector: ([k]) => k, maxLength: KEYS.length })
  .map((pairs) => Object.fromEntries(pairs.filter(([k]) => k !== 'absent')))

const dateValue = fc.oneof(
  dateNumber,
  dateNumber.map((s) => new Date(s * 1000).toISOString()),
  dateNumber.map((s) => new Date(s * 1000).toISOString().slice(0, 10)),
  dateNumber.map((s) => new Date(s * 1000 + 123).toISOString().replace('Z', '+02:00'))
)
const days = fc.integer({ min: 0, max: 45 })

const condition: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.record({ trait: key, op: fc.constantFrom('equals', 'not_equals'), value: scalar }),
  fc.record({
    trait: key,
    op: fc.constantFrom('in', 'not_in'),
    value: fc.array(scalar, { maxLength: 4 }),
  }),
  fc.record({ trait: key, op: fc.constantFrom('contains', 'not_contains'), value: text }),
  fc.record({ trait: key, op: fc.constantFrom('exists', 'not_exists') }),
  fc.record({ trait: key, op: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: number }),
  fc.record({ trait: key, op: fc.constant('between'), value: fc.tuple(number, number) }),
  fc.record({ trait: key, op: fc.constantFrom('before', 'after'), value: dateValue }),
  fc.record({
    trait: key,
    op: fc.constantFrom(
      'more_than_days_ago',
      'within_last_days',
      'in_next_days',
      'more_than_days_from_now'
    ),
    value: days,
  })
) as fc.Arbitrary<RuleCondition>

const { rule } = fc.letrec<{ rule: SegmentRule; node: RuleNode }>((tie) => ({
  rule: fc.record({
    match: fc.constantFrom('all', 'any'),
    rules: fc.array(tie('node'), { maxLength: 4 }),
  }) as fc.Arbitrary<SegmentRule>,
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, condition, tie('rule')),
}))

// --- tests -------------------------------------------------------------------------------------

describe('segment rule: SQL and TS agree', () => {
  test('rows are stored as jsonb objects', async () => {
    await storeTraits([{ 'k.s': 'a' }])
    const result = await database.db.execute(
      sql`select jsonb_typeof(${customerTraits.traits}) as t from ${customerTraits} where ${customerTraits.accountId} = ${ACCOUNT}`
    )
    expect(rowsOf<{ t: string }>(result)).toEqual([{ t: 'object' }])
  })

  test('on random rules and random traits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(traitsRow, { minLength: 1, maxLength: 8 }),
        fc.array(rule, { minLength: 1, maxLength: 4 }),
        nowOffset,
        async (rows, rules, offset) => {
          const now = new Date((BASE_NOW + offset * DAY + offset * 7) * 1000)
          const stored = await storeTraits(rows)
          for (const r of rules) {
            expect(RuleGroup.safeParse(r).success).toBe(true) // well-formed; depth limits aside
            expect(await selectMatching(r, now)).toEqual(matchInTs(stored, r, now))
          }
        }
      ),
      { numRuns: Number(process.env.HOLDFAST_PROPERTY_RUNS ?? 300) }
    )
  })

  test('predefined segments select the same customers from computed traits', async () => {
    const now = new Date(BASE_NOW * 1000)
    const snapshots = [
      buildCustomerSnapshot({ customer: { created: BASE_NOW - 5 * DAY } }),
      ...[
        'active',
        'past_due',
        'trialing',
        'canceled',
        'unpaid',
        'incomplete_expired',
        'paused',
      ].map((status, i) =>
        buildCustomerSnapshot({
          customer: { id: `cus_${status}`, created: BASE_NOW - (i * 7 + 1) * DAY },
          subscriptions: [
            buildSubscription({
              status,
              trialEnd: status === 'active' ? null : BASE_NOW - (i - 3) * DAY,
              canceledAt: status === 'canceled' ? BASE_NOW - 2 * DAY : null,
            }),
          ],
          lastActivityAt: i % 2 === 0 ? BASE_NOW - i * 4 * DAY : null,
        })
      ),
    ]
    const stored = await storeTraits(snapshots.map((s) => computeTraits(s, now)))
    const sizes: Record<string, number> = {}
    for (const segment of PREDEFINED_SEGMENTS) {
      const inSql = await selectMatching(segment.rule, now)
      expect(inSql, segment.key).toEqual(matchInTs(stored, segment.rule, now))
      sizes[segment.key] = inSql.length
    }
    // The fixture exercises the segments rather than leaving them all empty.
    expect(sizes.all_customers).toBe(snapshots.length)
    expect(Object.values(sizes).filter((n) => n > 0).length).toBeGreaterThan(6)
  })
})
