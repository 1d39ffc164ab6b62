import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

let t: TestEmulator

beforeAll(async () => {
  t = await startTestEmulator()
  t.emulator.seed(t.emulator.platform.id, 'test', { customers: 1000, seed: 7 })
})
afterAll(() => t.close())

describe('list pagination over 1,000 customers', () => {
  test('forwards auto-pagination returns every customer exactly once, newest first', async () => {
    const stripe = t.client()
    const ids: string[] = []
    const created: number[] = []
    for await (const c of stripe.customers.list({ limit: 100 })) {
      ids.push(c.id)
      created.push(c.created)
    }
    const state = t.emulator.account(t.emulator.platform.id, 'test')
    expect(ids).toHaveLength(1000)
    expect(new Set(ids).size).toBe(1000)
    expect(new Set(ids)).toEqual(new Set(Array.from(state.customers.values(), (c) => c.id)))
    expect(created).toEqual([...created].sort((a, b) => b - a))
  })

  test('backwards auto-pagination with ending_before yields every older-to-newer customer once', async () => {
    const stripe = t.client()
    const all = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
    const oldest = all[all.length - 1]
    if (!oldest) throw new Error('no customers')
    const ids: string[] = []
    for await (const c of stripe.customers.list({ limit: 37, ending_before: oldest.id }))
      ids.push(c.id)
    expect(ids).toHaveLength(999)
    expect(new Set(ids).size).toBe(999)
    // Backwards iteration walks from just after the cursor towards the newest.
    expect(ids).toEqual(
      all
        .slice(0, 999)
        .map((c) => c.id)
        .reverse()
    )
  })

  test('pages have has_more, url and honour created ranges', async () => {
    const stripe = t.client()
    const first = await stripe.customers.list({ limit: 3 })
    expect(first.data).toHaveLength(3)
    expect(first.has_more).toBe(true)
    expect(first.url).toBe('/v1/customers')
    const pivot = first.data[2]?.created ?? 0
    const older = await stripe.customers
      .list({ limit: 100, created: { lt: pivot } })
      .autoPagingToArray({ limit: 10_000 })
    expect(older.length).toBeGreaterThan(0)
    expect(older.every((c) => c.created < pivot)).toBe(true)
    const exact = await stripe.customers.list({ created: pivot })
    expect(exact.data.every((c) => c.created === pivot)).toBe(true)
  })

  test('limit outside 1–100 is refused in Stripe shape', async () => {
    const stripe = t.client()
    await expect(stripe.customers.list({ limit: 101 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'limit',
      statusCode: 400,
    })
  })

  test('an unknown cursor is a 404 naming the param', async () => {
    await expect(
      t.client().customers.list({ starting_after: 'cus_missing' })
    ).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'starting_after',
    })
  })
})
