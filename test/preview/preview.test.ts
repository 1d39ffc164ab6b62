// The preview host (demo/src/preview) in headless Chromium: the app's real views against the real
// backend and the emulator, signed with the app secret. One service, one browser for the file; on
// PGlite only (like the demo test): the database paths behind these flows are tested on both.
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { and, eq } from 'drizzle-orm'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { actionRuns } from '../../backend/src/db/schema'
import { startPreviewServer, type PreviewServer } from '../../demo/src/preview/server'
import { arrange, emulatorSub, traitsOf, type Arranged } from '../actions/support'
import { startHarness, type Harness } from '../support/harness'
import { testAppSecret } from '../support/signing'
import { testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const PREVIEW_USER = 'usr_preview_agent'

let h: Harness
let a: Arranged
let preview: PreviewServer
let browser: Browser
let offerId: string
const cleanup: Array<() => Promise<void> | void> = []

describe.runIf(testDbKind() === 'pglite')('the preview in Chromium', () => {
  beforeAll(async () => {
    expect(existsSync(chromiumPath), `Chromium at ${chromiumPath} (apt-get install chromium)`).toBe(
      true
    )
    h = await startHarness({ emulator: true })
    cleanup.push(() => h.close())
    a = await arrange(h)
    h.emulator!.simulate.invoicePaymentFailed(a.m.accountId, 'test', a.sub.id)
    await waitFor(
      async () => (await traitsOf(h, a.m, a.customer.id))?.['subscription.status'] === 'past_due',
      { what: 'the customer past due in traits', timeoutMs: 30_000 }
    )
    const offer = await h.as(a.m).post('/api/v1/offers', {
      name: 'Stay with us: 20% off for 3 months',
      kind: 'percent_off',
      percentOff: 20,
      duration: 'repeating',
      durationInMonths: 3,
    })
    expect(offer.status, JSON.stringify(offer.body)).toBe(201)
    offerId = offer.body.id

    const service = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((r) => service.once('listening', r))
    cleanup.push(() => new Promise<void>((r) => service.close(() => r())))
    preview = await startPreviewServer({
      serviceUrl: `http://127.0.0.1:${(service.address() as AddressInfo).port}`,
      accountId: a.m.accountId,
      accountName: 'Preview Coffee',
      appSecret: testAppSecret,
      now: () => h.deps.now(),
    })
    cleanup.push(() => preview.close())
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    })
    cleanup.push(() => browser.close())
  }, 90_000)

  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn()
  })

  /** A fresh page on the customer's drawer, failing on any page error or console error. */
  /** `failedRequestsExpected`: the browser logs every 4xx answer (live mode: not connected). */
  async function openCustomer(role?: string, failedRequestsExpected = false): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    cleanup.push(() => page.close())
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      if (failedRequestsExpected && m.text().startsWith('Failed to load resource')) return
      problems.push(m.text())
    })
    cleanup.push(() => expect(problems).toEqual([]))
    await page.goto(`${preview.url}#customer/${a.customer.id}`)
    if (role) await page.locator('select[name=preview-role]').selectOption(role)
    await page.locator('.drawer').getByText('Stage', { exact: true }).waitFor()
    expect(await page.locator('[data-preview-error]').count()).toBe(0)
    return page
  }

  test('an agent applies a discount offer to a past-due customer through the action sheet', async () => {
    const page = await openCustomer()
    await page.locator('.drawer').getByRole('button', { name: 'Apply discount' }).click()
    const sheet = page.getByRole('dialog', { name: 'Apply discount' })
    await sheet.getByLabel('Offer').selectOption(offerId)
    await sheet.getByRole('button', { name: 'Apply discount' }).click()
    await sheet.waitFor({ state: 'detached' })
    await page
      .getByRole('status')
      .filter({ hasText: /discount/i })
      .first()
      .waitFor()

    const discounts = emulatorSub(h, a.m, a.sub.id).discounts
    expect(discounts).toHaveLength(1)
    const discount = h
      .emulator!.account(a.m.accountId, 'test')
      .discounts.get(discounts[0] as string)
    expect(discount?.source.coupon).toBeTruthy()
    const [run] = await h
      .db()
      .select()
      .from(actionRuns)
      .where(and(eq(actionRuns.accountId, a.m.accountId), eq(actionRuns.kind, 'apply_discount')))
    expect(run).toMatchObject({
      userId: PREVIEW_USER,
      subscriptionId: a.sub.id,
      state: 'succeeded',
    })
  }, 60_000)

  test('change plan shows the previewed cost before Change plan is enabled', async () => {
    const page = await openCustomer()
    await page.locator('.drawer').getByRole('button', { name: 'Change plan' }).click()
    const sheet = page.getByRole('dialog', { name: 'Change plan' })
    const confirm = sheet.locator('footer').getByRole('button', { name: 'Change plan' })
    await sheet.getByLabel('New plan').selectOption(a.bigger.id)
    expect(await confirm.isDisabled()).toBe(true)
    expect(await sheet.getByText('Due now').count()).toBe(0)
    await sheet.getByRole('button', { name: 'Preview cost' }).click()
    await sheet.getByText('Due now').waitFor()
    await expect.poll(() => confirm.isEnabled()).toBe(true)
    expect(await sheet.locator('.sdk-property', { hasText: 'Due now' }).innerText()).toMatch(
      /\$\d+\.\d\d/
    )
    expect(emulatorSub(h, a.m, a.sub.id).items.data[0]?.price.id).toBe(a.price.id) // not yet changed
  }, 60_000)

  test('the mode switch shows live mode as Stripe would: not connected, and no test-mode notice', async () => {
    const page = await openCustomer(undefined, true)
    await page.locator('input[name=preview-test-mode]').uncheck()
    const drawer = page.locator('.drawer')
    await drawer.getByText('Holdfast is not connected').waitFor()
    expect(await drawer.getByText(/in live mode/).count()).toBe(1)
    expect(await drawer.getByText('Test mode', { exact: true }).count()).toBe(0)
  }, 60_000)

  test('the subscription, home and settings views open in the frame, as on the Dashboard', async () => {
    const page = await openCustomer()
    const drawer = page.locator('.drawer')
    await page.locator('.subscriptions button').first().click()
    await drawer.getByText('Actions', { exact: true }).first().waitFor()
    expect(await drawer.getByText(a.sub.id).count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Home', exact: true }).click()
    await drawer.getByText('Segments', { exact: true }).first().waitFor()
    await page.getByRole('button', { name: 'App settings' }).click()
    await drawer.getByText('Offers', { exact: true }).first().waitFor()
    expect(await page.locator('[data-preview-error]').count()).toBe(0)
  }, 60_000)

  test('a view-only user sees the customer but no write action', async () => {
    const page = await openCustomer('view_only')
    const drawer = page.locator('.drawer')
    await drawer.getByText('Segments', { exact: true }).waitFor()
    for (const label of [
      'Pause collection',
      'Apply discount',
      'Change plan',
      'Cancel subscription',
    ])
      expect(await drawer.getByRole('button', { name: label }).count(), label).toBe(0)
  }, 60_000)
})
