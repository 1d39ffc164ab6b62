// Bundles the preview page at start: host.tsx plus every view stripe-app.json names, with the
// same esbuild options the app's own build uses. Only the preview server serves this bundle;
// the app bundle (stripe-app/scripts/build-views.mjs) never sees the host.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..', '..')

type Manifest = { ui_extension?: { views?: { viewport: string; component: string }[] } }

/** `holdfast:views`: viewport → default export of src/views/<component>.tsx beside the manifest, as the CLI builds. */
function manifestViews(manifestPath: string): Plugin {
  return {
    name: 'holdfast-views',
    setup(b) {
      b.onResolve({ filter: /^holdfast:views$/ }, () => ({ path: 'views', namespace: 'holdfast' }))
      b.onLoad({ filter: /.*/, namespace: 'holdfast' }, () => {
        const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest
        const views = manifest.ui_extension?.views ?? []
        const lines = views.map(
          (v, i) =>
            `import View${i} from ${JSON.stringify(join(dirname(resolve(manifestPath)), 'src', 'views', `${v.component}.tsx`))}`
        )
        lines.push(
          `export const views = {${views.map((v, i) => `${JSON.stringify(v.viewport)}: View${i}`).join(', ')}}`
        )
        return { contents: lines.join('\n'), loader: 'js', resolveDir: repoRoot }
      })
    },
  }
}

/** The preview page's script, built in memory (about a second). */
export async function bundlePreview(
  manifestPath = join(repoRoot, 'stripe-app', 'stripe-app.json')
) {
  const out = await build({
    entryPoints: [join(here, 'host.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    minify: true,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [manifestViews(manifestPath)],
  })
  const [file] = out.outputFiles
  if (!file) throw new Error('esbuild produced no preview bundle')
  return file.text
}
