// Assembles the folder `stripe apps upload` (and `stripe apps start`) run in. The CLI reads the
// manifest, the lockfile and src/views/ from its working directory, refuses an npm workspace
// member (no lockfile there, stripe/stripe-cli#1305) and breaks on imports from outside the app
// folder (stripe/stripe-apps#862); stripe-app/ is a workspace member that imports shared/. So the
// folder gets, copied unchanged from the real sources:
//   stripe-app.json, stripe-app.dev.json, icon.png        from stripe-app/
//   src/**        every file of stripe-app/src the views reach (esbuild's import graph), no tests
//   src/shared/** every file of shared/src they reach; `@holdfast/shared/x` imports become
//                 relative paths (the only rewrite)
// plus package.json (React, the SDK and zod at the versions the repo's lockfile installs, and the
// tools the CLI compiles with), package-lock.json (the same versions, taken from the repo's
// lockfile) and a tsconfig.json extending @stripe/ui-extension-tools' config (JSX, strict).
// stripe-app/src/manifest.test.ts type-checks and bundles the result with only those packages.
// Run: node stripe-app/scripts/assemble-cli-app.mjs [outDir]   (default .build/stripe-app-upload)
// Then: cd <outDir> && npm ci && stripe apps upload
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const appDir = join(root, 'stripe-app')
const sharedDir = join(root, 'shared', 'src')

// What the folder installs: runtime imports of the views, then what tsc and the CLI need.
const RUNTIME = ['@stripe/ui-extension-sdk', 'react', 'zod']
const TOOLS = ['@stripe/ui-extension-tools', '@types/react', 'typescript']

/** Files under stripe-app/src and shared/src that the manifest's views import, transitively. */
async function reachableSources(manifest) {
  const out = await build({
    entryPoints: manifest.ui_extension.views.map((v) =>
      join(appDir, 'src', 'views', `${v.component}.tsx`)
    ),
    bundle: true,
    write: false,
    outdir: join(root, '.build', 'unused'),
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    metafile: true,
    logLevel: 'silent',
    packages: 'external',
    absWorkingDir: root, // metafile paths are relative to it
    // @holdfast/shared is ours: follow it (it maps to shared/src/*.ts) instead of leaving it out.
    plugins: [
      {
        name: 'follow-shared',
        setup(b) {
          b.onResolve({ filter: /^@holdfast\/shared\// }, (args) => ({
            path: join(sharedDir, `${args.path.slice('@holdfast/shared/'.length)}.ts`),
          }))
        },
      },
    ],
  })
  return Object.keys(out.metafile.inputs).map((p) => resolve(root, p))
}

/** The lockfile entry key of `name` as Node would resolve it from the package at `from`. */
function resolveInLock(packages, from, name) {
  for (let dir = from; ; dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '') {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`
    if (packages[key]) return key
    if (!dir) return undefined
  }
}

/**
 * A lockfile for the folder: the entries the repo's lockfile installs for `stripe-app` (the
 * workspace the sources come from) and everything they depend on, re-rooted so the workspace's
 * own node_modules becomes the folder's. Throws if two versions would need one path.
 */
function deriveLockfile(rootLock, pkg) {
  const packages = rootLock.packages
  const chosen = new Map() // source key -> { target, dev }
  const queue = []
  const want = (from, name, dev, optional) => {
    const key = resolveInLock(packages, from, name)
    if (!key) {
      if (optional) return
      throw new Error(`the repo lockfile has no ${name} for ${from || 'the root'}`)
    }
    if (chosen.has(key)) return
    const target = key.startsWith('stripe-app/') ? key.slice('stripe-app/'.length) : key
    chosen.set(key, { target, dev })
    queue.push(key)
  }
  const walk = () => {
    for (let i = 0; i < queue.length; i++) {
      const key = queue[i]
      const entry = packages[key]
      const { dev } = chosen.get(key)
      const optional = new Set([
        ...Object.keys(entry.optionalDependencies ?? {}),
        ...Object.entries(entry.peerDependenciesMeta ?? {})
          .filter(([, m]) => m.optional)
          .map(([n]) => n),
      ])
      for (const name of [
        ...Object.keys(entry.dependencies ?? {}),
        ...Object.keys(entry.optionalDependencies ?? {}),
        ...Object.keys(entry.peerDependencies ?? {}),
      ])
        want(key, name, dev, optional.has(name))
    }
  }
  // Runtime closure first, so whatever the dev tools add on top is exactly the dev-only part.
  for (const name of Object.keys(pkg.dependencies)) want('stripe-app', name, false, false)
  walk()
  for (const name of Object.keys(pkg.devDependencies)) want('stripe-app', name, true, false)
  walk()
  const byTarget = new Map()
  for (const [key, { target }] of chosen) {
    if (byTarget.has(target))
      throw new Error(`${byTarget.get(target)} and ${key} both need ${target}`)
    byTarget.set(target, key)
  }
  const out = {
    '': {
      name: pkg.name,
      version: pkg.version,
      dependencies: pkg.dependencies,
      devDependencies: pkg.devDependencies,
    },
  }
  for (const [key, { target, dev }] of [...chosen].sort((a, b) =>
    a[1].target < b[1].target ? -1 : 1
  )) {
    const { dev: _d, devOptional: _o, peer: _p, ...entry } = packages[key]
    if (entry.link) throw new Error(`${key} is a workspace link, not a package`)
    out[target] = dev ? { ...entry, dev: true } : entry
  }
  return { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: out }
}

export async function assembleCliApp(outDir = join(root, '.build', 'stripe-app-upload')) {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const manifest = JSON.parse(readFileSync(join(appDir, 'stripe-app.json'), 'utf8'))
  for (const file of ['stripe-app.json', 'stripe-app.dev.json', manifest.icon])
    copyFileSync(join(appDir, file), join(outDir, file))

  const files = []
  for (const source of await reachableSources(manifest)) {
    const inApp = source.startsWith(join(appDir, 'src') + sep)
    const inShared = source.startsWith(sharedDir + sep)
    if (!inApp && !inShared)
      throw new Error(`a view imports ${source}, outside stripe-app/src and shared/src`)
    const target = inApp
      ? join(outDir, relative(appDir, source))
      : join(outDir, 'src', 'shared', relative(sharedDir, source))
    const fromDir = relative(dirname(target), join(outDir, 'src', 'shared'))
      .split(sep)
      .join('/')
    const prefix = fromDir.startsWith('.') ? fromDir : `./${fromDir}`
    const text = readFileSync(source, 'utf8').replace(
      /(['"])@holdfast\/shared\//g,
      (_m, quote) => `${quote}${prefix}/`
    )
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, text)
    files.push(relative(outDir, target).split(sep).join('/'))
  }

  const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  const installed = (name) => {
    const key = resolveInLock(rootLock.packages, 'stripe-app', name)
    if (!key) throw new Error(`${name} is not installed in the repo`)
    return rootLock.packages[key].version
  }
  const pkg = {
    name: 'holdfast-stripe-app',
    version: manifest.version,
    private: true,
    scripts: {
      typecheck: 'tsc --noEmit -p .',
      start: 'stripe apps start',
      upload: 'stripe apps upload',
    },
    dependencies: Object.fromEntries(RUNTIME.map((n) => [n, installed(n)])),
    devDependencies: Object.fromEntries(TOOLS.map((n) => [n, installed(n)])),
  }
  writeFileSync(join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  writeFileSync(
    join(outDir, 'package-lock.json'),
    JSON.stringify(deriveLockfile(rootLock, pkg), null, 2) + '\n'
  )
  const tsconfig = {
    extends: '@stripe/ui-extension-tools/tsconfig.ui-extension.json',
    // The tools' config sets no target (TypeScript's default ES5 refuses for…of over a Map or
    // Set); ES2020 is what the views are bundled for (build-views.mjs).
    compilerOptions: { target: 'ES2020', types: [] },
    include: ['src'],
  }
  writeFileSync(join(outDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n')
  return { outDir, files: files.sort(), packageJson: pkg }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outDir, files } = await assembleCliApp(
    process.argv[2] ? resolve(process.argv[2]) : undefined
  )
  console.log(`assembled ${files.length} source files into ${outDir}`)
  console.log(`next: cd ${outDir} && npm ci && stripe apps upload`)
}
