// Writes src/generated/params.json: the parameters each emulated endpoint accepts, read from the
// pinned stripe package (its resources' request paths and their `*Params` types), so the emulator
// refuses what Stripe refuses and cannot drift from the SDK. `npm run generate:params -w emulator`.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { ROUTES } from '../src/server'

/** One parameter's accepted shape (keys kept short: the table is checked in). */
export type ParamNode = {
  /** Any string. */
  s?: 1
  /** The literal values allowed (a closed enum unless `s`). */
  e?: string[]
  n?: 1
  b?: 1
  /** `''` accepted (Stripe's "unset"). */
  empty?: 1
  /** Array of. */
  a?: ParamNode
  /** Object with these keys. */
  o?: Record<string, ParamNode>
  /** Object with any keys (metadata). */
  m?: ParamNode
}
export type ParamsTable = { sdk: string; endpoints: Record<string, ParamNode> }

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const sdkDir = join(dirname(require.resolve('stripe')), '..')
const resourcesDir = join(sdkDir, 'cjs', 'resources')

/** `POST /v1/subscriptions/*` → resource file and method name, from the SDK's JavaScript. */
function sdkEndpoints(): Map<string, { file: string; method: string }> {
  const out = new Map<string, { file: string; method: string }>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.js')) {
        const js = readFileSync(path, 'utf8')
        const re =
          /\n {4}(\w+)\([^)]*\) \{\s*return this\._makeRequest\('(\w+)', [`'"]([^`'"]+)[`'"]/g
        for (const m of js.matchAll(re)) {
          const key = `${m[2]} ${m[3]!.replace(/\$\{[^}]+\}/g, '*')}`
          if (!out.has(key)) out.set(key, { file: path.replace(/\.js$/, '.d.ts'), method: m[1]! })
        }
      }
    }
  }
  walk(resourcesDir)
  return out
}

export function generateParamsTable(): ParamsTable {
  const endpoints = sdkEndpoints()
  const wanted = new Map<string, { file: string; method: string }>()
  for (const r of ROUTES) {
    const key = `${r.method} ${r.path.replace(/:\w+/g, '*')}`
    const found = endpoints.get(key)
    if (found) wanted.set(`${r.method} ${r.path}`, found)
  }
  const files = [...new Set([...wanted.values()].map((w) => w.file))]
  const program = ts.createProgram(files, { strict: true, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const table: Record<string, ParamNode> = {}
  for (const [endpoint, { file, method }] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const source = program.getSourceFile(file)!
    const typeNode = findParamsType(source, method)
    table[endpoint] = typeNode ? describe(checker, checker.getTypeFromTypeNode(typeNode), []) : {}
  }
  const sdk = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { version: string }
  return { sdk: sdk.version, endpoints: table }
}

function findParamsType(source: ts.SourceFile, method: string): ts.TypeNode | undefined {
  let found: ts.TypeNode | undefined
  const visit = (node: ts.Node) => {
    if (found) return
    if (
      ts.isMethodDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === method &&
      ts.isClassDeclaration(node.parent)
    ) {
      const p = node.parameters.find((x) => ts.isIdentifier(x.name) && x.name.text === 'params')
      if (p?.type) found = p.type
      return
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function describe(checker: ts.TypeChecker, type: ts.Type, seen: ts.Type[]): ParamNode {
  const node: ParamNode = {}
  const parts = type.isUnion() ? type.types : [type]
  const objects: ts.Type[] = []
  let otherString = false
  for (const t of parts) {
    const f = t.flags
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) continue
    if (t.isStringLiteral()) {
      if (t.value === '') node.empty = 1
      else (node.e ??= []).push(t.value)
    } else if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) node.s = 1
    else if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) node.n = 1
    else if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) node.b = 1
    else if (t.isIntersection()) {
      // OtherString (string & Record<never, never>) keeps the SDK's enums open for values added
      // later; the API accepts only the listed ones.
      if (t.types.some((x) => x.flags & ts.TypeFlags.String)) otherString = true
      else objects.push(t)
    } else if (checker.isArrayType(t)) {
      const [element] = checker.getTypeArguments(t as ts.TypeReference)
      node.a = element ? describe(checker, element, seen) : {}
    } else if (f & ts.TypeFlags.Object) objects.push(t)
    else node.s = 1
  }
  for (const t of objects) {
    // Stripe.Decimal travels as a string.
    if (t.getSymbol()?.getName() === 'Decimal') {
      node.s = 1
      continue
    }
    if (seen.includes(t)) {
      node.m = {}
      continue
    }
    const index = checker.getIndexInfosOfType(t)[0]
    if (index) node.m = describe(checker, index.type, [...seen, t])
    for (const prop of checker.getPropertiesOfType(t)) {
      const propType = checker.getTypeOfSymbol(prop)
      ;(node.o ??= {})[prop.getName()] = describe(checker, propType, [...seen, t])
    }
    node.o ??= {}
  }
  if (otherString && !node.e) node.s = 1
  if (node.e) node.e.sort()
  return node
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = join(here, '..', 'src', 'generated', 'params.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(generateParamsTable()) + '\n')
  console.log(`wrote ${out}`)
}
