import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Emulator } from './emulator'
import { startTestEmulator, type TestEmulator } from './harness'

let t: TestEmulator
let accountId: string

beforeAll(async () => {
  t = await startTestEmulator()
  accountId = t.emulator.createAccount({ name: 'Seeded merchant' }).id
  t.emulator.seed(accountId, 'test', { customers: 3000, seed: 11 })
})
afterAll(() => t.close())

describe('seed', () => {
  test('the same seed gives the same data', () => {
    const a = new Emulator({ seed: 5 })
    const b = new Emulator({ seed: 5 })
    a.seed(a.platform.id, 'test', { customers: 200, seed: 9 })
    b.seed(b.platform.id, 'test', { customers: 200, seed: 9 })
    const dump = (em: Emulator) => {
      const s = em.account(em.platform.id, 'test')
      return JSON.stringify([
        s.customers.ordered(),
        s.subscriptions.ordered(),
        s.invoices.ordered(),
      ])
    }
    expect(dump(a)).toBe(dump(b))
    const c = new Emulator({ seed: 5 })
    c.seed(c.platform.id, 'test', { customers: 200, seed: 10 })
    expect(dump(c)).not.toBe(dump(a))
  })

  test('covers every subscription status, wide subscriptions, archived prices, discounts, failed and refunded charges', () => {
    const s = t.emulator.account(accountId, 'test')
    const subs = Array.from(s.subscriptions.values())
    const statuses = new Set(subs.map((x) => x.status))
    for (const status of [
      'trialing',
      'active',
      'past_due',
      'canceled',
      'unpaid',
      'paused',
      'incomplete',
      'incomplete_expired',
    ]) {
      expect(statuses).toContain(status)
    }
    expect(subs.some((x) => x.items.data.length > 10)).toBe(true)
    expect(subs.some((x) => x.items.data.some((i) => !i.price.active))).toBe(true)
    expect(
      subs.some((x) => x.items.data.some((i) => i.price.recurring?.usage_type === 'metered'))
    ).toBe(true)
    expect(subs.some((x) => x.discounts.length > 0)).toBe(true)
    expect(subs.some((x) => x.pause_collection !== null)).toBe(true)
    expect(subs.some((x) => x.cancel_at_period_end)).toBe(true)
    const charges = Array.from(s.charges.values())
    expect(charges.some((c) => c.status === 'failed')).toBe(true)
    expect(charges.some((c) => c.amount_refunded > 0)).toBe(true)
    const pms = Array.from(s.paymentMethods.values())
    expect(new Set(pms.map((p) => p.card?.brand)).size).toBeGreaterThanOrEqual(5)
    expect(new Set(pms.map((p) => p.card?.country)).size).toBeGreaterThanOrEqual(4)
    expect(pms.some((p) => p.card?.wallet?.type === 'apple_pay')).toBe(true)
    const currencies = new Set(Array.from(s.prices.values(), (p) => p.currency))
    expect(currencies.size).toBeGreaterThanOrEqual(4)
    const intervals = new Set(
      Array.from(
        s.prices.values(),
        (p) => `${p.recurring?.interval}/${p.recurring?.interval_count}`
      )
    )
    expect(intervals).toContain('week/1')
    expect(intervals).toContain('year/1')
    expect(intervals).toContain('month/3')
    const countries = new Set(Array.from(s.customers.values(), (c) => c.address?.country))
    expect(countries.size).toBeGreaterThanOrEqual(5)
    const created = Array.from(s.customers.values(), (c) => c.created)
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(600 * 86_400)
    // Seeding records no events (so no deliveries).
    expect(s.events.size).toBe(0)
    expect(t.emulator.webhooks.deliveries).toHaveLength(0)
  })

  test('seeded data is served through the API: status=all, item paging, tiers only when expanded', async () => {
    const stripe = t.client()
    const opts = { stripeAccount: accountId }
    const all = await stripe.subscriptions
      .list({ status: 'all', limit: 100 }, opts)
      .autoPagingToArray({ limit: 10_000 })
    const s = t.emulator.account(accountId, 'test')
    expect(all).toHaveLength(s.subscriptions.size)
    // A wide subscription embeds its first 10 items; the rest are paged (docs/stripe-rules.md §4).
    const wide = all.find((x) => x.items.has_more) as Stripe.Subscription
    expect(wide.items.data).toHaveLength(10)
    const items = await stripe.subscriptionItems
      .list({ subscription: wide.id, limit: 4 }, opts)
      .autoPagingToArray({ limit: 100 })
    const stored = s.subscriptions.get(wide.id)!.items.data
    expect(items.length).toBeGreaterThan(10)
    expect(items.map((i) => i.id).sort()).toEqual(stored.map((i) => i.id).sort())
    const prices = await stripe.prices.list({ limit: 100, expand: ['data.tiers'] }, opts)
    expect(prices.data.some((p) => (p.tiers?.length ?? 0) > 1)).toBe(true)
    expect(
      (await stripe.prices.list({ limit: 100 }, opts)).data.every((p) => p.tiers === undefined)
    ).toBe(true)
  })

  // CPU time, not wall time: other work on a shared 2-core machine stretches the wall clock (one
  // loaded run took 66 s of wall for what takes far less CPU).
  test('100,000 customers seed in under a minute of CPU', () => {
    const em = new Emulator()
    const before = process.cpuUsage()
    const result = em.seed(em.platform.id, 'live', { customers: 100_000, seed: 1 })
    const used = process.cpuUsage(before)
    expect(result.customers).toBe(100_000)
    expect(em.account(em.platform.id, 'live').customers.size).toBe(100_000)
    expect((used.user + used.system) / 1000).toBeLessThan(60_000)
  })
})
