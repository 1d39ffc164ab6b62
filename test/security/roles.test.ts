// Roles and mode from Stripe's signature: every Dashboard role against every write, the
// administrator's per-account override, the audit's record of the role, and a test-mode
// signature trying to reach live data.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { accounts, actionRuns } from '../../backend/src/db/schema'
import { arrange, emulatorSub, runsOf } from '../actions/support'
import { startHarness, type Harness } from '../support/harness'
import { extensionHeaders, type Merchant } from '../support/signing'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ emulator: true })
})
afterAll(() => h.close())

const at = () => Math.floor(h.deps.now().getTime() / 1000)
function send(m: Merchant, method: string, path: string, body?: unknown) {
  return h.request(path, { method, body, headers: extensionHeaders(m, undefined, at()) })
}

const sub = '/api/v1/subscriptions/sub_not_here'
const RETENTION = [
  ['pause collection', 'POST', `${sub}/pause-collection`],
  ['resume collection', 'POST', `${sub}/resume-collection`],
  ['apply a discount', 'POST', `${sub}/apply-discount`],
  ['change plan', 'POST', `${sub}/change-plan`],
  ['cancel a subscription', 'POST', `${sub}/cancel`],
  ['undo a scheduled cancellation', 'POST', `${sub}/reactivate`],
  ['extend a trial', 'POST', `${sub}/extend-trial`],
  ['pause a subscription', 'POST', `${sub}/pause-subscription`],
  ['resume a paused subscription', 'POST', `${sub}/resume-subscription`],
] as const
const SETTINGS = [
  ['change Holdfast settings', 'POST', '/api/v1/offers'],
  ['change Holdfast settings', 'PATCH', '/api/v1/offers/00000000-0000-4000-8000-000000000000'],
  ['change Holdfast settings', 'POST', '/api/v1/segments'],
  ['change Holdfast settings', 'PUT', '/api/v1/stages/settings'],
  ['change Holdfast settings', 'PUT', '/api/v1/settings/identity'],
  ['change Holdfast settings', 'POST', '/api/v1/settings/ingest-key'],
  ['change Holdfast settings', 'POST', '/api/v1/outbound/endpoints'],
  ['change Holdfast settings', 'POST', '/api/v1/sync/import'],
  ['change Holdfast settings', 'POST', '/api/v1/account/api-key'],
] as const
const DISCONNECT = [['disconnect Holdfast', 'POST', '/api/v1/account/disconnect']] as const
const ROLES_WRITE = [
  ['change what each role may do', 'PUT', '/api/v1/settings/roles/analyst'],
] as const
const ACTIONS = [...RETENTION, ...SETTINGS, ...DISCONNECT, ...ROLES_WRITE]

type Level = 'all' | 'retention' | 'read'
const MATRIX: [string[], Level][] = [
  [['admin'], 'all'],
  [['super_admin'], 'all'],
  [['support_specialist'], 'retention'],
  [['analyst'], 'read'],
  [['view_only'], 'read'],
  [['developer'], 'read'],
  [['a_custom_role'], 'read'],
  [[], 'read'],
  [['view_only', 'support_specialist'], 'retention'],
]

function allowedAt(level: Level, action: (typeof ACTIONS)[number]): boolean {
  if (level === 'all') return true
  if (level === 'retention') return (RETENTION as readonly unknown[]).includes(action)
  return false
}

describe.each(MATRIX)('roles %j', (roles, level) => {
  // An account with no installation: an allowed write gets past the policy and stops at 400/404
  // without changing anything, a refused one answers 403 before its body is read.
  const m: Merchant = { accountId: 'acct_1RolesNoInstall', roles }
  test.each(ACTIONS.map((a) => [a[1], a[2], a]))('%s %s', async (method, path, action) => {
    const res = await send(m, method, path, {})
    if (allowedAt(level, action)) {
      expect(res.status, JSON.stringify(res.body)).not.toBe(403)
      expect(res.status).not.toBe(401)
      expect(res.status).toBeLessThan(500)
    } else {
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('forbidden')
      expect(res.body.error.message).toContain(`Holdfast does not let`)
      expect(res.body.error.message).toContain(action[0])
      expect(res.body.error.message).toContain(
        roles.length ? `your role (${roles.join(', ')})` : 'a user without a Dashboard role'
      )
    }
  })

  test('reads and previews are open to every role', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/account'],
      ['GET', '/api/v1/settings/roles'],
      ['GET', '/api/v1/actions'],
      ['POST', `${sub}/change-plan/preview`],
      ['POST', '/api/v1/segments/preview'],
    ] as const) {
      const res = await send(m, method, path, method === 'POST' ? {} : undefined)
      expect(res.status, `${method} ${path}`).not.toBe(403)
      expect(res.status, `${method} ${path}`).toBeLessThan(500)
    }
  })
})

test('View only cannot pause a real subscription; Support specialist can, and the audit says so', async () => {
  const { m, sub } = await arrange(h)
  const viewer = { ...m, userId: 'usr_viewer', roles: ['view_only'] }
  const refused = await send(viewer, 'POST', `/api/v1/subscriptions/${sub.id}/pause-collection`, {
    clientKey: 'role-1',
  })
  expect(refused.status).toBe(403)
  expect(emulatorSub(h, m, sub.id).pause_collection).toBeFalsy()
  expect(await runsOf(h, m)).toHaveLength(0)

  const agent = { ...m, userId: 'usr_agent', roles: ['support_specialist'] }
  const paused = await send(agent, 'POST', `/api/v1/subscriptions/${sub.id}/pause-collection`, {
    clientKey: 'role-2',
  })
  expect(paused.status).toBe(200)
  expect(emulatorSub(h, m, sub.id).pause_collection?.behavior).toBeTruthy()
  const [run] = await runsOf(h, m)
  expect(run).toMatchObject({ userId: 'usr_agent', userRoles: ['support_specialist'] })
  const listed = await send(viewer, 'GET', '/api/v1/actions')
  expect(listed.body.data[0]).toMatchObject({
    userId: 'usr_agent',
    userRoles: ['support_specialist'],
  })
})

test('an administrator overrides a role per account and mode; only administrators may', async () => {
  const admin: Merchant = { accountId: 'acct_1RolesOverride', roles: ['admin'] }
  const analyst: Merchant = { ...admin, userId: 'usr_analyst', roles: ['analyst'] }
  const agent: Merchant = { ...admin, userId: 'usr_agent', roles: ['support_specialist'] }
  const pause = `${sub}/pause-collection`

  expect((await send(analyst, 'POST', pause, {})).status).toBe(403)
  const grant = await send(admin, 'PUT', '/api/v1/settings/roles/analyst', {
    permissions: ['pause_collection'],
  })
  expect(grant.status).toBe(200)
  expect(grant.body.roles).toContainEqual({
    role: 'analyst',
    permissions: ['pause_collection'],
    overridden: true,
  })
  // Past the policy: refused only for the missing idempotency key.
  expect((await send(analyst, 'POST', pause, {})).status).toBe(400)
  expect((await send(analyst, 'POST', `${sub}/cancel`, {})).status).toBe(403)
  // Per mode: the live installation keeps the default.
  expect((await send({ ...analyst, mode: 'live' }, 'POST', pause, {})).status).toBe(403)
  // Per account: another account keeps the default.
  expect(
    (await send({ ...analyst, accountId: 'acct_1RolesOther' }, 'POST', pause, {})).status
  ).toBe(403)

  const byAgent = await send(agent, 'PUT', '/api/v1/settings/roles/support_specialist', {
    permissions: ['manage_settings'],
  })
  expect(byAgent.status).toBe(403)
  expect(byAgent.body.error.message).toContain('Only an administrator can.')
  const escalate = await send(admin, 'PUT', '/api/v1/settings/roles/analyst', {
    permissions: ['manage_roles'],
  })
  expect(escalate.status).toBe(400)
  expect(escalate.body.error.message).toContain('manage_roles stays with administrators')
  const demoteAdmin = await send(admin, 'PUT', '/api/v1/settings/roles/admin', { permissions: [] })
  expect(demoteAdmin.status).toBe(400)

  const seen = await send(analyst, 'GET', '/api/v1/account')
  expect(seen.body).toMatchObject({ roles: ['analyst'], permissions: ['pause_collection'] })

  expect((await send(admin, 'DELETE', '/api/v1/settings/roles/analyst')).status).toBe(200)
  expect((await send(analyst, 'POST', pause, {})).status).toBe(403)
})

test('mode confusion: a test-mode signature never reaches the live installation', async () => {
  const { m: live, sub } = await arrange(h, { mode: 'live', accountId: 'acct_1RolesLiveOnly' })
  const testSigned: Merchant = { accountId: live.accountId, mode: 'test', roles: ['admin'] }
  const asLive = (method: string, path: string, body?: unknown) =>
    h.request(path, {
      method,
      body,
      headers: { ...extensionHeaders(testSigned, undefined, at()), 'x-holdfast-mode': 'live' },
    })

  const pause = await asLive('POST', `/api/v1/subscriptions/${sub.id}/pause-collection`, {
    clientKey: 'confused-1',
  })
  expect(pause.status).toBe(404)
  expect(pause.body.error.message).toContain('(test mode)')
  const read = await asLive('GET', `/api/v1/subscriptions/${sub.id}`)
  expect(read.status).toBe(404)
  const disconnect = await asLive('POST', '/api/v1/account/disconnect', {})
  expect(disconnect.status).toBe(404)

  expect(emulatorSub(h, live, sub.id).pause_collection).toBeFalsy()
  const [row] = await h
    .db()
    .select({ status: accounts.status })
    .from(accounts)
    .where(and(eq(accounts.accountId, live.accountId), eq(accounts.livemode, true)))
  expect(row?.status).toBe('active')
  const runs = await h
    .db()
    .select()
    .from(actionRuns)
    .where(eq(actionRuns.accountId, live.accountId))
  expect(runs).toHaveLength(0)

  // The same request signed for live mode does reach it.
  const signedLive = await send(
    { ...testSigned, mode: 'live' },
    'GET',
    `/api/v1/subscriptions/${sub.id}`
  )
  expect(signedLive.status).toBe(200)
})
