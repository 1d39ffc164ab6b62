// Custom segments through the API: create/update/delete with full recompute, incremental
// membership from webhooks with entered/left history, CSV export, predefined segments that can be
// hidden but not deleted, stage settings, and the OpenAPI document.
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { segmentTransitions, stageTransitions } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { api, installSettled, settle, traitsWhen, type Installed } from '../traits/api'

let h: Harness
let merchant: Installed
let gold: string
let silver: string
let segmentId: string

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  merchant = await installSettled(h)
  const stripe = h.stripeAs(merchant.accountId)
  gold = (
    await stripe.customers.create({
      email: 'g@example.com',
      name: 'Gold, "Inc"',
      metadata: { plan: 'gold' },
    })
  ).id
  silver = (
    await stripe.customers.create({
      email: 's@example.com',
      name: '=cmd()',
      metadata: { plan: 'silver' },
    })
  ).id
  await settle(h)
  await traitsWhen(h, merchant, silver, (t) => t['metadata.plan'] === 'silver')
  await traitsWhen(h, merchant, gold, (t) => t['metadata.plan'] === 'gold')
})

afterAll(async () => {
  await h?.close()
})

const goldRule = { match: 'all', rules: [{ trait: 'metadata.plan', op: 'equals', value: 'gold' }] }

test('creating a custom segment computes its members at once', async () => {
  const res = await api(h, merchant).post('/api/v1/segments', { name: 'Gold plan', rule: goldRule })
  expect(res.status).toBe(201)
  expect(res.body).toMatchObject({ name: 'Gold plan', members: 1, predefinedKey: null })
  expect(res.body.ruleText).toBe('Metadata: plan is "gold"')
  segmentId = res.body.id
  const page = await api(h, merchant).get(`/api/v1/segments/${segmentId}/customers`)
  expect(page.body.members.map((m: { customerId: string }) => m.customerId)).toEqual([gold])
})

test('a rule over an unknown trait or a wrong operator is refused with the reason', async () => {
  const res = await api(h, merchant).post('/api/v1/segments', {
    name: 'Broken',
    rule: { match: 'all', rules: [{ trait: 'customer.created', op: 'contains', value: 'x' }] },
  })
  expect(res.status).toBe(400)
  expect(res.body.error.message).toContain('does not apply to date trait')
})

test('a webhook moves one customer in and out, with entered/left history', async () => {
  const stripe = h.stripeAs(merchant.accountId)
  await stripe.customers.update(silver, { metadata: { plan: 'gold' } })
  await settle(h)
  await traitsWhen(h, merchant, silver, (t) => t['metadata.plan'] === 'gold')
  await stripe.customers.update(silver, { metadata: { plan: 'bronze' } })
  await settle(h)
  await traitsWhen(h, merchant, silver, (t) => t['metadata.plan'] === 'bronze')
  const history = await h
    .db()
    .select({ kind: segmentTransitions.kind })
    .from(segmentTransitions)
    .where(
      and(eq(segmentTransitions.segmentId, segmentId), eq(segmentTransitions.customerId, silver))
    )
    .orderBy(asc(segmentTransitions.id))
  expect(history.map((r) => r.kind)).toEqual(['entered', 'left'])
  const profile = await api(h, merchant).get(`/api/v1/customers/${gold}`)
  const mine = profile.body.segments.find((s: { id: string }) => s.id === segmentId)
  expect(mine.explanation).toMatchObject({ kind: 'group', matched: true })
  expect(mine.explanation.children[0].text).toContain('metadata.plan equals "gold": yes')
})

test('changing the rule recomputes in full and bumps the version', async () => {
  const res = await api(h, merchant).patch(`/api/v1/segments/${segmentId}`, {
    rule: {
      match: 'all',
      rules: [{ trait: 'metadata.plan', op: 'in', value: ['gold', 'bronze'] }],
    },
  })
  expect(res.status).toBe(200)
  expect(res.body).toMatchObject({ members: 2, version: 2 })
})

test('CSV export lists the members, quoted and safe for spreadsheets', async () => {
  const res = await h.app.request(`/api/v1/segments/${segmentId}/export.csv`, {
    headers: (await import('../support/signing')).extensionHeaders(
      merchant,
      undefined,
      Math.floor(h.deps.now().getTime() / 1000)
    ),
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/csv')
  const lines = (await res.text()).trim().split('\r\n')
  expect(lines[0]).toMatch(/^customer\.id,customer\.email,customer\.name,/)
  expect(lines).toHaveLength(3)
  expect(lines.find((l) => l.startsWith(gold))).toContain('"Gold, ""Inc"""')
  expect(lines.find((l) => l.startsWith(silver))).toContain("'=cmd()")
})

test('predefined segments can be hidden and edited but not deleted', async () => {
  const list = await api(h, merchant).get('/api/v1/segments')
  const all = list.body.segments.find(
    (s: { predefinedKey: string }) => s.predefinedKey === 'all_customers'
  )
  expect(all.members).toBe(2)
  expect((await api(h, merchant).delete(`/api/v1/segments/${all.id}`)).status).toBe(409)
  const hidden = await api(h, merchant).patch(`/api/v1/segments/${all.id}`, {
    hidden: true,
    name: 'Everyone',
  })
  expect(hidden.body).toMatchObject({ hidden: true, name: 'Everyone' })
  const visible = await api(h, merchant).get('/api/v1/segments')
  expect(visible.body.segments.some((s: { id: string }) => s.id === all.id)).toBe(false)
  const withHidden = await api(h, merchant).get('/api/v1/segments?includeHidden=true')
  expect(withHidden.body.segments.some((s: { id: string }) => s.id === all.id)).toBe(true)
})

test('deleting a custom segment removes it and its memberships', async () => {
  expect((await api(h, merchant).delete(`/api/v1/segments/${segmentId}`)).status).toBe(200)
  expect((await api(h, merchant).get(`/api/v1/segments/${segmentId}/customers`)).status).toBe(404)
})

test('stage settings: default mapping, validated change, stages recomputed with history', async () => {
  const got = await api(h, merchant).get('/api/v1/stages/settings')
  expect(got.body.mapping.trial).toEqual(['trialing'])
  const bad = await api(h, merchant).put('/api/v1/stages/settings', {
    mapping: { trial: ['trialing'], customer: ['trialing'], churned: [] },
  })
  expect(bad.status).toBe(400)
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'P' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 100,
    recurring: { interval: 'month' },
  })
  await stripe.subscriptions.create({
    customer: gold,
    items: [{ price: price.id }],
    trial_period_days: 7,
  })
  await settle(h)
  await traitsWhen(h, merchant, gold, (t) => t['subscription.status'] === 'trialing')
  const put = await api(h, merchant).put('/api/v1/stages/settings', {
    mapping: { trial: [], customer: ['trialing', 'active'], churned: ['canceled'] },
  })
  expect(put.status).toBe(200)
  expect(put.body.changed).toBeGreaterThanOrEqual(1)
  const profile = await api(h, merchant).get(`/api/v1/customers/${gold}`)
  expect(profile.body.stage.stage).toBe('customer')
  const history = await h
    .db()
    .select({ from: stageTransitions.fromStage, to: stageTransitions.toStage })
    .from(stageTransitions)
    .where(eq(stageTransitions.customerId, gold))
    .orderBy(asc(stageTransitions.id))
  expect(history.slice(-2)).toEqual([
    { from: 'none', to: 'trial' },
    { from: 'trial', to: 'customer' },
  ])
})

test('the timeline pages newest first', async () => {
  const first = await api(h, merchant).get(`/api/v1/customers/${gold}?timelineLimit=1`)
  expect(first.body.timeline.entries).toHaveLength(1)
  expect(first.body.timeline.nextCursor).toBeTruthy()
  const second = await api(h, merchant).get(
    `/api/v1/customers/${gold}?timelineLimit=1&timelineCursor=${first.body.timeline.nextCursor}`
  )
  expect(second.body.timeline.entries).toHaveLength(1)
  expect(second.body.timeline.entries[0].id).not.toBe(first.body.timeline.entries[0].id)
  expect(second.body.timeline.entries[0].at <= first.body.timeline.entries[0].at).toBe(true)
})

test('GET /openapi.json documents every route with schemas', async () => {
  const res = await h.request('/openapi.json')
  expect(res.status).toBe(200)
  expect(res.body.openapi).toBe('3.0.3')
  for (const path of [
    '/api/v1/customers/{id}',
    '/api/v1/segments',
    '/api/v1/segments/{id}/customers',
    '/v1/track',
    '/api/v1/outbound/endpoints',
  ])
    expect(res.body.paths[path]).toBeDefined()
  const profile =
    res.body.paths['/api/v1/customers/{id}'].get.responses['200'].content['application/json'].schema
  expect(profile.properties.segments).toBeDefined()
})
