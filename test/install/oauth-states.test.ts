// /oauth/install is unauthenticated: the oauth_states rows it writes must stay bounded.
import { afterEach, expect, test } from 'vitest'
import { oauthStates } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const stateOf = (res: { headers: Headers }) =>
  new URL(res.headers.get('location')!).searchParams.get('state')!

test('pending installs are capped, a state works once (marked used, a replay refused), expired states are swept', async () => {
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

  // A state is used up by its callback: its row is marked used (so it no longer counts as a
  // pending install), and the same state is refused the second time, saying so.
  const first = stateOf(started[0]!)
  const callback = `/oauth/callback?state=${encodeURIComponent(first)}&error=access_denied`
  expect((await h.request(callback)).status).toBe(400)
  const usedRow = (await h.db().select().from(oauthStates)).find((r) => first.startsWith(r.nonce))
  expect(usedRow!.usedAt).toEqual(h.deps.now())
  expect((await h.db().select().from(oauthStates)).filter((r) => !r.usedAt)).toHaveLength(4)
  expect((await h.request('/oauth/install?mode=test')).status).toBe(302)
  expect((await h.request('/oauth/install?mode=test')).status).toBe(429)
  const again = await h.request(callback)
  expect(again.status).toBe(400)
  expect(String(again.body)).toContain('This install link was already used')
  // Even with a code: a replayed state never reaches the code exchange.
  const replayWithCode = await h.request(
    `/oauth/callback?state=${encodeURIComponent(first)}&code=ac_replayed`
  )
  expect(replayWithCode.status).toBe(400)
  expect(String(replayWithCode.body)).toContain('This install link was already used')
  expect(await rows()).toBe(6)

  // Ten minutes on, the rest have expired, the used one too: the next install sweeps them all.
  h.emulator!.advance(10 * 60 + 1)
  const later = await h.request('/oauth/install?mode=test')
  expect(later.status).toBe(302)
  expect(await rows()).toBe(1)
  // An expired used state is just expired: nothing is left that says it was used.
  expect(String((await h.request(callback)).body)).toContain('expired or was already used')
  const late = `/oauth/callback?state=${encodeURIComponent(stateOf(started[1]!))}&code=whatever`
  expect(String((await h.request(late)).body)).toContain('expired or was already used')

  // A full install still works end to end; its state stays, used, until it expires.
  await h.installMerchant()
  expect(await rows()).toBe(2)
  expect((await h.db().select().from(oauthStates)).filter((r) => r.usedAt)).toHaveLength(1)

  // With no installs coming to sweep them, the hourly purge job clears expired states.
  h.emulator!.advance(10 * 60 + 1)
  await h.queue.send('purge-account', {})
  await waitFor(async () => (await rows()) === 0, { what: 'the purge job sweeps expired states' })
})
