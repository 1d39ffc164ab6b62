import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { generatedTablePath, sdkTableSource } from './generate-sdk-table'
import { PreviewRenderError, SDK_COMPONENTS, assertDeclared } from './sdk-table'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

test('the SDK table matches the installed SDK type definitions (else: npm run sdk-table -w demo)', async () => {
  const fresh = await sdkTableSource()
  expect(
    readFileSync(generatedTablePath, 'utf8') === fresh,
    'sdk-table.generated.ts is stale: run `npm run sdk-table -w demo` and commit it'
  ).toBe(true)
}, 60_000)

test.each([
  ['Box', { css: { stack: 'y' }, children: 'x' }, null],
  ['Button', { type: 'primary', onPress: () => {}, sdkVersion: '9.3.0' }, null],
  ['option', { value: 'a', children: 'A' }, null],
  ['Toast', {}, '<Toast> is not a component of @stripe/ui-extension-sdk/ui'],
  ['div', {}, '<div> is not a component'],
  ['Button', { onClick: () => {} }, 'declare no prop "onClick" on Button'],
  ['Box', { style: {} }, 'declare no prop "style" on Box'],
])('%s %o renders only if the SDK declares it', (type, props, error) => {
  const run = () => assertDeclared(type, props)
  if (error === null) return expect(run).not.toThrow()
  expect(run).toThrow(PreviewRenderError)
  expect(run).toThrow(error)
})

test('every SDK component the app imports is in the table', () => {
  const used = new Set<string>()
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []
    )
  for (const file of walk(join(repoRoot, 'stripe-app', 'src'))) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'@stripe\/ui-extension-sdk\/ui(?:\/next)?'/g
    ))
      for (const name of m[1]!.split(',').map((n) => n.trim()))
        if (name && !name.startsWith('type ')) used.add(name)
  }
  expect(used.size).toBeGreaterThan(10)
  expect([...used].filter((name) => !SDK_COMPONENTS[name])).toEqual([])
})

test('nothing of the preview enters the app or the backend', () => {
  const offenders: string[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (
        /\.(ts|tsx|mjs)$/.test(e.name) &&
        /from '[^']*demo\//.test(readFileSync(path, 'utf8'))
      )
        offenders.push(path)
    }
  }
  for (const dir of ['stripe-app/src', 'stripe-app/scripts', 'backend/src', 'shared/src'])
    walk(join(repoRoot, dir))
  expect(offenders).toEqual([])
})
