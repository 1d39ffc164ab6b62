// The manifest the Stripe CLI uploads: every view resolves to a component in src/views/ beside
// stripe-app.json and bundles; the fields review checks hold; the assembled upload folder
// (scripts/assemble-cli-app.mjs) holds the real sources and type-checks and builds on its own.
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { Ajv } from 'ajv'
import { build } from 'esbuild'
import { expect, test } from 'vitest'
import { listTypes } from '../../backend/src/sync/list-objects'
// @ts-expect-error: a plain .mjs script without types (also run by `npm run build -w stripe-app`)
import { buildViews } from '../scripts/build-views.mjs'
// @ts-expect-error: a plain .mjs script without types
import { assembleCliApp } from '../scripts/assemble-cli-app.mjs'

const root = join(import.meta.dirname, '..', '..')
const appDir = join(root, 'stripe-app')
const manifest = JSON.parse(readFileSync(join(appDir, 'stripe-app.json'), 'utf8'))
const dev = JSON.parse(readFileSync(join(appDir, 'stripe-app.dev.json'), 'utf8'))

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
    const file = join(appDir, 'src', 'views', `${view.component}.tsx`)
    expect(existsSync(file), file).toBe(true)
    const mod = await import(file)
    expect(typeof mod.default, view.component).toBe('function')
  }
})

test('every view bundles into one script: nothing left to import, nothing from outside the app but shared/ and packages', async () => {
  const results: { component: string; bytes: number; imports: string[]; inputs: string[] }[] =
    await buildViews(join(appDir, 'stripe-app.json'))
  expect(results.map((r) => r.component)).toEqual(
    manifest.ui_extension.views.map((v: { component: string }) => v.component)
  )
  for (const r of results) {
    expect(r.imports, r.component).toEqual([])
    expect(r.bytes, r.component).toBeGreaterThan(10_000)
    const ours = r.inputs.filter((p) => !p.includes(`${sep}node_modules${sep}`))
    expect(ours).toContain(join(appDir, 'src', 'views', `${r.component}.tsx`))
    for (const p of ours)
      expect(
        [join(appDir, 'src'), join(root, 'shared', 'src')].some((d) => p.startsWith(d + sep)),
        p
      ).toBe(true)
  }
}, 60_000)

test('the icon is a 300×300 PNG', () => {
  expect(manifest.icon).toMatch(/^\.\/.+\.png$/)
  const png = readFileSync(join(appDir, manifest.icon))
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

/** Every file under dir, relative, with / separators (node_modules left out). */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules') return []
    const full = join(dir, e.name)
    return e.isDirectory() ? filesUnder(full, base) : [relative(base, full).split(sep).join('/')]
  })
}

test('the assembled upload folder: the real sources, its own lockfile, and it type-checks (tools config) and builds with only its declared packages', async () => {
  const out = mkdtempSync(join(tmpdir(), 'holdfast-upload-'))
  try {
    const { files, packageJson } = (await assembleCliApp(out)) as {
      files: string[]
      packageJson: { dependencies: Record<string, string>; devDependencies: Record<string, string> }
    }
    // Manifests and icon byte for byte; each source file is the repo's file (shared/ imports made relative).
    for (const f of ['stripe-app.json', 'stripe-app.dev.json', 'icon.png'])
      expect(readFileSync(join(out, f)).equals(readFileSync(join(appDir, f))), f).toBe(true)
    for (const view of manifest.ui_extension.views as { component: string }[])
      expect(files).toContain(`src/views/${view.component}.tsx`)
    for (const f of files) {
      expect(f, 'no tests in the upload').not.toMatch(/\.test\.tsx?$/)
      const source = f.startsWith('src/shared/')
        ? join(root, 'shared', f.replace(/^src\/shared\//, 'src/'))
        : join(appDir, f)
      const copied = readFileSync(join(out, f), 'utf8').replace(
        /(['"])(?:\.\.?\/)+(?:\.\.\/)*shared\//g,
        (m, q) => (f.startsWith('src/shared/') ? m : `${q}@holdfast/shared/`)
      )
      expect(copied, f).toBe(readFileSync(source, 'utf8'))
    }
    expect(filesUnder(out).sort()).toEqual(
      [
        ...files,
        'icon.png',
        'package-lock.json',
        'package.json',
        'stripe-app.dev.json',
        'stripe-app.json',
        'tsconfig.json',
      ].sort()
    )
    // Every import stays inside the folder or names a package the folder declares.
    const declared = Object.keys(packageJson.dependencies)
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8')
      for (const [, spec] of text.matchAll(/(?:from|import)\s+['"]([^'"]+)['"]/g)) {
        if (spec!.startsWith('.')) {
          const target = resolve(dirname(join(out, f)), spec!)
          expect(
            ['.ts', '.tsx', '/index.ts'].some((ext) => existsSync(target + ext)),
            `${f}: ${spec}`
          ).toBe(true)
          expect(target.startsWith(out + sep), `${f}: ${spec}`).toBe(true)
        } else {
          const name = spec!.startsWith('@')
            ? spec!.split('/').slice(0, 2).join('/')
            : spec!.split('/')[0]
          expect(declared, `${f}: ${spec}`).toContain(name)
        }
      }
    }
    expect(JSON.parse(readFileSync(join(out, 'tsconfig.json'), 'utf8')).extends).toBe(
      '@stripe/ui-extension-tools/tsconfig.ui-extension.json'
    )
    // The versions pinned are the ones the repo installs and tests.
    const fromApp = (path: string) =>
      [join(appDir, path), join(root, path)].find((p) => existsSync(p))!
    for (const [name, version] of Object.entries({
      ...packageJson.dependencies,
      ...packageJson.devDependencies,
    })) {
      const installed = readFileSync(join(fromApp(`node_modules/${name}`), 'package.json'), 'utf8')
      expect(JSON.parse(installed).version, name).toBe(version)
    }
    // The lockfile matches package.json and is complete (npm ci refuses otherwise).
    const ls = spawnSync('npm', ['ls', '--all', '--package-lock-only'], {
      cwd: out,
      encoding: 'utf8',
    })
    expect(ls.status, ls.stderr).toBe(0)
    const lock = JSON.parse(readFileSync(join(out, 'package-lock.json'), 'utf8'))
    expect(lock.packages['node_modules/react'].version).toBe('18.3.1')
    // node_modules as `npm ci` would lay it out from that lockfile (top-level entries linked from
    // the repo's install, same versions): nothing else is reachable from the folder.
    const topLevel = /^node_modules\/(@[^/]+\/)?[^/]+$/
    for (const key of Object.keys(lock.packages).filter((k) => topLevel.test(k))) {
      mkdirSync(dirname(join(out, key)), { recursive: true })
      symlinkSync(realpathSync(fromApp(key)), join(out, key))
    }
    const tsc = spawnSync(
      process.execPath,
      [join(out, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', out],
      { encoding: 'utf8' }
    )
    expect(tsc.stdout + tsc.stderr, 'tsc -p <upload folder>').toBe('')
    expect(tsc.status).toBe(0)
    // And it builds from inside the folder, nothing resolved from the repo around it.
    for (const view of manifest.ui_extension.views as { component: string }[]) {
      const bundled = await build({
        entryPoints: [join(out, 'src', 'views', `${view.component}.tsx`)],
        absWorkingDir: out,
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        target: 'es2020',
        jsx: 'automatic',
        logLevel: 'silent',
        metafile: true,
        preserveSymlinks: true,
      })
      expect(bundled.errors).toEqual([])
      for (const input of Object.keys(bundled.metafile.inputs))
        expect(resolve(out, input).startsWith(out + sep), input).toBe(true)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 120_000)
