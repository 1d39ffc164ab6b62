import { afterEach, describe, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

let t: TestEmulator
afterEach(() => t.close())

describe('keys, accounts and modes', () => {
  test('a restricted key without a permission is refused with 403; granted reads and writes work', async () => {
    t = await startTestEmulator()
    const em = t.emulator
    const rk = em.createRestrictedKey(em.platform.id, 'test', {
      customers: 'read',
      subscriptions: 'write',
    })
    expect(rk).toMatch(/^rk_test_/)
    const restricted = t.client(rk)
    await t.client().customers.create({ email: 'seen@example.com' })

    const listed = await restricted.customers.list()
    expect(listed.data.map((c) => c.email)).toEqual(['seen@example.com'])
    await expect(restricted.customers.create({ email: 'x@example.com' })).rejects.toMatchObject({
      type: 'StripePermissionError',
      statusCode: 403,
      message: expect.stringContaining('rak_customer_write'),
    })
    await expect(restricted.charges.list()).rejects.toMatchObject({ type: 'StripePermissionError' })
    await expect(restricted.subscriptions.list()).resolves.toMatchObject({ object: 'list' }) // write implies read
    expect(em.account(em.platform.id, 'test').customers.size).toBe(1)
  })

  test('an unknown key gets 401 in Stripe’s shape; a publishable key is refused', async () => {
    t = await startTestEmulator()
    await expect(t.client('sk_test_nope').customers.list()).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
      message: expect.stringContaining('Invalid API Key provided'),
    })
    await expect(
      t.client(t.emulator.platform.keys.test.publishable).customers.list()
    ).rejects.toMatchObject({
      statusCode: 401,
    })
  })

  test('test and live state are separate', async () => {
    t = await startTestEmulator()
    const em = t.emulator
    const test = t.client(em.platform.keys.test.secret)
    const live = t.client(em.platform.keys.live.secret)
    const a = await test.customers.create({ email: 'test@example.com' })
    const b = await live.customers.create({ email: 'live@example.com' })
    expect(a.livemode).toBe(false)
    expect(b.livemode).toBe(true)
    expect((await test.customers.list()).data.map((c) => c.id)).toEqual([a.id])
    expect((await live.customers.list()).data.map((c) => c.id)).toEqual([b.id])
    await expect(live.customers.retrieve(a.id)).rejects.toMatchObject({ statusCode: 404 })
    expect(em.account(em.platform.id, 'live').customers.get(a.id)).toBeUndefined()
    const liveEvents = await live.events.list()
    expect(liveEvents.data.every((e) => e.livemode)).toBe(true)
  })

  test('the Stripe-Account header scopes the platform key to a connected account', async () => {
    t = await startTestEmulator()
    const em = t.emulator
    const merchantA = em.createAccount({ name: 'A' })
    const merchantB = em.createAccount({ name: 'B' })
    const platform = t.client()
    const inA = await platform.customers.create(
      { email: 'a@example.com' },
      { stripeAccount: merchantA.id }
    )
    await platform.customers.create({ email: 'b@example.com' }, { stripeAccount: merchantB.id })

    const listA = await platform.customers.list({}, { stripeAccount: merchantA.id })
    expect(listA.data.map((c) => c.id)).toEqual([inA.id])
    await expect(
      platform.customers.retrieve(inA.id, {}, { stripeAccount: merchantB.id })
    ).rejects.toMatchObject({
      statusCode: 404,
    })
    expect((await platform.customers.list()).data).toHaveLength(0) // platform's own state untouched
    const events = await platform.events.list({}, { stripeAccount: merchantA.id })
    expect(events.data[0]?.account).toBe(merchantA.id)
    // A merchant's own key cannot reach another account.
    await expect(
      t.client(merchantA.keys.test.secret).customers.list({}, { stripeAccount: merchantB.id })
    ).rejects.toMatchObject({ type: 'StripePermissionError', statusCode: 403 })
    await expect(
      platform.customers.list({}, { stripeAccount: 'acct_unknown' })
    ).rejects.toMatchObject({
      statusCode: 403,
    })
    expect(em.account(merchantA.id, 'test').customers.get(inA.id)?.email).toBe('a@example.com')
  })
})

describe('errors, idempotency, rate limits and injected faults', () => {
  test('idempotent replays return the first response; a reused key with other params is an idempotency error', async () => {
    t = await startTestEmulator()
    const stripe = t.client()
    const first = await stripe.customers.create(
      { email: 'once@example.com' },
      { idempotencyKey: 'key-1' }
    )
    const replay = await stripe.customers.create(
      { email: 'once@example.com' },
      { idempotencyKey: 'key-1' }
    )
    expect(replay).toEqual(first)
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect(t.emulator.account(t.emulator.platform.id, 'test').customers.size).toBe(1)
    await expect(
      stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'key-1' })
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 })
    // Every response carries a request id.
    expect(first.lastResponse.requestId).toMatch(/^req_/)
  })

  test('over the rate limit the client gets StripeRateLimitError; counters record it', async () => {
    t = await startTestEmulator({ rateLimits: { test: 3, live: 100, perEndpoint: 100 } })
    const stripe = t.client()
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => stripe.customers.list())
    )
    const refused = results.filter((r) => r.status === 'rejected')
    expect(refused.length).toBeGreaterThanOrEqual(3)
    const reason = (refused[0] as PromiseRejectedResult).reason as {
      type: string
      statusCode: number
      code: string
    }
    expect(reason.type).toBe('StripeRateLimitError')
    expect(reason.statusCode).toBe(429)
    expect(reason.code).toBe('rate_limit')
    const counters = t.emulator.counters()
    expect(counters.rateLimited).toBe(refused.length)
    expect(counters.byEndpoint['GET /v1/customers']).toBe(6)
    // Live mode has its own bucket.
    await expect(
      t.client(t.emulator.platform.keys.live.secret).customers.list()
    ).resolves.toBeDefined()
  })

  test('per-endpoint limits apply separately from the global one', async () => {
    t = await startTestEmulator({ rateLimits: { test: 100, live: 100, perEndpoint: 2 } })
    const stripe = t.client()
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => stripe.products.list())
    )
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(2)
    await expect(stripe.prices.list()).resolves.toBeDefined()
  })

  test('injected 500s honour method, path, after and times', async () => {
    t = await startTestEmulator()
    const stripe = t.client()
    t.emulator.faults.inject({
      method: 'GET',
      path: '/v1/customers/*',
      status: 500,
      after: 1,
      times: 2,
    })
    const c = await stripe.customers.create({ email: 'f@example.com' })
    await expect(stripe.customers.retrieve(c.id)).resolves.toMatchObject({ id: c.id })
    await expect(stripe.customers.retrieve(c.id)).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
    })
    await expect(stripe.customers.retrieve(c.id)).rejects.toMatchObject({ statusCode: 500 })
    await expect(stripe.customers.retrieve(c.id)).resolves.toMatchObject({ id: c.id })
    expect(t.emulator.counters().injected).toBe(2)
  })

  test('an injected timeout makes the client give up', async () => {
    t = await startTestEmulator()
    t.emulator.faults.inject({ path: '/v1/products', timeout: true, timeoutMs: 2000, times: 1 })
    const stripe = t.client(undefined, { timeout: 200 })
    await expect(stripe.products.list()).rejects.toMatchObject({ type: 'StripeConnectionError' })
  })

  test('fixed latency delays every answer', async () => {
    t = await startTestEmulator({ latency: { fixedMs: 120 } })
    const started = performance.now()
    await t.client().customers.list()
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
  })

  test('validation errors name the param', async () => {
    t = await startTestEmulator()
    await expect(
      t.client().subscriptions.create({ customer: 'cus_missing', items: [] })
    ).rejects.toMatchObject({
      statusCode: 404,
      param: 'customer',
      code: 'resource_missing',
    })
    await expect(t.client().products.create({} as { name: string })).rejects.toMatchObject({
      statusCode: 400,
      param: 'name',
      code: 'parameter_missing',
    })
  })
})
