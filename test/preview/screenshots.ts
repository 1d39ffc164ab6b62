// `npm run preview:screenshots`: starts the demo (`npm start`, small), opens the preview in headless
// Chromium and saves the app drawer of the four views to docs/images/preview-*.png for the README.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const outDir = join(repoRoot, 'docs', 'images')
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const demo = spawn(
  process.execPath,
  ['--import', 'tsx', join(repoRoot, 'demo', 'src', 'start.ts')],
  {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      EMULATOR_PORT: '0',
      DEMO_CUSTOMERS: '300',
      DEMO_TRICKLE_MS: '3600000',
      HOLDFAST_DATA_DIR: join(repoRoot, '.data', 'screenshots'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  }
)
const previewUrl = await new Promise<string>((resolve, reject) => {
  let out = ''
  let url = ''
  demo.stdout.on('data', (d: Buffer) => {
    out += d
    url ||= /preview {3}(\S+)/.exec(out)?.[1] ?? ''
    if (url && out.includes('"msg":"demo ready"')) resolve(url)
  })
  demo.on('exit', (code) => reject(new Error(`the demo exited (${code}): ${out}`)))
})

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
})
try {
  mkdirSync(outDir, { recursive: true })
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } })
  const drawer = page.locator('.drawer')
  const shoot = async (name: string, ready: string) => {
    await drawer.getByText(ready, { exact: true }).first().waitFor()
    await page.waitForTimeout(300) // charts and badges settle
    await page.evaluate("document.querySelector('.drawer').scrollTop = 0")
    if ((await page.locator('[data-preview-error]').count()) > 0)
      throw new Error(`${name}: ${await page.locator('[data-preview-error]').innerText()}`)
    const path = join(outDir, `preview-${name}.png`)
    await drawer.screenshot({ path })
    process.stdout.write(`wrote ${path}\n`)
  }
  await page.goto(previewUrl)
  await shoot('customer', 'Segments')
  await page.locator('.subscriptions button').first().click()
  await shoot('subscription', 'Actions')
  await page.getByRole('button', { name: 'Home', exact: true }).click()
  await shoot('home', 'Segments')
  await page.getByRole('button', { name: 'App settings' }).click()
  await shoot('settings', 'Offers')
} finally {
  await browser.close()
  demo.kill('SIGTERM')
}
