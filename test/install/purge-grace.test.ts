// Live-mode uninstall keeps the data for the grace period, then the hourly sweep deletes it.
import { afterEach, expect, test } from 'vitest'
import { purgeDueAccounts } from '../../backend/src/accounts/uninstall'
import { accounts, credentials, stripeCustomers } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('live data survives an uninstall for 30 days, then the sweep purges it', async () => {
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant({ mode: 'live' })
  await h.stripeAs(merchant.accountId, 'live').customers.create({ email: 'live@example.com' })
  await waitFor(async () => (await h!.db().select().from(stripeCustomers)).length === 1, {
    what: 'customer synced',
  })

  h.emulator!.uninstall(merchant.accountId, 'live')
  await waitFor(async () => (await h!.db().select().from(accounts))[0]?.status === 'uninstalled', {
    what: 'uninstalled',
  })
  expect(await h.db().select().from(credentials)).toHaveLength(0)

  expect(await purgeDueAccounts(h.deps)).toBe(0)
  expect(await h.db().select().from(stripeCustomers)).toHaveLength(1)

  h.emulator!.advance(31 * 24 * 3600)
  expect(await purgeDueAccounts(h.deps)).toBe(1)
  expect(await h.db().select().from(stripeCustomers)).toHaveLength(0)
})
