// Bundles every view named in a manifest the way the Stripe CLI does (esbuild, one bundle per
// `ui_extension.views[].component` from src/views/ beside the manifest), so a broken import or
// a missing view shows up before `stripe apps upload`.
// Run from the repo root: node stripe-app/scripts/build-views.mjs [stripe-app.json]
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const bundleOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  jsx: 'automatic',
  minify: true,
  logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
}

/**
 * Bundles each view; returns { component, entry, bytes, imports, inputs } per view (throws on a
 * build error). `imports` are what the bundle still imports (none: everything is inlined).
 */
export async function buildViews(manifestPath, { outdir } = {}) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  const root = dirname(resolve(manifestPath))
  const results = []
  for (const view of manifest.ui_extension?.views ?? []) {
    const entry = join(root, 'src', 'views', `${view.component}.tsx`)
    const out = await build({
      ...bundleOptions,
      entryPoints: [entry],
      write: Boolean(outdir),
      ...(outdir ? { outfile: join(outdir, `${view.component}.js`) } : { outdir: '/tmp' }),
      metafile: true,
    })
    const outputs = Object.values(out.metafile.outputs)
    const bytes = outputs.reduce((n, o) => n + o.bytes, 0)
    const imports = outputs.flatMap((o) => o.imports.map((i) => i.path))
    const inputs = Object.keys(out.metafile.inputs).map((p) => resolve(p))
    results.push({
      component: view.component,
      viewport: view.viewport,
      entry,
      bytes,
      imports,
      inputs,
    })
  }
  return results
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = process.argv[2] ?? 'stripe-app.json'
  const outdir = join(dirname(resolve(manifest)), '.build', 'views')
  const results = await buildViews(manifest, { outdir })
  for (const r of results)
    console.log(
      `${r.component.padEnd(24)} ${r.viewport.padEnd(38)} ${(r.bytes / 1024).toFixed(1)} KiB`
    )
  console.log(`bundled ${results.length} views into ${outdir}`)
}
