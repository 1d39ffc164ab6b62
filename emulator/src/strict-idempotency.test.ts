// Idempotency as Stripe keeps it (docs/stripe-rules.md §5): a 500 produced after execution began is
// saved and replayed for the same key; keys on GET and DELETE have no effect.
import Stripe from 'stripe'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { startTestEmulator, type TestEmulator } from './harness'

let t: TestEmulator
let stripe: Stripe

beforeEach(async () => {
  t = await startTestEmulator()
  stripe = t.client()
})
afterEach(() => t.close())

const customers = () => t.emulator.account(t.emulator.platform.id, 'test').customers.ordered()

async function failure(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(Stripe.errors.StripeError)
  return err as Stripe.errors.StripeError
}

test('a 500 after execution is saved: the same key replays it and never executes twice', async () => {
  const remove = t.emulator.faults.inject({
    method: 'POST',
    path: '/v1/customers',
    afterExecuting: true,
    times: 1,
  })
  const first = await failure(
    stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-1' })
  )
  expect(first.statusCode).toBe(500)
  expect(first.type).toBe('StripeAPIError')
  expect(customers()).toHaveLength(1) // it did run
  remove()
  const again = await failure(
    stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-1' })
  )
  expect(again.statusCode).toBe(500)
  expect(again.headers?.['idempotent-replayed']).toBe('true')
  expect(customers()).toHaveLength(1)
  // A new key runs the request.
  await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-2' })
  expect(customers()).toHaveLength(2)
})

test('a failure before execution (injected 500, validation 400) is not saved', async () => {
  const remove = t.emulator.faults.inject({ method: 'POST', path: '/v1/customers', times: 1 })
  const first = await failure(stripe.customers.create({}, { idempotencyKey: 'k-3' }))
  expect(first.statusCode).toBe(500)
  remove()
  expect(customers()).toHaveLength(0)
  const created = await stripe.customers.create({}, { idempotencyKey: 'k-3' })
  expect(customers().map((c) => c.id)).toEqual([created.id])
})

test('Idempotency-Key on GET and DELETE has no effect', async () => {
  const a = await stripe.customers.create({ email: 'a@example.com' })
  const b = await stripe.customers.create({ email: 'b@example.com' })
  // The same key on two different GETs: no idempotency_error, each answers for itself.
  const gotA = await stripe.customers.retrieve(a.id, {}, { idempotencyKey: 'g-1' })
  const gotB = await stripe.customers.retrieve(b.id, {}, { idempotencyKey: 'g-1' })
  expect([gotA.id, gotB.id]).toEqual([a.id, b.id])
  // A repeated DELETE under one key runs again: the second finds nothing.
  const deleted = await stripe.customers.del(a.id, {}, { idempotencyKey: 'd-1' })
  expect(deleted.deleted).toBe(true)
  const again = await failure(stripe.customers.del(a.id, {}, { idempotencyKey: 'd-1' }))
  expect(again.statusCode).toBe(404)
  expect(again.code).toBe('resource_missing')
})
