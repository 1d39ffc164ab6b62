// Every predefined segment on an account whose customers were created at the (emulated) Stripe:
// membership is kept by webhooks (incremental) and by the periodic sweep (relative dates), read
// back through GET /api/v1/segments and /segments/:id/customers, with entered/left history.
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { segmentTransitions } from '../../backend/src/db/schema'
import { recomputeAllSegments } from '../../backend/src/segments/refresh-all'
import { PREDEFINED_SEGMENTS } from '../../shared/src/segments/predefined'
import { startHarness, type Harness } from '../support/harness'
import { api, installSettled, settle, traitsWhen, type Installed } from '../traits/api'

const DAY = 86_400
let h: Harness
let merchant: Installed
const ids: Record<string, string> = {}
const subs: Record<string, string> = {}

async function members(): Promise<Record<string, string[]>> {
  const list = await api(h, merchant).get('/api/v1/segments')
  expect(list.status).toBe(200)
  const out: Record<string, string[]> = {}
  for (const s of list.body.segments as Array<{ id: string; predefinedKey: string | null }>) {
    if (!s.predefinedKey) continue
    const page = await api(h, merchant).get(`/api/v1/segments/${s.id}/customers?limit=500`)
    const names = Object.entries(ids)
    out[s.predefinedKey] = (page.body.members as Array<{ customerId: string }>)
      .map((m) => names.find(([, id]) => id === m.customerId)?.[0] ?? m.customerId)
      .sort()
  }
  return out
}

async function sweep() {
  await recomputeAllSegments(h.deps, merchant)
}

beforeAll(async () => {
  h = await startHarness({ emulator: true })
  merchant = await installSettled(h)
  const stripe = h.stripeAs(merchant.accountId)
  const product = await stripe.products.create({ name: 'Team' })
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: 4900,
    recurring: { interval: 'month' },
  })
  const customer = async (name: string, card: boolean) => {
    const c = await stripe.customers.create({
      name,
      email: `${name}@example.com`,
      ...(card ? { payment_method: 'pm_card_visa' } : {}),
    })
    if (card) {
      const [pm] = (await stripe.customers.listPaymentMethods(c.id)).data
      await stripe.customers.update(c.id, {
        invoice_settings: { default_payment_method: pm!.id },
      })
    }
    ids[name] = c.id
    return c.id
  }
  const subscribe = async (name: string, trialDays?: number) => {
    const sub = await stripe.subscriptions.create({
      customer: ids[name]!,
      items: [{ price: price.id }],
      ...(trialDays ? { trial_period_days: trialDays } : {}),
    })
    subs[name] = sub.id
  }
  await customer('active', true)
  await subscribe('active')
  await customer('trial', true)
  await subscribe('trial', 14)
  await customer('pastdue', true)
  await subscribe('pastdue')
  await customer('canceled', true)
  await subscribe('canceled')
  await stripe.subscriptions.cancel(subs.canceled!)
  await customer('none', false)
  await customer('expiring', false)
  await subscribe('expiring', 1)
  h.emulator!.simulate.invoicePaymentFailed(merchant.accountId, 'test', subs.pastdue!)
  await settle(h)
  await traitsWhen(h, merchant, ids.pastdue!, (t) => t['subscription.status'] === 'past_due')
  await traitsWhen(h, merchant, ids.canceled!, (t) => t['subscription.status'] === 'canceled')
})

afterAll(async () => {
  await h?.close()
})

describe('day 0, kept by webhooks alone', () => {
  let now: Record<string, string[]>
  beforeAll(async () => {
    now = await members()
  })
  test('every predefined segment exists', () => {
    expect(Object.keys(now).sort()).toEqual(PREDEFINED_SEGMENTS.map((s) => s.key).sort())
  })
  test.each([
    ['all_customers', ['active', 'canceled', 'expiring', 'none', 'pastdue', 'trial']],
    ['active_subscribers', ['active']],
    ['new_customers', ['active', 'canceled', 'expiring', 'none', 'pastdue', 'trial']],
    ['current_trials', ['expiring', 'trial']],
    ['expired_trials', []],
    ['slipping_trials', []],
    ['customers', ['active', 'pastdue']],
    ['slipping_customers', []],
    ['churned', ['canceled']],
    ['past_due', ['pastdue']],
  ])('%s', (key, expected) => {
    expect(now[key]).toEqual(expected)
  })
  test('the list gives counts and MRR per currency', async () => {
    const list = await api(h, merchant).get('/api/v1/segments')
    const byKey = Object.fromEntries(
      list.body.segments.map((s: { predefinedKey: string }) => [s.predefinedKey, s])
    )
    expect(byKey.active_subscribers).toMatchObject({ members: 1, mrr: { eur: 4900 } })
    expect(byKey.customers).toMatchObject({ members: 2, mrr: { eur: 9800 } })
    expect(byKey.current_trials).toMatchObject({ members: 2, mrr: {} })
  })
  test('a full recompute finds nothing to change', async () => {
    const changes = await recomputeAllSegments(h.deps, merchant)
    for (const change of Object.values(changes)) {
      expect(change.entered).toEqual([])
      expect(change.left).toEqual([])
    }
  })
})

describe('day 3: a trial ended unpaid and was canceled; inactivity shows', () => {
  let now: Record<string, string[]>
  beforeAll(async () => {
    // The 1-day trial ends unpaid; canceled within a day of that, it never converted.
    h.emulator!.simulate.advance(merchant.accountId, 'test', 1.5 * DAY)
    await settle(h)
    await h.stripeAs(merchant.accountId).subscriptions.cancel(subs.expiring!)
    await settle(h)
    await traitsWhen(h, merchant, ids.expiring!, (t) => t['subscription.status'] === 'canceled')
    h.emulator!.simulate.advance(merchant.accountId, 'test', 1.5 * DAY)
    await settle(h)
    await sweep()
    now = await members()
  })
  test.each([
    ['current_trials', ['trial']],
    ['expired_trials', ['expiring']],
    ['slipping_trials', ['trial']],
    ['churned', ['canceled', 'expiring']],
    ['slipping_customers', []],
  ])('%s', (key, expected) => {
    expect(now[key]).toEqual(expected)
  })
})

describe('day 33: the trial converted, nobody is new, paying customers are slipping', () => {
  let now: Record<string, string[]>
  beforeAll(async () => {
    h.emulator!.simulate.advance(merchant.accountId, 'test', 30 * DAY)
    await settle(h)
    await traitsWhen(h, merchant, ids.trial!, (t) => t['subscription.status'] !== 'trialing')
    await sweep()
    now = await members()
  })
  test.each([
    ['new_customers', []],
    ['current_trials', []],
    ['slipping_trials', []],
  ])('%s', (key, expected) => {
    expect(now[key]).toEqual(expected)
  })
  test('active and slipping customers include the converted trial', () => {
    expect(now.active_subscribers).toEqual(expect.arrayContaining(['active', 'trial']))
    expect(now.slipping_customers).toEqual(expect.arrayContaining(['active', 'trial']))
  })
  test('the trial customer entered and left current_trials, in order', async () => {
    const list = await api(h, merchant).get('/api/v1/segments')
    const trials = list.body.segments.find(
      (s: { predefinedKey: string }) => s.predefinedKey === 'current_trials'
    )
    const history = await h
      .db()
      .select({ kind: segmentTransitions.kind })
      .from(segmentTransitions)
      .where(
        and(
          eq(segmentTransitions.segmentId, trials.id),
          eq(segmentTransitions.customerId, ids.trial!)
        )
      )
      .orderBy(asc(segmentTransitions.id))
    expect(history.map((r) => r.kind)).toEqual(['entered', 'left'])
  })
})
