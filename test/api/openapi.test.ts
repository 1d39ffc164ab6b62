// /openapi.json documents the whole backend API: every route the app serves is in it, and nothing
// it lists is missing from the app.
import { afterAll, beforeAll, expect, test } from 'vitest'
import SwaggerParser from '@apidevtools/swagger-parser'
import { startHarness, type Harness } from '../support/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

test('every route is documented, and every documented route exists', async () => {
  const served = new Set<string>()
  for (const r of h.app.routes) {
    if (r.method === 'ALL' || r.method === 'OPTIONS') continue
    served.add(`${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
  }
  const res = await h.request('/openapi.json')
  expect(res.status).toBe(200)
  const documented = new Set<string>()
  for (const [path, methods] of Object.entries(res.body.paths as Record<string, object>)) {
    for (const method of Object.keys(methods)) documented.add(`${method} ${path}`)
  }
  expect([...served].filter((r) => !documented.has(r)).sort(), 'undocumented routes').toEqual([])
  expect([...documented].filter((r) => !served.has(r)).sort(), 'documented but not served').toEqual(
    []
  )
})

test('the document is valid OpenAPI 3.0: every $ref resolves and the schema validator accepts it', async () => {
  const res = await h.request('/openapi.json')
  // validate() dereferences in place, so it gets its own copy.
  const doc = structuredClone(res.body)
  await expect(SwaggerParser.validate(doc)).resolves.toBeTruthy()
  const refs = JSON.stringify(res.body).match(/"\$ref":"[^"]+"/g) ?? []
  expect(refs.length, 'the rule and explanation trees are shared schemas').toBeGreaterThan(0)
  for (const ref of new Set(refs)) expect(ref).toMatch(/"#\/components\/schemas\/\w+"/)
})
