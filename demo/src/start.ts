// `npm start`. With Stripe keys configured: the service, as in production. Without: a live demo on
// the embedded database — our Stripe emulator with a seeded merchant, installed through the real
// OAuth flow, imported, traits and segments computed, and a trickle of live events flowing in.
import { rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { loadConfig, ConfigError } from '../../backend/src/config'
import { rowsOf } from '../../backend/src/db/client'
import { createLogger } from '../../backend/src/log'
import { createOperatorLoginCode } from '../../backend/src/operator/session'
import { startService, StartupError } from '../../backend/src/service'
import { Emulator } from '@holdfast/stripe-emulator'
import { formatMoney } from '@holdfast/shared/money'

const env = process.env
const realKeys = Boolean(
  env.STRIPE_SECRET_KEY_TEST || env.STRIPE_SECRET_KEY_LIVE || env.STRIPE_API_URL
)
if (realKeys || env.HOLDFAST_DEMO === 'off') {
  await import('../../backend/src/main')
} else {
  await runDemo()
}

function fail(message: string): never {
  process.stderr.write(`holdfast: ${message}\n`)
  process.exit(1)
}

async function runDemo() {
  const customers = Number(env.DEMO_CUSTOMERS ?? 2000)
  const emulator = new Emulator({ seed: 7, rateLimits: false })
  const emulatorServer = await emulator
    .listen(Number(env.EMULATOR_PORT ?? 12111))
    .catch(() => emulator.listen(0))
  const merchant = emulator.createAccount({ name: 'Demo Coffee Club' })
  const seeded = emulator.seed(merchant.id, 'test', { customers, seed: 7 })

  const appSecret = 'absec_demo_' + randomBytes(8).toString('hex')
  // The operator page always needs a token; the demo makes one and prints a one-time sign-in link.
  const operatorToken = env.OPERATOR_TOKEN || randomBytes(24).toString('base64url')
  // Stripe must reach our webhook endpoint, so the demo needs to know its port before starting.
  const port =
    env.PORT && env.PORT !== '0' ? Number(env.PORT) : env.PORT === '0' ? await freePort() : 8787
  let config
  try {
    config = loadConfig({
      ...env,
      PORT: String(port),
      STRIPE_API_URL: emulatorServer.url,
      STRIPE_SECRET_KEY_TEST: emulator.platform.keys.test.secret,
      STRIPE_SECRET_KEY_LIVE: emulator.platform.keys.live.secret,
      STRIPE_CLIENT_ID_TEST: emulator.oauthApp.clientIds.test,
      STRIPE_CLIENT_ID_LIVE: emulator.oauthApp.clientIds.live,
      STRIPE_APP_SECRET: env.STRIPE_APP_SECRET ?? appSecret,
      OPERATOR_TOKEN: operatorToken,
    })
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }
  // The emulator forgets everything on exit, so the demo starts from an empty database too.
  const dataDir = join(config.dataDir, 'demo')
  rmSync(dataDir, { recursive: true, force: true })
  const log = createLogger(env.LOG_LEVEL ? config.logLevel : 'warn')
  const service = await startService({ ...config, dataDir, databaseUrl: undefined }, log).catch(
    (err: unknown) =>
      fail(err instanceof StartupError || err instanceof Error ? err.message : String(err))
  )
  const publicUrl = service.url
  const signInLink = `${publicUrl}/login/${createOperatorLoginCode(operatorToken, new Date())}`
  // The app's real views in a Dashboard-like frame, signing as Stripe would with the app secret.
  const { startPreviewServer } = await import('./preview/server')
  const previewOptions = {
    serviceUrl: publicUrl,
    accountId: merchant.id,
    accountName: 'Demo Coffee Club',
    appSecret: config.stripe.appSecrets[0] ?? fail('no app secret'),
  }
  const previewPort = Number(env.PREVIEW_PORT ?? (env.PORT === '0' ? 0 : 8788))
  const preview = await startPreviewServer({ ...previewOptions, port: previewPort }).catch(() =>
    startPreviewServer({ ...previewOptions, port: 0 })
  )
  process.stdout.write(
    `Holdfast demo\n  preview   ${preview.url}${featuredCustomer(emulator, merchant.id)}  (the Stripe App's views, open this)\n  service   ${publicUrl}\n  operator  ${signInLink}  (one-time sign-in link, 10 min${env.OPERATOR_TOKEN ? '' : `; later: ${publicUrl}/login with token ${operatorToken}`})\n  emulator  ${emulatorServer.url}\n`
  )
  process.stdout.write(
    `  merchant  ${merchant.id} "Demo Coffee Club": ${seeded.customers} customers, ${seeded.subscriptions} subscriptions, ${seeded.invoices} invoices\n`
  )

  // Install through the real OAuth flow: our /oauth/install → the emulator's authorize → our callback.
  const install = await fetch(`${publicUrl}/oauth/install?mode=test`, { redirect: 'manual' })
  const authorize = new URL(install.headers.get('location') ?? fail('install did not redirect'))
  authorize.searchParams.set('account', merchant.id)
  const consent = await fetch(authorize, { redirect: 'manual' })
  const callback = await fetch(
    consent.headers.get('location') ?? fail('authorize did not redirect')
  )
  if (callback.status !== 200) fail(`the install failed: ${await callback.text()}`)
  process.stdout.write(`  installed through OAuth; importing…\n`)

  // For `npm run demo:act`: how a support agent's Stripe App would sign requests here.
  const monthlyPrices = [...emulator.account(merchant.id, 'test').prices.values()]
    .filter(
      (p) =>
        p.active &&
        p.recurring?.interval === 'month' &&
        p.recurring.usage_type !== 'metered' &&
        p.currency === 'usd'
    )
    .map((p) => p.id)
  writeFileSync(
    join(dataDir, 'agent.json'),
    JSON.stringify(
      {
        serviceUrl: publicUrl,
        accountId: merchant.id,
        userId: 'usr_demo_agent',
        appSecret: config.stripe.appSecrets[0],
        monthlyPrices,
      },
      null,
      2
    )
  )

  const db = service.database.db
  const finished = await waitForImport(db, merchant.id, Number(env.DEMO_IMPORT_TIMEOUT_S ?? 300))
  const summary = await demoSummary(db, merchant.id)
  process.stdout.write(
    `\n${finished ? 'Synced' : 'Import still running'}: ${summary.customers} customers, MRR ${summary.mrr}\n`
  )
  for (const s of summary.segments)
    process.stdout.write(`  ${s.name.padEnd(28)} ${String(s.members).padStart(6)}\n`)
  log.warn('demo ready', {
    accountId: merchant.id,
    synced: finished,
    ...summary,
    // The emulator's key for this merchant (not a real Stripe key), for checking the demo against it.
    emulatorUrl: emulatorServer.url,
    merchantKey: merchant.keys.test.secret,
  })
  process.stdout.write(`\nTry: npm run demo:act    Stop: Ctrl+C\n`)

  const trickle = startTrickle(
    emulator,
    emulatorServer.port,
    merchant,
    Number(env.DEMO_TRICKLE_MS ?? 4000)
  )
  const stop = async () => {
    clearInterval(trickle)
    await preview.close()
    await service.stop()
    await emulatorServer.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

/** `#customer/<id>` of a past-due customer, so the preview opens on the save desk's main case. */
function featuredCustomer(emulator: Emulator, accountId: string): string {
  const subs = [...emulator.account(accountId, 'test').subscriptions.values()]
  const sub = subs.find((s) => s.status === 'past_due') ?? subs[0]
  const customer = typeof sub?.customer === 'string' ? sub.customer : sub?.customer.id
  return customer ? `#customer/${customer}` : ''
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

type Db = Awaited<ReturnType<typeof startService>>['database']['db']

async function waitForImport(db: Db, accountId: string, timeoutSeconds: number): Promise<boolean> {
  const deadline = Date.now() + timeoutSeconds * 1000
  let lastLine = ''
  while (Date.now() < deadline) {
    const tasks = rowsOf<{ object_type: string; fetched: number; state: string }>(
      await db.execute(sql`
        select object_type, sum(fetched)::int as fetched,
          case when bool_or(state = 'failed') then 'failed' when bool_and(state = 'done') then 'done' else 'running' end as state
        from sync_tasks where account_id = ${accountId} and livemode = false group by object_type order by object_type`)
    )
    const [run] = rowsOf<{ id: string; state: string }>(
      await db.execute(sql`select id, state from sync_runs where account_id = ${accountId} and livemode = false
        and kind = 'backfill' order by created_at desc limit 1`)
    )
    const line = tasks
      .map(
        (t) =>
          `${t.object_type} ${t.fetched}${t.state === 'done' ? ' ✓' : t.state === 'failed' ? ' ✗' : ''}`
      )
      .join(' · ')
    if (line && line !== lastLine) {
      process.stdout.write(`  ${line}\n`)
      lastLine = line
    }
    if (run && (run.state === 'done' || run.state === 'failed')) {
      // Then traits, segments and stages are rebuilt for what the import wrote.
      const [rebuilt] = rowsOf<{ value: string }>(
        await db.execute(sql`select value from sync_cursors where account_id = ${accountId}
          and livemode = false and name = 'traits_rebuilt_for_run'`)
      )
      if (rebuilt?.value === run.id) return run.state === 'done'
      if (lastLine !== 'traits') process.stdout.write('  computing traits, segments and stages…\n')
      lastLine = 'traits'
    }
    await new Promise((r) => setTimeout(r, 1000))
  }
  return false
}

export async function demoSummary(db: Db, accountId: string) {
  const [counts] = rowsOf<{ customers: number }>(
    await db.execute(sql`select count(*)::int as customers from stripe_customers
      where account_id = ${accountId} and livemode = false and deleted_at is null`)
  )
  const mrrRows = rowsOf<{ key: string; amount: number }>(
    await db.execute(sql`select key, sum(value::numeric)::bigint as amount
      from customer_traits, jsonb_each_text(traits)
      where account_id = ${accountId} and livemode = false and key like 'mrr.%' group by key order by key`)
  )
  const segments = rowsOf<{ key: string | null; name: string; members: number }>(
    await db.execute(sql`select s.predefined_key as key, s.name, count(m.customer_id)::int as members from segments s
      left join segment_memberships m on m.segment_id = s.id
      where s.account_id = ${accountId} and s.livemode = false and not s.hidden
      group by s.id, s.predefined_key, s.name order by s.name`)
  )
  const mrr =
    mrrRows
      .map((r) => formatMoney({ amount: Number(r.amount), currency: r.key.slice(4) }))
      .join(', ') || '0'
  return { customers: counts?.customers ?? 0, mrr, segments }
}

/** Live events: payments, failures, cancellations and new customers, through signed webhooks. */
function startTrickle(
  emulator: Emulator,
  port: number,
  merchant: { id: string; keys: { test: { secret: string } } },
  everyMs: number
) {
  const stripe = new Stripe(merchant.keys.test.secret, {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    telemetry: false,
  })
  let n = 0
  return setInterval(() => {
    n++
    const state = emulator.account(merchant.id, 'test')
    const active = [...state.subscriptions.values()].filter((s) => s.status === 'active')
    const pick = active[(n * 7919) % Math.max(1, active.length)]
    const step = async () => {
      if (n % 4 === 1 && pick) emulator.simulate.invoicePaymentFailed(merchant.id, 'test', pick.id)
      else if (n % 4 === 2 && pick)
        emulator.simulate.invoicePaymentSucceeded(merchant.id, 'test', pick.id)
      else if (n % 4 === 3 && pick)
        await stripe.subscriptions.update(pick.id, { cancel_at_period_end: true })
      else
        await stripe.customers.create({ email: `walk-in-${n}@example.com`, name: `Walk-in ${n}` })
    }
    step().catch(() => {})
  }, everyMs)
}
