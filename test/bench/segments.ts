// bench:segments — segments at a million customers, on real Postgres (DATABASE_URL).
// 1,000,000 customer_traits rows with realistic trait distributions are inserted with
// generate_series; a 2,000-customer sample also gets synced Stripe rows and timeline entries.
// Prints: full recompute of all predefined segments (first fill and steady state), incremental
// update per event (refreshCustomer end to end, and the membership + stage step alone), and
// GET /api/v1/customers/:id p50/p99 through the Hono app.
// Targets: full ≤ 10 s, incremental ≤ 5 ms, profile p99 ≤ 15 ms.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { loadConfig } from '../../backend/src/config'
import { openDatabase, sql as dsql } from '../../backend/src/db/client'
import { runMigrations } from '../../backend/src/db/migrate'
import { buildDeps } from '../../backend/src/deps'
import { createApp } from '../../backend/src/http/app'
import { createLogger } from '../../backend/src/log'
import { createQueue } from '../../backend/src/queue/queue'
import { recomputeSegment } from '../../backend/src/segments/refresh-all'
import {
  loadSegments,
  refreshCustomerMemberships,
} from '../../backend/src/segments/refresh-memberships'
import { refreshCustomerStage } from '../../backend/src/stages/refresh-stage'
import { DEFAULT_STAGE_MAPPING } from '../../shared/src/stages/stages'
import { refreshCustomer } from '../../backend/src/traits/on-customer-changed'
import { extensionHeaders, testAppSecret } from '../support/signing'

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000)
const SAMPLE = 2_000
const accountId = 'acct_1BenchSegments'
const scope = { accountId, livemode: false }

const dbName = `hf_bench_seg_${randomBytes(4).toString('hex')}`
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
await admin.unsafe(`create database ${dbName}`)
const dbUrl = new URL(adminUrl)
dbUrl.pathname = `/${dbName}`

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
const f = (x: number) => x.toFixed(x < 10 ? 2 : 0)

try {
  const database = await openDatabase({
    kind: 'postgres',
    url: dbUrl.toString(),
    maxConnections: 4,
  })
  await runMigrations(database)
  const { db } = database
  const config = loadConfig({
    DATABASE_URL: dbUrl.toString(),
    LOG_LEVEL: 'silent',
    STRIPE_APP_SECRET: testAppSecret,
    HOLDFAST_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    API_RATE_LIMIT_PER_MINUTE: '1000000',
  })
  const log = createLogger('silent')
  const queue = createQueue(database, log)
  const nowDate = new Date()
  const now = Math.floor(nowDate.getTime() / 1000)
  const deps = buildDeps(config, database, queue, log, () => nowDate)
  await db.execute(dsql`insert into accounts (account_id, livemode, status, connection)
    values (${accountId}, false, 'active', 'oauth')`)

  // --- data ---------------------------------------------------------------------------------
  const t = process.hrtime.bigint()
  const day = 86_400
  for (let from = 1; from <= N; from += 250_000) {
    const to = Math.min(N, from + 249_999)
    await db.execute(
      dsql.raw(`
      insert into customer_traits (account_id, livemode, customer_id, traits, last_activity_at, computed_at)
      select '${accountId}', false, id, jsonb_strip_nulls(jsonb_build_object(
          'customer.id', id,
          'customer.email', 'c' || i || '@example.com',
          'customer.name', 'Customer ' || i,
          'customer.created', ${now} - ((i * 7919) % 730) * ${day} - (i % ${day}),
          'address.country', (array['US','GB','DE','FR','CA','AU','NL','SE'])[1 + i % 8],
          'metadata.plan', (array['starter','pro','team','enterprise'])[1 + i % 4],
          'subscription.status', status,
          'subscription.has_active', status in ('active','past_due','trialing'),
          'subscription.id', case when status is not null then 'sub_' || i end,
          'subscription.trial_start', case when trial then ${now} - ((i % 40) + 1) * ${day} end,
          'subscription.trial_end', case when trial then ${now} + ((i % 40) - 26) * ${day} end,
          'subscription.trial_converted', case when trial then status in ('active','past_due') end,
          'subscription.current_period_end', case when status is not null then ${now} + (i % 30) * ${day} end,
          'mrr.' || currency, case when status in ('active','past_due') then 900 + (i % 90) * 100 end,
          'activity.last_at', case when i % 5 <> 0 then ${now} - ((i * 31) % 40) * ${day} end
        )),
        case when i % 5 <> 0 then to_timestamp(${now} - ((i * 31) % 40) * ${day}) end,
        now()
      from (
        select i, 'cus_' || lpad(i::text, 8, '0') as id,
          case when i % 100 < 52 then 'active' when i % 100 < 62 then 'trialing'
               when i % 100 < 67 then 'past_due' when i % 100 < 87 then 'canceled'
               when i % 100 < 89 then 'unpaid' when i % 100 < 90 then 'incomplete_expired'
               else null end as status,
          (i % 100 >= 52 and i % 100 < 62) or (i % 100 >= 67 and i % 100 < 77) or i % 10 = 0 as trial,
          case when i % 7 = 0 then 'eur' else 'usd' end as currency
        from generate_series(${from}::bigint, ${to}) i
      ) s
    `)
    )
  }
  await db.execute(dsql`analyze customer_traits`)
  console.log(`inserted ${N.toLocaleString()} customer_traits rows in ${f(ms(t) / 1000)} s`)

  // A sample with synced Stripe rows (customer + subscription) and 30 timeline entries each.
  const sampleIds = Array.from(
    { length: SAMPLE },
    (_, k) => `cus_${String(1 + Math.floor((k * N) / SAMPLE)).padStart(8, '0')}`
  )
  await db.execute(
    dsql.raw(`
    insert into stripe_customers (account_id, livemode, id, created, data, email, name)
    select '${accountId}', false, id, ${now} - 86400 * 100,
      jsonb_build_object('id', id, 'object', 'customer', 'created', ${now} - 86400 * 100,
        'email', id || '@example.com', 'name', 'Sample ' || id, 'metadata', jsonb_build_object('plan', 'pro'),
        'address', null, 'delinquent', false, 'invoice_settings', jsonb_build_object('default_payment_method', null)),
      id || '@example.com', 'Sample ' || id
    from unnest(array[${sampleIds.map((id) => `'${id}'`).join(',')}]) id;
    insert into stripe_subscriptions (account_id, livemode, id, created, data, customer_id, status)
    select '${accountId}', false, 'sub_' || id, ${now} - 86400 * 100,
      jsonb_build_object('id', 'sub_' || id, 'object', 'subscription', 'customer', id, 'status', 'active',
        'created', ${now} - 86400 * 100, 'currency', 'usd', 'cancel_at_period_end', false,
        'canceled_at', null, 'cancel_at', null, 'ended_at', null, 'trial_start', null, 'trial_end', null,
        'pause_collection', null, 'discounts', jsonb_build_array(), 'default_payment_method', null,
        'items', jsonb_build_object('object', 'list', 'has_more', false, 'data', jsonb_build_array(
          jsonb_build_object('id', 'si_' || id, 'object', 'subscription_item', 'quantity', 1,
            'subscription', 'sub_' || id, 'discounts', jsonb_build_array(),
            'current_period_start', ${now} - 86400 * 10, 'current_period_end', ${now} + 86400 * 20,
            'price', jsonb_build_object('id', 'price_pro', 'object', 'price', 'currency', 'usd',
              'unit_amount', 4900, 'billing_scheme', 'per_unit', 'type', 'recurring', 'product', 'prod_pro',
              'nickname', 'Pro', 'recurring', jsonb_build_object('interval', 'month', 'interval_count', 1,
              'usage_type', 'licensed')))))),
      id, 'active'
    from unnest(array[${sampleIds.map((id) => `'${id}'`).join(',')}]) id;
    insert into timeline_entries (account_id, livemode, customer_id, source_id, kind, title, at)
    select '${accountId}', false, id, 'evt_' || id || '_' || n, 'invoice.paid', 'Invoice paid',
      to_timestamp(${now} - n * 86400)
    from unnest(array[${sampleIds.map((id) => `'${id}'`).join(',')}]) id, generate_series(1, 30) n;
  `)
  )

  // --- full recompute -------------------------------------------------------------------------
  const segmentRows = await loadSegments(db, scope)
  const runAll = async (label: string) => {
    const start = process.hrtime.bigint()
    const parts: string[] = []
    for (const s of segmentRows) {
      const st = process.hrtime.bigint()
      const change = await recomputeSegment(deps, scope, s)
      parts.push(
        `${s.name}: ${change.members.toLocaleString()} members, +${change.entered.length.toLocaleString()}/-${change.left.length.toLocaleString()} in ${f(ms(st))} ms`
      )
    }
    const total = ms(start) / 1000
    console.log(
      `full recompute (${label}): ${f(total)} s for ${segmentRows.length} predefined segments`
    )
    if (process.env.BENCH_VERBOSE) for (const p of parts) console.log(`  ${p}`)
    return total
  }
  const firstFill = await runAll('first fill, 1M customers, memberships empty')
  await db.execute(dsql`analyze segment_memberships`)
  const steady = await runAll('steady state, nothing changed')
  // 1% of customers change status between sweeps
  await db.execute(
    dsql.raw(`update customer_traits set traits = traits || '{"subscription.status":"canceled","subscription.has_active":false}'
    where account_id = '${accountId}' and customer_id in (select 'cus_' || lpad(i::text, 8, '0') from generate_series(3, ${N}, 100) i)`)
  )
  const churn = await runAll('after 1% of customers changed')
  // --- incremental ----------------------------------------------------------------------------
  // First pass: the sample's traits change (synced rows differ from the generated traits), so
  // memberships and stages move and are written. Second pass: an event that changes nothing.
  const timeRefresh = async () => {
    const times: number[] = []
    for (const id of sampleIds) {
      const st = process.hrtime.bigint()
      await refreshCustomer(deps, scope, id)
      times.push(ms(st))
    }
    return times
  }
  const changingTimes = await timeRefresh()
  const fullTimes = await timeRefresh()
  console.log(
    `incremental per event, refreshCustomer with segment/stage changes written: p50 ${f(pct(changingTimes, 50))} ms, p99 ${f(pct(changingTimes, 99))} ms`
  )
  const stepTimes: number[] = []
  const flip = ['active', 'past_due']
  for (const [k, id] of sampleIds.entries()) {
    const traits = {
      'customer.created': now - 1000 * day,
      'subscription.status': flip[k % 2]!,
      'activity.last_at': now,
    }
    const st = process.hrtime.bigint()
    await refreshCustomerMemberships(deps, scope, id, traits)
    await refreshCustomerStage(db, scope, id, traits, DEFAULT_STAGE_MAPPING, nowDate)
    stepTimes.push(ms(st))
  }
  console.log(
    `incremental per event, refreshCustomer, nothing moved (traits from synced rows + segments + stage, 1 tx): p50 ${f(pct(fullTimes, 50))} ms, p99 ${f(pct(fullTimes, 99))} ms`
  )
  console.log(
    `incremental per event, membership + stage step (status flips, entered/left written): p50 ${f(pct(stepTimes, 50))} ms, p99 ${f(pct(stepTimes, 99))} ms`
  )

  // --- profile --------------------------------------------------------------------------------
  const app = createApp(deps, { webhookSecrets: async () => [], onEventStored: () => {} })
  const headers = extensionHeaders({ accountId }, testAppSecret, now)
  const profileTimes: number[] = []
  for (let k = 0; k < 2_200; k++) {
    const id = sampleIds[(k * 7) % SAMPLE]!
    const st = process.hrtime.bigint()
    const res = await app.request(`/api/v1/customers/${id}`, { headers })
    await res.text()
    if (res.status !== 200) throw new Error(`profile answered ${res.status}`)
    if (k >= 200) profileTimes.push(ms(st))
  }
  console.log(
    `GET /api/v1/customers/:id (in-process app, 2,000 requests): p50 ${f(pct(profileTimes, 50))} ms, p99 ${f(pct(profileTimes, 99))} ms`
  )
  const listStart = process.hrtime.bigint()
  const list = await app.request('/api/v1/segments', { headers })
  await list.text()
  console.log(
    `GET /api/v1/segments (counts and MRR per currency over all members): ${f(ms(listStart))} ms`
  )
  console.log(
    `targets: full ≤ 10 s (per segment: first fill ${f(firstFill)} s, steady ${f(steady)} s, 1% churn ${f(churn)} s); incremental ≤ 5 ms; profile p99 ≤ 15 ms`
  )
  await database.close()
} finally {
  await admin.unsafe(`drop database if exists ${dbName} with (force)`)
  await admin.end({ timeout: 5 })
}
