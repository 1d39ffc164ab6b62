// The operator page in a real browser (Debian's headless Chromium driven by playwright-core).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { chromium } from 'playwright-core'
import { afterEach, expect, test } from 'vitest'
import { stripeCustomers } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
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
  h = await startHarness({ emulator: true })
  const merchant = await h.installMerchant()
  await h.stripeAs(merchant.accountId).customers.create({ email: 'seen@example.com' })
  await waitFor(async () => (await h!.db().select().from(stripeCustomers)).length === 1, {
    what: 'customer synced',
  })

  const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

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
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.goto(url)

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
})

test('beyond loopback the operator page needs OPERATOR_TOKEN', async () => {
  h = await startHarness({ env: { HOST: '0.0.0.0' } })
  const off = await h.request('/')
  expect(off.status).toBe(403)
  expect(off.body.error.message).toContain('set OPERATOR_TOKEN')
  await h.close()

  h = await startHarness({ env: { HOST: '0.0.0.0', OPERATOR_TOKEN: 'op-secret-token' } })
  expect((await h.request('/')).status).toBe(401)
  expect((await h.request('/?token=wrong-token-xx')).status).toBe(401)
  const ok = await h.request('/operator.json', {
    headers: { authorization: 'Bearer op-secret-token' },
  })
  expect(ok.status).toBe(200)
  expect(ok.body).toMatchObject({ accounts: [], webhooks: { unprocessed: 0 } })
})
