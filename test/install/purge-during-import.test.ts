// The purge sweep deletes an account's data while its import is still running: the workers
// hold task rows and write objects, the purge deletes both. One lock order (work queues first,
// as the workers take them) means neither waits on the other in a cycle (no 40P01), and the
// workers stop cleanly once their tasks are gone.
import { and, eq, sql } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { purgeDueAccounts } from '../../backend/src/accounts/uninstall'
import { rowsOf } from '../../backend/src/db/client'
import { accounts } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'
import { installSeeded, runsOf, syncTestEnv } from '../sync/support/kit'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

// Postgres only: PGlite has one connection, so its transactions never interleave.
test.runIf(testDbKind() === 'postgres')(
  'purging an account mid-import deletes everything, without a deadlock',
  async () => {
    h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_PAGE_SIZE: '5' } })
    const merchant = await installSeeded(h, { customers: 120, seed: 7, mode: 'live' })
    const { scope } = merchant
    const customersHeld = async () =>
      Number(
        rowsOf<{ n: unknown }>(
          await h!.db().execute(sql`select count(*) as n from stripe_customers
          where account_id = ${scope.accountId} and livemode = ${scope.livemode}`)
        )[0]?.n ?? 0
      )
    await waitFor(async () => (await customersHeld()) > 0, { what: 'the import to commit a page' })
    expect((await runsOf(h.db(), scope)).some((r) => r.state === 'running')).toBe(true)

    // As the uninstall would leave it once the grace period is over, but with the tasks still
    // running: the worst case for the purge.
    await h
      .db()
      .update(accounts)
      .set({ status: 'uninstalled', purgeAfter: new Date(h.deps.now().getTime() - 1000) })
      .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
    expect(await purgeDueAccounts(h.deps)).toBe(1)

    // Nothing of the account is left, and workers that were mid-page write nothing back.
    await new Promise((r) => setTimeout(r, 500))
    const left = rowsOf<{ n: unknown }>(
      await h.db().execute(sql`
      select (select count(*) from stripe_customers where account_id = ${scope.accountId}) +
             (select count(*) from sync_tasks where account_id = ${scope.accountId}) +
             (select count(*) from sync_runs where account_id = ${scope.accountId}) as n`)
    )[0]
    expect(Number(left?.n)).toBe(0)
  },
  60_000
)
