import { afterEach, expect, test } from 'vitest'
import { accounts, credentials, stripeCustomers, syncRuns } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

/** Every text value in every table of the public schema, for "no plaintext anywhere" checks. */
async function everythingStored(harness: Harness): Promise<string> {
  const { rows: tables } = await harness.database.executeSql(
    `select table_name from information_schema.tables where table_schema = 'public'`
  )
  let all = ''
  for (const { table_name } of tables) {
    const { rows } = await harness.database.executeSql(`select * from "${String(table_name)}"`)
    all += JSON.stringify(rows)
  }
  return all
}

function oauthTokensOf(harness: Harness, accountId: string): string[] {
  return harness
    .emulator!.keys.all()
    .filter((k) => k.kind === 'oauth' && k.accountId === accountId)
    .map((k) => k.key)
}

test('install stores the tokens sealed, refreshes after expiry, and uninstall purges', async () => {
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant()

  const [account] = await h.db().select().from(accounts)
  expect(account).toMatchObject({
    accountId: merchant.accountId,
    livemode: false,
    status: 'active',
    connection: 'oauth',
  })
  const [cred] = await h.db().select().from(credentials)
  expect(cred?.accessTokenEnc?.startsWith('v1.')).toBe(true)
  const issued = oauthTokensOf(h, merchant.accountId)
  expect(issued.length).toBeGreaterThan(0)
  const stored = await everythingStored(h)
  for (const token of issued) expect(stored).not.toContain(token)
  // the first import was queued, and a sync worker started it
  await waitFor(async () => (await h!.db().select().from(syncRuns)).length === 1, {
    what: 'the first import',
  })
  const [run] = await h.db().select().from(syncRuns)
  expect(run).toMatchObject({ accountId: merchant.accountId, livemode: false, kind: 'backfill' })

  // A customer created at Stripe arrives by webhook.
  const stripe = h.stripeAs(merchant.accountId)
  await stripe.customers.create({ email: 'first@example.com' })
  await waitFor(async () => (await h!.db().select().from(stripeCustomers)).length === 1, {
    what: 'customer synced',
  })

  // An hour later the access token has expired at Stripe; we refresh before using it.
  h.emulator!.advance(3_700)
  const { stripeForAccount } = await import('../../backend/src/accounts/credentials')
  const client = await stripeForAccount(h.deps, merchant)
  const list = await client.customers.list({ limit: 10 })
  expect(list.data.map((c) => c.email)).toEqual(['first@example.com'])
  const [refreshed] = await h.db().select().from(credentials)
  expect(refreshed!.accessTokenEnc).not.toBe(cred!.accessTokenEnc)
  expect(refreshed!.refreshTokenEnc).not.toBe(cred!.refreshTokenEnc)

  // Uninstall at Stripe: the deauthorized event removes tokens and (test mode) purges the data.
  h.emulator!.uninstall(merchant.accountId, 'test')
  await waitFor(async () => (await h!.db().select().from(stripeCustomers)).length === 0, {
    what: 'data purged',
  })
  const [after] = await h.db().select().from(accounts)
  expect(after?.status).toBe('uninstalled')
  expect(await h.db().select().from(credentials)).toHaveLength(0)
})

test('one refresh at a time: concurrent callers share it and the rotated token stays valid', async () => {
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant()
  h.emulator!.advance(3_700)
  const { currentApiKey } = await import('../../backend/src/accounts/credentials')
  const keys = await Promise.all(Array.from({ length: 5 }, () => currentApiKey(h!.deps, merchant)))
  expect(new Set(keys).size).toBe(1)
  const stripe = h.deps.stripe.forKey(keys[0]!)
  await expect(stripe.customers.list({ limit: 1 })).resolves.toBeTruthy()
})

test('a revoked grant marks the account needs_reauth and says so', async () => {
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant()
  // Revoke at Stripe without us hearing about it (the webhook is lost).
  h.emulator!.webhooks.configure({ mode: 'manual' })
  h.emulator!.uninstall(merchant.accountId, 'test')
  h.emulator!.advance(3_700)
  const { currentApiKey } = await import('../../backend/src/accounts/credentials')
  await expect(currentApiKey(h.deps, merchant)).rejects.toThrow(/reinstall the app/)
  const me = await h.as(merchant).get('/api/v1/account')
  expect(me.body.status).toBe('needs_reauth')
})

test('replayed, foreign or missing state, missing code and denied consent get 400 and store nothing', async () => {
  h = await startHarness({ emulator: true })
  const emulator = h.emulator!
  const start = async () => {
    const res = await h!.request('/oauth/install?mode=test')
    expect(res.status).toBe(302)
    return new URL(res.headers.get('location')!)
  }

  // Replay: a state works once.
  const first = await start()
  const redirect = new URL(
    emulator.authorize({
      mode: 'test',
      redirectUri: first.searchParams.get('redirect_uri')!,
      state: first.searchParams.get('state')!,
    })
  )
  expect((await h.request(redirect.pathname + redirect.search)).status).toBe(200)
  const replay = await h.request(redirect.pathname + redirect.search)
  expect(replay.status).toBe(400)
  expect(replay.body).toContain('This install link was already used')
  const installedCount = (await h.db().select().from(accounts)).length

  // Foreign state: signed by someone else.
  const foreign = await h.request(
    '/oauth/callback?code=ac_x&state=abc.test.forgedsignatureforgedsignature00'
  )
  expect(foreign.status).toBe(400)
  expect(foreign.body).toContain('expired or was already used')

  // No state at all.
  const none = await h.request('/oauth/callback?code=ac_x')
  expect(none.status).toBe(400)
  expect(none.body).toContain('no state')

  // Missing code with a valid state.
  const second = await start()
  const noCode = await h.request(
    `/oauth/callback?state=${encodeURIComponent(second.searchParams.get('state')!)}`
  )
  expect(noCode.status).toBe(400)
  expect(noCode.body).toContain('no authorization code')

  // Denied consent.
  const third = await start()
  const denied = new URL(
    emulator.authorize({
      mode: 'test',
      deny: true,
      redirectUri: third.searchParams.get('redirect_uri')!,
      state: third.searchParams.get('state')!,
    })
  )
  const deniedRes = await h.request(denied.pathname + denied.search)
  expect(deniedRes.status).toBe(400)
  expect(deniedRes.body).toContain('You declined the permissions Holdfast asks for')

  // A code that Stripe refuses (already used or made up).
  const fourth = await start()
  const badCode = await h.request(
    `/oauth/callback?code=ac_madeup&state=${encodeURIComponent(fourth.searchParams.get('state')!)}`
  )
  expect(badCode.status).toBe(400)
  expect(badCode.body).toContain('Stripe did not accept this install')

  expect(await h.db().select().from(accounts)).toHaveLength(installedCount)
  expect(await h.db().select().from(credentials)).toHaveLength(installedCount)
})

test('install without platform keys for a mode explains what to configure', async () => {
  h = await startHarness()
  const res = await h.request('/oauth/install?mode=live')
  expect(res.status).toBe(503)
  expect(res.body.error.message).toContain('STRIPE_CLIENT_ID_LIVE')
  const bad = await h.request('/oauth/install?mode=staging')
  expect(bad.status).toBe(400)
})
