// Every route the app serves, fed what an attacker or a broken client sends: malformed, wrong-typed,
// deeply nested and oversized bodies, NUL bytes, odd path parameters and query strings. None may
// answer 5xx, and the service must still answer /healthz afterwards. The routes come from the app
// itself, so a route added later is fuzzed without anyone listing it.
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startHarness, type Harness } from '../support/harness'
import { extensionHeaders, signWebhook, type Merchant } from '../support/signing'

// Per route. Each run is one request; a full run is about routes × FUZZ_RUNS requests.
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
// Field names the routes read, so that a share of the bodies gets past "unknown shape" and
// reaches validation, Stripe and the database with wrong values.
const FIELDS = [
  'name', 'rule', 'url', 'events', 'enabled', 'choice', 'kind', 'offerId', 'couponId',
  'promotionCode', 'priceId', 'itemId', 'behavior', 'resumesAt', 'months', 'days', 'trialEnd',
  'atPeriodEnd', 'reason', 'percentOff', 'amountOff', 'currency', 'durationInMonths', 'customerId',
  'type', 'timestamp', 'properties', 'actions', 'stages', 'key', 'value', 'field', 'op', 'values',
  'and', 'or', 'not', 'description', 'prorationBehavior', 'email', 'userId', 'segmentId',
] // prettier-ignore

const NUL_STRING = fc.string().map((s) => `${s}\u0000${s}`)
const oddString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), NUL_STRING)
const oddValue = fc.oneof(
  fc.jsonValue(),
  oddString,
  fc.constantFrom(-1, 0, 1e308, -1e308, 8.64e15, Number.MAX_SAFE_INTEGER + 2, 1.5, '', null, [], {})
)
const shapedBody = fc
  .dictionary(fc.constantFrom(...FIELDS), oddValue, { maxKeys: 6 })
  .map((o) => JSON.stringify(o))
const nested = fc
  .tuple(fc.integer({ min: 20, max: 3_000 }), fc.boolean())
  .map(([n, asArray]) =>
    asArray ? '['.repeat(n) + ']'.repeat(n) : '{"rule":'.repeat(n) + '1' + '}'.repeat(n)
  )
const body = fc.oneof(
  { arbitrary: shapedBody, weight: 5 },
  { arbitrary: fc.json(), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
  { arbitrary: nested, weight: 1 },
  { arbitrary: fc.constant(JSON.stringify({ name: 'x'.repeat(300 * 1024) })), weight: 1 },
  { arbitrary: fc.constant(''), weight: 1 }
)
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'cursor', 'mode', 'state', 'code', 'q', 'since'), fc.string()),
  oddString,
  { maxKeys: 4 }
)
const pathParam = fc.oneof(
  fc.constantFrom('sub_x', 'cus_x', '00000000-0000-4000-8000-000000000000', 'admin', '1'),
  oddString.filter((s) => s.length > 0)
)

let h: Harness
let merchant: Merchant
beforeAll(async () => {
  h = await startHarness({ emulator: true, env: { API_RATE_LIMIT_PER_MINUTE: '1000000' } })
  merchant = await h.installMerchant()
})
afterAll(async () => {
  await h?.close()
})

const now = () => Math.floor(h.deps.now().getTime() / 1000)

function servedRoutes(): Array<{ method: string; path: string }> {
  const seen = new Set<string>()
  const routes: Array<{ method: string; path: string }> = []
  for (const r of h.app.routes) {
    if (r.method === 'ALL' || r.method === 'OPTIONS' || r.path.includes('*')) continue
    const key = `${r.method} ${r.path}`
    if (seen.has(key)) continue
    seen.add(key)
    routes.push({ method: r.method, path: r.path })
  }
  // Disconnecting uninstalls the merchant: fuzzed last, so the others run against a live install.
  const last = (r: { path: string }) => (r.path.endsWith('/disconnect') ? 1 : 0)
  return routes.sort((a, b) => last(a) - last(b))
}

test('no route answers 5xx to any input, and the service keeps serving', async () => {
  const routes = servedRoutes()
  expect(routes.length).toBeGreaterThan(40)
  const statuses = new Map<number, number>()
  for (const route of routes) {
    const hasBody = route.method !== 'GET' && route.method !== 'HEAD'
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathParam, { minLength: 4, maxLength: 4 }),
        query,
        body,
        fc.boolean(),
        async (params, q, payload, signed) => {
          let i = 0
          const path = route.path.replace(/:\w+/g, () => encodeURIComponent(params[i++ % 4]!))
          const search = new URLSearchParams(q).toString()
          const headers: Record<string, string> = { 'content-type': 'application/json' }
          if (route.path.startsWith('/api/'))
            Object.assign(headers, extensionHeaders(merchant, undefined, now()))
          if (route.path === '/webhooks/stripe' && signed)
            headers['stripe-signature'] = signWebhook(payload, undefined, now())
          const res = await h.app.request(`${path}${search ? `?${search}` : ''}`, {
            method: route.method,
            headers,
            body: hasBody ? payload : undefined,
          })
          await res.arrayBuffer()
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          if (res.status >= 500)
            throw new Error(`${route.method} ${route.path} answered ${res.status} for ${path}`)
        }
      ),
      { numRuns: RUNS, endOnFailure: true }
    )
  }
  const health = await h.request('/healthz')
  expect(health.status).toBe(200)
  const total = [...statuses.values()].reduce((a, b) => a + b, 0)
  expect(total).toBe(routes.length * RUNS)
  // Not only refusals: some inputs got through to a 2xx (a fuzzer that only meets 401s tests nothing).
  expect([...statuses.keys()].some((s) => s < 300)).toBe(true)
})
