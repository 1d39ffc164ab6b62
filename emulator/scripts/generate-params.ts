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
/** What a path of `expand` may walk through, read from the SDK's resource types. */
export type ExpandNode = {
  /** Expandable: an id that `expand` replaces by the object. */
  x?: 1
  /** The resource objects (their `object` value) found here. */
  t?: string[]
  /** A plain nested object's fields that lead to something expandable. */
  o?: Record<string, ExpandNode>
}
export type ParamsTable = {
  sdk: string
  endpoints: Record<string, ParamNode>
  /** Each endpoint's answer: the resource, and whether it is a list (expand paths start `data.`). */
  responses: Record<string, { t: string; list?: 1 }>
  /** Resource objects the emulator serves, field by field, for checking `expand` paths. */
  objects: Record<string, Record<string, ExpandNode>>
}

/** Objects the emulator stores; expand paths are checked inside these only. */
const SERVED = [
  'account',
  'charge',
  'coupon',
  'customer',
  'discount',
  'event',
  'invoice',
  'invoice_payment',
  'line_item',
  'payment_method',
  'price',
  'product',
  'promotion_code',
  'refund',
  'subscription',
  'subscription_item',
  'webhook_endpoint',
]

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
  const responses: ParamsTable['responses'] = {}
  const resources = new Map<string, ts.Type>()
  for (const [endpoint, { file, method }] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const source = program.getSourceFile(file)!
    const typeNode = findParamsType(source, method)
    table[endpoint] = typeNode ? describe(checker, checker.getTypeFromTypeNode(typeNode), []) : {}
    const answer = responseOf(checker, source, method)
    if (answer) {
      const name = resourceName(checker, answer.type)
      if (name) responses[endpoint] = answer.list ? { t: name, list: 1 } : { t: name }
    }
  }
  // Every served resource reachable from the answers, described once.
  const objects: ParamsTable['objects'] = {}
  const queue = [...wanted].flatMap(([, { file, method }]) => {
    const answer = responseOf(checker, program.getSourceFile(file)!, method)
    return answer ? [answer.type] : []
  })
  while (queue.length) {
    const type = queue.pop()!
    const name = resourceName(checker, type)
    if (!name || !SERVED.includes(name) || resources.has(name)) continue
    resources.set(name, type)
    objects[name] = expandFields(checker, type, [], (t) => queue.push(t))
  }
  const sortedObjects = Object.fromEntries(
    Object.entries(objects).sort(([a], [b]) => a.localeCompare(b))
  )
  const sdk = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { version: string }
  return { sdk: sdk.version, endpoints: table, responses, objects: sortedObjects }
}

/** The method's answer: `Promise<Response<T>>` or `ApiListPromise<T>`. */
function responseOf(
  checker: ts.TypeChecker,
  source: ts.SourceFile,
  method: string
): { type: ts.Type; list: boolean } | undefined {
  let found: ts.TypeReferenceNode | undefined
  const visit = (node: ts.Node) => {
    if (found) return
    if (
      ts.isMethodDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === method &&
      ts.isClassDeclaration(node.parent) &&
      node.type &&
      ts.isTypeReferenceNode(node.type)
    ) {
      found = node.type
      return
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  if (!found) return undefined
  const outer = found.typeName.getText(source)
  const arg = found.typeArguments?.[0]
  if (!arg) return undefined
  if (outer === 'ApiListPromise') return { type: checker.getTypeFromTypeNode(arg), list: true }
  // Promise<Response<T>>
  if (ts.isTypeReferenceNode(arg) && arg.typeArguments?.[0]) {
    return { type: checker.getTypeFromTypeNode(arg.typeArguments[0]), list: false }
  }
  return undefined
}

/** A resource's `object` value ('customer'); Deleted* variants and lists are not resources. */
function resourceName(checker: ts.TypeChecker, type: ts.Type): string | undefined {
  if (type.getSymbol()?.getName().startsWith('Deleted')) return undefined
  const prop = type.getProperty('object')
  if (!prop || !type.getProperty('id')) return undefined
  const t = checker.getTypeOfSymbol(prop)
  return t.isStringLiteral() && t.value !== 'list' ? t.value : undefined
}

function expandFields(
  checker: ts.TypeChecker,
  type: ts.Type,
  seen: ts.Type[],
  found: (t: ts.Type) => void
): Record<string, ExpandNode> {
  const out: Record<string, ExpandNode> = {}
  for (const prop of checker.getPropertiesOfType(type)) {
    const node = expandNode(checker, checker.getTypeOfSymbol(prop), [...seen, type], found)
    if (node) out[prop.getName()] = node
  }
  return out
}

function expandNode(
  checker: ts.TypeChecker,
  type: ts.Type,
  seen: ts.Type[],
  found: (t: ts.Type) => void
): ExpandNode | undefined {
  const node: ExpandNode = {}
  let id = false
  const parts = type.isUnion() ? type.types : [type]
  for (const t of parts) {
    if (t.flags & ts.TypeFlags.String) id = true
    if (checker.isArrayType(t)) {
      const [element] = checker.getTypeArguments(t as ts.TypeReference)
      if (!element) continue
      // Array<string | Discount>: the elements are what counts.
      const inner = expandNode(checker, element, seen, found)
      if (inner?.x) node.x = 1
      if (inner?.t) node.t = [...new Set([...(node.t ?? []), ...inner.t])]
      if (inner?.o) node.o = { ...node.o, ...inner.o }
      continue
    }
    if (!(t.flags & ts.TypeFlags.Object) || t.getSymbol()?.getName() === 'Decimal') continue
    const name = resourceName(checker, t) ?? deletedName(checker, t)
    if (name) {
      node.t = [...new Set([...(node.t ?? []), name])].sort()
      if (!t.getSymbol()?.getName().startsWith('Deleted')) found(t)
      continue
    }
    if (seen.includes(t)) continue
    const fields = expandFields(checker, t, seen, found)
    if (Object.keys(fields).length) node.o = { ...node.o, ...fields }
  }
  if (id && node.t) node.x = 1
  return node.x || node.t || node.o ? node : undefined
}

function deletedName(checker: ts.TypeChecker, type: ts.Type): string | undefined {
  if (!type.getSymbol()?.getName().startsWith('Deleted')) return undefined
  const prop = type.getProperty('object')
  const t = prop && checker.getTypeOfSymbol(prop)
  return t?.isStringLiteral() ? t.value : undefined
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
