// The manifest the Stripe CLI uploads: every view resolves to a component in src/views/ beside
// stripe-app.json and bundles with esbuild as the CLI builds it; the fields review checks hold.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { build } from 'esbuild'
import { expect, test } from 'vitest'
import { listTypes } from '../../backend/src/sync/list-objects'
// @ts-expect-error: a plain .mjs script without types (also run by `npm run build -w stripe-app`)
import { buildViews } from '../scripts/build-views.mjs'
// @ts-expect-error: a plain .mjs script without types
import { assembleCliApp } from '../scripts/assemble-cli-app.mjs'

const root = join(import.meta.dirname, '..', '..')
const manifest = JSON.parse(readFileSync(join(root, 'stripe-app.json'), 'utf8'))
const dev = JSON.parse(readFileSync(join(root, 'stripe-app.dev.json'), 'utf8'))

// Stripe's published manifest schema, vendored (docs/vendor/README.md says from where and when).
const schema = JSON.parse(
  readFileSync(join(root, 'docs', 'vendor', 'stripe-app.schema.json'), 'utf8')
)
const localSchema = JSON.parse(
  readFileSync(join(root, 'docs', 'vendor', 'stripe-app-local.schema.json'), 'utf8')
)
const schemaPermissions: string[] = schema.properties.permissions.items.properties.permission.enum
// Listed on Stripe's permissions reference page but missing from the schema's enum.
const DOCUMENTED_NOT_IN_SCHEMA = ['promotion_code_read']

function validator(permissions: string[]) {
  const withDocumented = structuredClone(schema)
  withDocumented.properties.permissions.items.properties.permission.enum = permissions
  // Draft-07 keywords only; `format: uri` is documentation here (the patterns carry the rule).
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false })
  ajv.addSchema(withDocumented, 'stripe-app.schema.json')
  return {
    manifest: ajv.getSchema('stripe-app.schema.json')!,
    local: ajv.compile(localSchema),
  }
}

test("the manifest passes Stripe's published schema (plus the documented promotion_code_read)", () => {
  const { manifest: validate, local } = validator([
    ...schemaPermissions,
    ...DOCUMENTED_NOT_IN_SCHEMA,
  ])
  expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true)
  expect(local(dev), JSON.stringify(local.errors)).toBe(true)
  // Required since 2025-02-03; an OAuth app has no sandbox support (docs/stripe-app-review.md).
  expect(manifest.sandbox_install_compatible).toBe(false)
  // The schema is strict: an unknown field or permission fails, so this check can fail.
  expect(validate({ ...manifest, sandbox_install: false })).toBe(false)
  const strictOnly = validator(schemaPermissions).manifest
  expect(strictOnly(manifest)).toBe(false)
  expect(strictOnly.errors?.map((e) => e.instancePath)).toEqual([
    `/permissions/${manifest.permissions.findIndex((p: { permission: string }) => p.permission === 'promotion_code_read')}/permission`,
  ])
})

test('promotion_code_read stays: the import lists promotion codes and discounts apply them by code', () => {
  const granted = new Set(manifest.permissions.map((p: { permission: string }) => p.permission))
  // Each object type the import lists needs its read permission (docs: Prices are plan_read).
  const readPermission: Record<string, string> = { price: 'plan_read' }
  for (const type of listTypes) {
    const needed = readPermission[type] ?? `${type}_read`
    expect(granted.has(needed), `${type} needs ${needed}`).toBe(true)
  }
  expect(listTypes).toContain('promotion_code')
  // The only permission outside the schema's enum is that one documented exception.
  expect([...granted].filter((p) => !schemaPermissions.includes(p as string))).toEqual(
    DOCUMENTED_NOT_IN_SCHEMA
  )
})

test('one component per viewport, each a default-exported view in src/views', async () => {
  const views: { viewport: string; component: string }[] = manifest.ui_extension.views
  expect(views.map((v) => v.viewport).sort()).toEqual([
    'settings',
    'stripe.dashboard.customer.detail',
    'stripe.dashboard.home.overview',
    'stripe.dashboard.subscription.detail',
  ])
  // Reusing a component for two viewports breaks the CLI build (stripe/stripe-apps#929).
  expect(new Set(views.map((v) => v.component)).size).toBe(views.length)
  for (const view of views) {
    expect(view.component).toMatch(/^[a-zA-Z0-9_]+$/)
    const file = join(root, 'src', 'views', `${view.component}.tsx`)
    expect(existsSync(file), file).toBe(true)
    const mod = await import(file)
    expect(typeof mod.default, view.component).toBe('function')
  }
})

test('every view bundles with esbuild as the CLI builds it', async () => {
  const results: { component: string; bytes: number }[] = await buildViews(
    join(root, 'stripe-app.json')
  )
  expect(results.map((r) => r.component)).toEqual(
    manifest.ui_extension.views.map((v: { component: string }) => v.component)
  )
  for (const r of results) expect(r.bytes, r.component).toBeGreaterThan(10_000)
}, 60_000)

test('the icon is a 300×300 PNG', () => {
  expect(manifest.icon).toMatch(/^\.\/.+\.png$/)
  const png = readFileSync(join(root, manifest.icon))
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([300, 300])
})

test('review fields: public OAuth app, purposes, HTTPS connect-src with a path, settings after install', () => {
  expect(manifest.id).toMatch(/^[a-zA-Z0-9_\-.]+$/)
  expect(manifest.name).toBe('Holdfast')
  expect(manifest.version).toBeTruthy()
  expect(manifest.stripe_api_access_type).toBe('oauth')
  expect(manifest.distribution_type).toBe('public')
  expect(manifest.post_install_action).toEqual({ type: 'settings' })
  for (const p of manifest.permissions) {
    expect(p.permission).toMatch(/^[a-z_]+_(read|write)$/)
    expect(p.purpose.length, p.permission).toBeGreaterThan(20)
  }
  expect(new Set(manifest.permissions.map((p: { permission: string }) => p.permission)).size).toBe(
    manifest.permissions.length
  )
  // Least privilege: nothing Holdfast never calls.
  const granted = manifest.permissions.map((p: { permission: string }) => p.permission)
  for (const never of ['customer_write', 'webhook_write', 'secret_write', 'charge_write'])
    expect(granted).not.toContain(never)
  const csp = manifest.ui_extension.content_security_policy
  expect(csp.purpose).toBeTruthy()
  for (const url of csp['connect-src']) {
    expect(url).toMatch(/^https:\/\/[^/]+\/.+/)
    expect(url).not.toContain('api.stripe.com')
  }
  expect(manifest.constants.API_BASE).toBe(new URL(csp['connect-src'][0]).origin)
  for (const uri of manifest.allowed_redirect_uris) expect(uri).toMatch(/^https:\/\/.*\/.+/)
})

test('the dev override extends the manifest and points at the local backend', () => {
  expect(dev.extends).toBe('stripe-app.json')
  expect(dev.constants.API_BASE).toBe('http://localhost:8787')
  expect(dev.ui_extension.content_security_policy['connect-src']).toEqual([
    'http://localhost:8787/api/v1/',
  ])
  expect(dev.allowed_redirect_uris).toEqual(['http://localhost:8787/oauth/callback'])
})

test('the assembled CLI folder is self-contained: only React and the SDK are imported, and it bundles', async () => {
  const out = mkdtempSync(join(tmpdir(), 'holdfast-cli-app-'))
  try {
    const { views } = await assembleCliApp(out)
    const copied = JSON.parse(readFileSync(join(out, 'stripe-app.json'), 'utf8'))
    expect(copied.icon).toBe('./icon.png')
    expect(existsSync(join(out, 'icon.png'))).toBe(true)
    expect(copied.ui_extension.views).toEqual(manifest.ui_extension.views)
    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@stripe/ui-extension-sdk', 'react'])
    for (const view of views as { component: string; file: string }[]) {
      const source = readFileSync(view.file, 'utf8')
      const specifiers = [...source.matchAll(/^\s*(?:import|export)[^'"]*from\s+"([^"]+)"/gm)].map(
        (m) => m[1]
      )
      for (const s of specifiers)
        expect(s, view.component).toMatch(/^(react|@stripe\/ui-extension-sdk)(\/|$)/)
      const bundled = await build({
        entryPoints: [view.file],
        bundle: true,
        write: false,
        format: 'esm',
        jsx: 'automatic',
        logLevel: 'silent',
        nodePaths: [join(root, 'node_modules')],
      })
      expect(bundled.errors).toEqual([])
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 60_000)
