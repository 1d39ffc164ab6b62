// One rate limiter per account, shared through the database by every worker and process: two
// limiters (two "processes") together stay under the account's limit and each endpoint's; a 429
// slows the bucket down and it climbs back.
import { eq } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { rateLimitBuckets } from '../../backend/src/db/schema'
import { createLogger } from '../../backend/src/log'
import { createRateLimiter, refill, waitFor } from '../../backend/src/sync/rate-limiter'
import { createMigratedDatabase, type TestDatabase } from '../support/test-database'
import type { Database } from '../../backend/src/db/client'

let db: { testDb: TestDatabase; database: Database; other?: Database } | undefined
afterEach(async () => {
  await db?.other?.close()
  await db?.database.close()
  await db?.testDb.drop()
  db = undefined
})

const scope = { accountId: 'acct_1Limits', livemode: false }
const log = createLogger('silent')

test('two processes share the account budget and each endpoint budget', async () => {
  db = await createMigratedDatabase()
  // PGlite is one process: the second "process" shares its handle; Postgres gets a second pool.
  db.other = db.testDb.kind === 'postgres' ? await db.testDb.open() : undefined
  const limits = { test: 40, live: 100, perEndpoint: 15 }
  const a = createRateLimiter({ db: db.database.db, log }, limits)
  const b = createRateLimiter({ db: (db.other ?? db.database).db, log }, limits)
  const grants: Array<{ at: number; endpoint: string }> = []
  const started = performance.now()
  const take = (limiter: typeof a, endpoint: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        await limiter.acquire(scope, endpoint)
        grants.push({ at: (performance.now() - started) / 1000, endpoint })
      })
    )
  await Promise.all([
    take(a, 'GET /v1/customers', 30),
    take(b, 'GET /v1/customers', 30),
    take(a, 'GET /v1/invoices', 30),
    take(b, 'GET /v1/charges', 30),
  ])
  a.stop()
  b.stop()
  const elapsed = (performance.now() - started) / 1000
  // 120 requests at 40/s (a burst of 8 first): at least ~2.8 s; customers alone (60 at 15/s) ~3.8 s.
  expect(elapsed).toBeGreaterThan(3.5)
  // In any one-second window: at most 40 + burst overall, 15 + burst per endpoint.
  for (let t = 0; t < elapsed; t += 0.25) {
    const inWindow = grants.filter((g) => g.at >= t && g.at < t + 1)
    expect(inWindow.length).toBeLessThanOrEqual(40 + 8 + 1)
    const customers = inWindow.filter((g) => g.endpoint === 'GET /v1/customers')
    expect(customers.length).toBeLessThanOrEqual(15 + 3 + 1)
  }
})

test('the largest type goes first: a higher priority is served before a lower one', async () => {
  db = await createMigratedDatabase()
  const limiter = createRateLimiter(
    { db: db.database.db, log },
    { test: 10, live: 10, perEndpoint: 10 }
  )
  const order: string[] = []
  // Drain the burst, then queue low before high.
  for (let i = 0; i < 2; i++) await limiter.acquire(scope, 'GET /v1/warmup')
  const low = Array.from({ length: 5 }, () =>
    limiter.acquire(scope, 'GET /v1/coupons', { priority: 1 }).then(() => order.push('low'))
  )
  const high = Array.from({ length: 5 }, () =>
    limiter.acquire(scope, 'GET /v1/invoices', { priority: 1000 }).then(() => order.push('high'))
  )
  await Promise.all([...low, ...high])
  limiter.stop()
  expect(order.slice(0, 4)).toEqual(['high', 'high', 'high', 'high'])
})

test('a 429 cuts the pace and blocks for a moment, then it climbs back to the limit', async () => {
  db = await createMigratedDatabase()
  const limiter = createRateLimiter(
    { db: db.database.db, log },
    { test: 20, live: 100, perEndpoint: 20 }
  )
  await limiter.acquire(scope, 'GET /v1/customers')
  await limiter.rateLimited(scope, 'GET /v1/customers', {
    reason: 'global-rate',
    retryAfterMs: 300,
  })
  const [bucket] = await db.database.db
    .select()
    .from(rateLimitBuckets)
    .where(eq(rateLimitBuckets.key, 'stripe:acct_1Limits:test')) // the account's bucket
  expect(bucket!.ratePerSecond).toBeCloseTo(14, 5)
  expect(bucket!.blockedUntil).not.toBeNull()
  const started = performance.now()
  await limiter.acquire(scope, 'GET /v1/customers')
  expect(performance.now() - started).toBeGreaterThan(250) // waited out the block
  limiter.stop()

  // The pure arithmetic: blocked → no tokens; clear → +5 % of the limit per second, up to it.
  const cut = { tokens: 0, rate: 14, refilled: 0, blocked: 2 }
  expect(refill(cut, 20, 1)).toMatchObject({ tokens: 0, rate: 14 })
  const later = refill({ ...cut, blocked: null }, 20, 3)
  expect(later.rate).toBeCloseTo(17, 5)
  expect(refill({ ...cut, blocked: null }, 20, 100).rate).toBe(20)
  expect(waitFor({ tokens: 0.5, rate: 10, refilled: 0, blocked: null }, 0)).toBeCloseTo(0.05, 5)
})
