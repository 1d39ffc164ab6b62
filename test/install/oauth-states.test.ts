// /oauth/install is unauthenticated: the oauth_states rows it writes must stay bounded.
import { afterEach, expect, test } from 'vitest'
import { oauthStates } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const stateOf = (res: { headers: Headers }) =>
  new URL(res.headers.get('location')!).searchParams.get('state')!

test('pending installs are capped, expired states are swept, and a state works once', async () => {
  h = await startHarness({ emulator: true, env: { OAUTH_PENDING_INSTALLS_MAX: '5' } })
  const rows = async () => (await h!.db().select().from(oauthStates)).length

  const started = []
  for (let i = 0; i < 5; i++) started.push(await h.request('/oauth/install?mode=test'))
  expect(started.map((r) => r.status)).toEqual([302, 302, 302, 302, 302])
  const refused = await h.request('/oauth/install?mode=live')
  expect(refused.status).toBe(429)
  expect(refused.body.error.message).toBe(
    'Too many installs are waiting for Stripe right now. Try again in a few minutes.'
  )
  expect(await rows()).toBe(5)

  // A state is used up by its callback: its row goes, and the same state fails the second time.
  const callback = `/oauth/callback?state=${encodeURIComponent(stateOf(started[0]!))}&error=access_denied`
  expect((await h.request(callback)).status).toBe(400)
  expect(await rows()).toBe(4)
  const again = await h.request(callback)
  expect(String(again.body)).toContain('expired or was already used')

  // Ten minutes on, the rest have expired: the next install sweeps them and goes through.
  h.emulator!.advance(10 * 60 + 1)
  const later = await h.request('/oauth/install?mode=test')
  expect(later.status).toBe(302)
  expect(await rows()).toBe(1)
  const late = `/oauth/callback?state=${encodeURIComponent(stateOf(started[1]!))}&code=whatever`
  expect(String((await h.request(late)).body)).toContain('expired or was already used')

  // A full install still works end to end.
  await h.installMerchant()
  expect(await rows()).toBe(1)
})
