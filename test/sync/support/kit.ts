// Helpers for the sync tests: a seeded merchant installed through OAuth, waiting for a run, and
// the comparison of everything we hold with the emulator's state, object for object.
import type { Scope } from '../../../backend/src/kernel/scope'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { rowsOf, type Db } from '../../../backend/src/db/client'
import type { Emulator } from '@holdfast/stripe-emulator'
import type { Harness } from '../../support/harness'
import { waitFor } from '../../support/wait'
import { emulatorObjects, heldObjects, isDeepEqual, unlistable } from '../../support/mirror'

export { emulatorObjects, heldObjects }

/** Fast limits and small pages, so tests have many pages and no waiting. */
export const syncTestEnv = {
  SYNC_RATE_LIMIT_TEST: '1000',
  SYNC_RATE_LIMIT_LIVE: '1000',
  SYNC_RATE_LIMIT_PER_ENDPOINT: '1000',
  SYNC_PAGE_SIZE: '10',
  SYNC_TASK_LEASE_SECONDS: '2',
  SYNC_WORKERS: '6',
  SYNC_TYPE_CONCURRENCY: '3',
}

export type SeededMerchant = {
  accountId: string
  mode: 'test' | 'live'
  livemode: boolean
  scope: Scope
}

/** Creates the merchant at the emulator, seeds it, then installs through OAuth (which queues the import). */
export async function installSeeded(
  h: Harness,
  options: { customers: number; seed?: number; mode?: 'test' | 'live'; accountId?: string }
): Promise<SeededMerchant> {
  const em = h.emulator!
  const account = em.createAccount({ id: options.accountId })
  const mode = options.mode ?? 'test'
  if (options.customers > 0)
    em.seed(account.id, mode, { customers: options.customers, seed: options.seed ?? 1 })
  const merchant = await h.installMerchant({ mode, accountId: account.id })
  return {
    accountId: merchant.accountId,
    mode,
    livemode: merchant.livemode,
    scope: { accountId: merchant.accountId, livemode: merchant.livemode },
  }
}

export async function runsOf(db: Db, scope: Scope) {
  return rowsOf<{
    id: string
    kind: string
    state: string
    summary: unknown
    error: string | null
  }>(
    await db.execute(sql`
      select id, kind, state, summary, error from sync_runs
      where account_id = ${scope.accountId} and livemode = ${scope.livemode}
      order by created_at`)
  )
}

/** Waits until the account's newest run of `kind` is finished; returns it. */
export async function waitForRun(
  h: Harness,
  scope: Scope,
  kind: 'backfill' | 'reconcile' = 'backfill',
  timeoutMs = 120_000
) {
  let run: Awaited<ReturnType<typeof runsOf>>[number] | undefined
  await waitFor(
    async () => {
      run = (await runsOf(h.db(), scope)).filter((r) => r.kind === kind).at(-1)
      return run !== undefined && !['pending', 'running'].includes(run.state)
    },
    { timeoutMs, intervalMs: 50, what: `${kind} run to finish` }
  )
  return run!
}

/** Our copy equals the emulator's state, object for object, for every synced type. */
export async function expectMirrors(
  h: Harness,
  merchant: SeededMerchant,
  options: { skip?: string[] } = {}
) {
  const expected = emulatorObjects(h.emulator!, merchant.accountId, merchant.mode)
  const optional = unlistable(h.emulator!, merchant.accountId, merchant.mode)
  for (const [type, objects] of Object.entries(expected)) {
    if (options.skip?.includes(type)) continue
    const held = await heldObjects(h.db(), merchant.scope, type)
    const missing = [...objects.keys()].filter((id) => !held.has(id) && !optional.has(id))
    const extra = [...held.keys()].filter((id) => !objects.has(id))
    expect({ type, missing: missing.slice(0, 5), extra: extra.slice(0, 5) }).toEqual({
      type,
      missing: [],
      extra: [],
    })
    const differing = [...objects.entries()].filter(
      ([id, o]) => held.has(id) && !isDeepEqual(held.get(id), o)
    )
    if (differing.length > 0) {
      const [id, o] = differing[0]!
      expect({ type, id, data: held.get(id) }).toEqual({ type, id, data: o })
    }
  }
}

/**
 * Sum of what the import's tasks listed per object type (each object once, if nothing doubled).
 * Payment methods are left out: a default card rides inside its customer and its subscriptions.
 */
export async function listedCounts(db: Db, runId: string): Promise<Record<string, number>> {
  const rows = rowsOf<{ stats: unknown }>(
    await db.execute(sql`select stats from sync_tasks where run_id = ${runId}`)
  )
  const out: Record<string, number> = {}
  for (const r of rows) {
    const stats = (typeof r.stats === 'string' ? JSON.parse(r.stats) : r.stats) as {
      seen?: Record<string, number>
    }
    for (const [type, n] of Object.entries(stats.seen ?? {}))
      if (type !== 'payment_method') out[type] = (out[type] ?? 0) + n
  }
  return out
}

export function emulatorCounts(em: Emulator, accountId: string, mode: 'test' | 'live') {
  return Object.fromEntries(
    Object.entries(emulatorObjects(em, accountId, mode))
      .filter(([type, m]) => m.size > 0 && type !== 'payment_method')
      .map(([type, m]) => [type, m.size])
  )
}
