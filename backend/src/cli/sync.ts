// Operator CLI: import (or reconcile) one installation from a terminal, with a progress bar per
// object type. Runs the sync workers in this process; other running backends share the work
// through the database. Ctrl-C hands the tasks back: run the command again to continue.
//
//   npm run sync -- --account acct_123 [--mode test|live] [--reconcile] [--changes-only] [--watch]
import { parseArgs } from 'node:util'
import { and, eq } from 'drizzle-orm'
import { ConfigError, loadConfig } from '../config'
import { databaseTargetFromConfig, openDatabase } from '../db/client'
import { runMigrations } from '../db/migrate'
import { accounts, syncRuns } from '../db/schema'
import { buildDeps } from '../deps'
import { createLogger, type LogLevel } from '../log'
import { createQueue } from '../queue/queue'
import { startImport } from '../sync/backfill'
import { startSyncRunner, type SyncRunner } from '../sync/backfill-runner'
import { fixedOf, runProgress, type TypeProgress } from '../sync/health'
import { createRateLimiter } from '../sync/rate-limiter'
import { requestReconcile, runReconcile } from '../sync/reconcile'

const usage = `Usage: npm run sync -- --account acct_… [--mode test|live] [--reconcile] [--changes-only] [--watch]

  --account       the Stripe account (installed in Holdfast)
  --mode          test (default) or live
  --reconcile     reconcile (Events API catch-up and check) instead of importing
  --changes-only  record the choice "only changes from now on" (imports nothing)
  --watch         only show progress; other backend processes do the work
`

function fail(message: string, code = 2): never {
  process.stderr.write(`sync: ${message}\n`)
  process.exit(code)
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        account: { type: 'string' },
        mode: { type: 'string', default: 'test' },
        reconcile: { type: 'boolean', default: false },
        'changes-only': { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    })
  } catch (err) {
    fail(`${(err as Error).message}\n\n${usage}`)
  }
})()
if (values.help) {
  process.stdout.write(usage)
  process.exit(0)
}
const accountId = values.account
if (!accountId?.startsWith('acct_')) fail(`--account acct_… is required\n\n${usage}`)
if (values.mode !== 'test' && values.mode !== 'live') fail('--mode must be test or live')
const scope = { accountId, livemode: values.mode === 'live' }

let config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (err instanceof ConfigError) fail(err.message)
  throw err
}
const level = (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'warn'
const log = createLogger(level, (line) => process.stderr.write(line + '\n'))
const database = await openDatabase(databaseTargetFromConfig(config))
await runMigrations(database)
const deps = buildDeps(config, database, createQueue(database, log), log)

const [account] = await deps.db
  .select({ status: accounts.status })
  .from(accounts)
  .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
if (!account || account.status !== 'active') {
  await database.close()
  fail(
    `${accountId} is ${account ? account.status : 'not installed'} in ${values.mode} mode (${database.location})`,
    1
  )
}

const limiter = createRateLimiter(deps, config.sync.rateLimits)
let runId: string | null
if (values.reconcile) {
  const requested = await requestReconcile(deps, scope)
  runId = requested.runId
  if (requested.started && runId) {
    process.stdout.write(`Reconciling ${accountId} (${values.mode}): events first…\n`)
    await runReconcile({ ...deps, limiter }, runId)
  } else process.stdout.write(`A sync run is already going for ${accountId}: following it.\n`)
} else {
  const started = await startImport(
    { ...deps, limiter },
    scope,
    values['changes-only'] ? 'changes_only' : 'existing'
  )
  runId = started.runId
  process.stdout.write(
    started.started
      ? `Import of ${accountId} (${values.mode}) started.\n`
      : `An import of ${accountId} is already going: ${values.watch ? 'following' : 'joining'} it.\n`
  )
}
if (!runId) fail('nothing to run', 1)

const runner: SyncRunner | undefined = values.watch
  ? undefined
  : startSyncRunner({ ...deps }, { limiter })
let interrupted = false
process.once('SIGINT', () => {
  interrupted = true
})

const tty = process.stdout.isTTY
let drawn = 0
let lastPlain = 0
const started = Date.now()
const bar = (progress: number | null) => {
  const width = 24
  const filled = Math.round(((progress ?? 0) / 100) * width)
  return '█'.repeat(filled) + '░'.repeat(width - filled)
}
function draw(rows: TypeProgress[], final: boolean) {
  const shown = rows.filter((r) => r.state !== 'not_started')
  const lines = shown.map((r) => {
    const pct = r.progress === null ? '   ?' : `${String(r.progress).padStart(3)}%`
    const fixed = values.reconcile && r.fixed > 0 ? `  fixed ${r.fixed}` : ''
    return `${r.type.padEnd(18)} ${bar(r.progress)} ${pct}  ${r.listed.toLocaleString('en-US').padStart(9)} listed  ${r.state}${fixed}`
  })
  const elapsed = `${Math.round((Date.now() - started) / 1000)} s`
  if (tty) {
    if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`)
    for (const line of [...lines, elapsed]) process.stdout.write(`\x1b[2K${line}\n`)
    drawn = lines.length + 1
  } else if (final || Date.now() - lastPlain > 5_000) {
    lastPlain = Date.now()
    process.stdout.write(`${lines.join('\n')}\n${elapsed}\n`)
  }
}

let state = 'running'
for (;;) {
  const [run] = await deps.db.select().from(syncRuns).where(eq(syncRuns.id, runId))
  state = run?.state ?? 'missing'
  const finished = !['pending', 'running'].includes(state)
  draw(await runProgress(deps.db, runId), finished || interrupted)
  if (finished || interrupted) {
    if (run && finished) {
      const summary = run.summary as Record<string, unknown>
      process.stdout.write(`Run ${run.id}: ${state}${run.error ? ` — ${run.error}` : ''}\n`)
      if (run.kind === 'reconcile') {
        const fixed = fixedOf(summary)
        process.stdout.write(
          `Fixed ${fixed.total}: missed events ${JSON.stringify(fixed.missedEvents)}, added ${JSON.stringify(fixed.added)}, updated ${JSON.stringify(fixed.updated)}, deleted ${JSON.stringify(fixed.deleted)}\n`
        )
      }
    }
    break
  }
  await new Promise((r) => setTimeout(r, 500))
}
await runner?.stop()
limiter.stop()
await database.close()
if (interrupted) {
  process.stdout.write(
    `Stopped; the tasks were handed back. Continue with: npm run sync -- --account ${accountId} --mode ${values.mode}\n`
  )
  process.exit(130)
}
process.exit(state === 'done' ? 0 : 1)
