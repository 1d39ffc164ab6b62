// Dependencies point one way (docs/style.md): shared is pure, the backend never reaches into the
// tests, the emulator, the demo or the app, HTTP routes reach the database only through feature
// modules, only the composition root wires up HTTP, the app bundle never imports server code, and
// the emulator stands alone. Every non-test source file's imports are read with the TypeScript
// compiler's own pre-processor, so a rule cannot be dodged by formatting.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'
import { expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const SOURCE_DIRS = ['shared/src', 'backend/src', 'emulator/src', 'stripe-app/src']

type Import = { from: string; specifier: string; target: string }

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
}

/** Where an import points: a repo path for relative and workspace imports, else the package name. */
function targetOf(from: string, specifier: string): string {
  if (specifier.startsWith('.'))
    return relative(root, resolve(root, dirname(from), specifier))
      .split(sep)
      .join('/')
  if (specifier.startsWith('@holdfast/shared/'))
    return `shared/src/${specifier.slice('@holdfast/shared/'.length)}`
  if (specifier.startsWith('@holdfast/')) return specifier
  if (specifier.startsWith('node:')) return specifier
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

function importsOf(file: string, text: string): Import[] {
  const { importedFiles } = ts.preProcessFile(text, true, true)
  return importedFiles.map((f) => ({
    from: file,
    specifier: f.fileName,
    target: targetOf(file, f.fileName),
  }))
}

type Rule = { name: string; applies: (from: string) => boolean; forbids: (imp: Import) => boolean }

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`)
const COMPOSITION_ROOT = ['backend/src/main.ts', 'backend/src/service.ts', 'backend/src/runtime.ts']

const RULES: Rule[] = [
  {
    name: 'shared/src imports only zod, node built-ins and itself',
    applies: (f) => under(f, 'shared/src'),
    forbids: (i) => !under(i.target, 'shared/src') && i.target !== 'zod',
  },
  {
    name: 'backend/src never imports test, emulator, demo or the app',
    applies: (f) => under(f, 'backend/src'),
    forbids: (i) =>
      ['test', 'emulator', 'demo', 'stripe-app'].some((d) => under(i.target, d)) ||
      i.target.startsWith('@holdfast/') ||
      i.target.startsWith('@stripe/ui-extension'),
  },
  {
    name: 'HTTP routes reach the database only through feature modules',
    applies: (f) => under(f, 'backend/src/http'),
    forbids: (i) =>
      under(i.target, 'backend/src/db/schema') ||
      i.target === 'backend/src/db/schema.ts' ||
      i.target === 'drizzle-orm',
  },
  {
    name: 'only the composition root (main, service, runtime) imports backend/src/http',
    applies: (f) =>
      under(f, 'backend/src') && !under(f, 'backend/src/http') && !COMPOSITION_ROOT.includes(f),
    forbids: (i) => under(i.target, 'backend/src/http'),
  },
  {
    name: 'the app never imports the backend, the emulator, the demo or the tests',
    applies: (f) => under(f, 'stripe-app/src'),
    forbids: (i) => ['backend', 'emulator', 'demo', 'test'].some((d) => under(i.target, d)),
  },
  {
    name: 'the emulator stands alone',
    applies: (f) => under(f, 'emulator/src'),
    forbids: (i) =>
      ['backend', 'shared', 'demo', 'test', 'stripe-app'].some((d) => under(i.target, d)) ||
      i.target.startsWith('@holdfast/'),
  },
]

function violations(files: { file: string; text: string }[]): string[] {
  const out: string[] = []
  for (const { file, text } of files)
    for (const imp of importsOf(file, text))
      for (const rule of RULES)
        if (rule.applies(file) && rule.forbids(imp))
          out.push(`${file} imports '${imp.specifier}': ${rule.name}`)
  return out
}

const tree = SOURCE_DIRS.flatMap(sourceFiles).map((file) => ({
  file,
  text: readFileSync(join(root, file), 'utf8'),
}))

test('the source tree is read (the layers test sees every workspace)', () => {
  for (const dir of SOURCE_DIRS) expect(tree.some((f) => under(f.file, dir))).toBe(true)
  expect(tree.length).toBeGreaterThan(100)
})

test('every import in the source tree follows the layer rules', () => {
  expect(violations(tree)).toEqual([])
})

test('a planted violation of each rule is found', () => {
  const planted = [
    { file: 'shared/src/x.ts', text: "import { eq } from 'drizzle-orm'" },
    {
      file: 'backend/src/sync/x.ts',
      text: "import { startHarness } from '../../../test/support/harness'",
    },
    { file: 'backend/src/http/routes/x.ts', text: "import { accounts } from '../../db/schema'" },
    { file: 'backend/src/http/routes/y.ts', text: "import { and } from 'drizzle-orm'" },
    { file: 'backend/src/traits/x.ts', text: "export { createApp } from '../http/app'" },
    { file: 'stripe-app/src/x.ts', text: "import('../../backend/src/config')" },
    { file: 'emulator/src/x.ts', text: "import type { Db } from '../../backend/src/db/client'" },
  ]
  expect(violations(planted)).toHaveLength(planted.length)
  expect(
    violations([{ file: 'backend/src/main.ts', text: "import { x } from './http/app'" }])
  ).toEqual([])
})
