import { afterEach, expect, test } from 'vitest'
import { accounts, credentials } from '../../backend/src/db/schema'
import type { Permissions } from '@holdfast/stripe-emulator'
import { startHarness, type Harness } from '../support/harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const everything: Permissions = {
  customers: 'read',
  subscriptions: 'write',
  products: 'read',
  prices: 'read',
  coupons: 'write',
  promotion_codes: 'read',
  invoices: 'read',
  charges: 'read',
  payment_methods: 'read',
  events: 'read',
}

test('check lists exactly the permissions a key lacks; save refuses it', async () => {
  h = await startHarness({ emulator: true })
  const merchant = h.emulator!.createAccount({ name: 'Key merchant' })
  const key = h.emulator!.createRestrictedKey(merchant.id, 'test', {
    ...everything,
    subscriptions: 'read',
    events: 'none',
  })
  const as = h.as({ accountId: merchant.id })

  const check = await as.post('/api/v1/account/api-key/check', { apiKey: key })
  expect(check.status).toBe(200)
  expect(check.body).toMatchObject({
    ok: false,
    missingPermissions: ['subscription_write', 'event_read'],
  })
  expect(check.body.message).toContain('subscription_write, event_read')

  const save = await as.post('/api/v1/account/api-key', { apiKey: key })
  expect(save.status).toBe(422)
  expect(save.body.error.missingPermissions).toEqual(['subscription_write', 'event_read'])
  expect(await h.db().select().from(credentials)).toHaveLength(0)
})

test('a complete key is saved sealed and activates the account', async () => {
  h = await startHarness({ emulator: true })
  const merchant = h.emulator!.createAccount({ name: 'Key merchant' })
  const key = h.emulator!.createRestrictedKey(merchant.id, 'test', everything)
  const as = h.as({ accountId: merchant.id })

  expect((await as.post('/api/v1/account/api-key/check', { apiKey: key })).body.ok).toBe(true)
  const save = await as.post('/api/v1/account/api-key', { apiKey: key })
  expect(save.status).toBe(200)

  const [cred] = await h.db().select().from(credentials)
  expect(cred).toMatchObject({ accountId: merchant.id, livemode: false, kind: 'restricted_key' })
  expect(JSON.stringify(cred)).not.toContain(key)
  const [account] = await h.db().select().from(accounts)
  expect(account).toMatchObject({ status: 'active', connection: 'api_key' })
  expect((await as.get('/api/v1/account')).body.status).toBe('active')
})

test('bad keys get a clear 4xx: wrong shape, wrong mode, unknown to Stripe', async () => {
  h = await startHarness({ emulator: true })
  const as = h.as({ accountId: 'acct_1Somebody' })
  const shape = await as.post('/api/v1/account/api-key/check', { apiKey: 'hello' })
  expect(shape.status).toBe(400)
  expect(shape.body.error.message).toContain('apiKey: must be a Stripe restricted key')

  const live = await as.post('/api/v1/account/api-key/check', { apiKey: 'rk_live_abc' })
  expect(live.status).toBe(400)
  expect(live.body.error.message).toContain('That is a live-mode key; you are in test mode')

  const unknown = await as.post('/api/v1/account/api-key/check', { apiKey: 'rk_test_doesnotexist' })
  expect(unknown.status).toBe(200)
  expect(unknown.body).toMatchObject({ ok: false })
  expect(unknown.body.message).toContain('Stripe does not accept this key')
})

test("another account's key is refused: it must reach the caller's own account", async () => {
  h = await startHarness({ emulator: true })
  const owner = h.emulator!.createAccount({ name: 'Owner' })
  const other = h.emulator!.createAccount({ name: 'Other' })
  const key = h.emulator!.createRestrictedKey(owner.id, 'test', everything)
  const res = await h.as({ accountId: other.id }).post('/api/v1/account/api-key', { apiKey: key })
  expect(res.status).toBe(422)
  expect(res.body.error.message).toBe(
    `This key belongs to ${owner.id}, not to ${other.id}. Paste a key created in this account.`
  )
  expect(await h.db().select().from(credentials)).toHaveLength(0)
})
