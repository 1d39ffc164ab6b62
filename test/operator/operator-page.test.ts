// The operator page in a real browser (Debian's headless Chromium driven by playwright-core).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { chromium } from 'playwright-core'
import { afterEach, expect, test } from 'vitest'
import { stripeCustomers } from '../../backend/src/db/schema'
import { createOperatorLoginCode } from '../../backend/src/operator/session'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const operatorToken = 'op-secret-token-0123456789'
let h: Harness | undefined
let cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
  await h?.close()
  h = undefined
})

test('the operator page renders accounts, queues and webhook lag in headless Chromium', async () => {
  expect(existsSync(chromiumPath), `Chromium at ${chromiumPath} (apt-get install chromium)`).toBe(
    true
  )
  h = await startHarness({ emulator: true, env: { OPERATOR_TOKEN: operatorToken } })
  const merchant = await h.installMerchant()
  await h.stripeAs(merchant.accountId).customers.create({ email: 'seen@example.com' })
  await waitFor(async () => (await h!.db().select().from(stripeCustomers)).length === 1, {
    what: 'customer synced',
  })

  const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const signInLink = `${url}login/${createOperatorLoginCode(operatorToken, new Date())}`

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  cleanup.push(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  expect((await page.goto(url))?.status()).toBe(401) // not signed in: the sign-in form
  expect(await page.locator('input[name=token][type=password]').count()).toBe(1)
  await page.goto(signInLink)
  expect(page.url()).toBe(url)
  const [cookie] = await context.cookies()
  expect(cookie).toMatchObject({ name: 'holdfast_operator', httpOnly: true, sameSite: 'Strict' })
  expect(cookie!.value).not.toContain(operatorToken)

  expect(await page.title()).toBe('Holdfast operator')
  const accountRow = page.locator('#accounts tbody tr', { hasText: merchant.accountId })
  expect(await accountRow.count()).toBe(1)
  expect(await accountRow.locator('td').nth(2).innerText()).toBe('active')
  expect(await accountRow.locator('td').nth(4).innerText()).toBe('1')
  expect(await page.locator('#accounts-count').innerText()).toBe('1')
  expect(await page.locator('#webhooks-waiting').innerText()).toBe('0')
  expect(await page.locator('#queues tbody tr').count()).toBeGreaterThan(3)
  expect(await page.locator('#webhook-lag').innerText()).toMatch(/\d+ ms \/ \d+ ms/)

  const dir = mkdtempSync(join(tmpdir(), 'holdfast-shot-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const shot = process.env.OPERATOR_SCREENSHOT ?? join(dir, 'operator.png')
  await page.screenshot({ path: shot, fullPage: true })
  expect(statSync(shot).size).toBeGreaterThan(10_000)

  // The link signs in once; a second browser cannot reuse it.
  const other = await browser.newPage()
  expect((await other.goto(signInLink))?.status()).toBe(401)
  expect(await other.locator('[role=alert]').innerText()).toContain('already used')
})

test('without OPERATOR_TOKEN the operator page is off, on loopback too', async () => {
  h = await startHarness() // HOST defaults to 127.0.0.1
  for (const path of ['/', '/operator.json', '/login']) {
    const off = await h.request(path)
    expect(off.status, path).toBe(403)
    expect(off.body.error.message).toContain('set OPERATOR_TOKEN')
  }
})

test('the operator token works in a header or a cookie, never in the query string', async () => {
  h = await startHarness({ env: { OPERATOR_TOKEN: operatorToken } })
  expect((await h.request('/')).status).toBe(401)
  expect((await h.request(`/?token=${operatorToken}`)).status).toBe(401)
  expect((await h.request(`/operator.json?token=${operatorToken}`)).status).toBe(401)
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
  expect((await h.request('/operator.json', bearer('wrong'))).status).toBe(401)
  expect((await h.request('/operator.json', bearer(operatorToken + 'x'))).status).toBe(401)
  const ok = await h.request('/operator.json', bearer(operatorToken))
  expect(ok.status).toBe(200)
  expect(ok.body).toMatchObject({ accounts: [], webhooks: { unprocessed: 0 } })

  const signIn = (token: string) =>
    h!.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    })
  expect((await signIn('wrong')).status).toBe(401)
  const signedIn = await signIn(operatorToken)
  expect(signedIn.status).toBe(303)
  expect(signedIn.headers.get('location')).toBe('/')
  const setCookie = signedIn.headers.get('set-cookie') ?? ''
  expect(setCookie).toMatch(/^holdfast_operator=[\w-]+;/)
  expect(setCookie).toContain('HttpOnly')
  expect(setCookie).toContain('SameSite=Strict')
  expect(setCookie).not.toContain(operatorToken)
  const cookie = setCookie.split(';')[0]!
  expect((await h.request('/operator.json', { headers: { cookie } })).status).toBe(200)
  expect((await h.request('/', { headers: { cookie } })).status).toBe(200)
  expect(
    (await h.request('/operator.json', { headers: { cookie: 'holdfast_operator=forged' } })).status
  ).toBe(401)
})

test('a one-time sign-in link works once, before it expires, and only when signed with the token', async () => {
  h = await startHarness({ env: { OPERATOR_TOKEN: operatorToken } })
  const code = createOperatorLoginCode(operatorToken, new Date())
  const first = await h.request(`/login/${code}`)
  expect(first.status).toBe(303)
  expect(first.headers.get('set-cookie')).toContain('HttpOnly')
  expect((await h.request(`/login/${code}`)).status).toBe(401)
  const stale = createOperatorLoginCode(operatorToken, new Date(Date.now() - 11 * 60_000))
  expect((await h.request(`/login/${stale}`)).status).toBe(401)
  const forged = createOperatorLoginCode('some-other-token', new Date())
  expect((await h.request(`/login/${forged}`)).status).toBe(401)
  expect((await h.request('/login/garbage')).status).toBe(401)
})
