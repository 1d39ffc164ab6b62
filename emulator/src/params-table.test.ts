// The accepted-parameters table is generated from the pinned stripe package's `*Params` types: it
// must match what the installed SDK generates, so an SDK upgrade cannot leave the emulator behind.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { generateParamsTable } from '../scripts/generate-params'

test('the checked-in parameter table is what the installed stripe package generates', () => {
  const checkedIn = JSON.parse(
    readFileSync(new URL('./generated/params.json', import.meta.url), 'utf8')
  ) as unknown
  // Stale after an SDK upgrade: run `npm run generate:params -w emulator`.
  expect(generateParamsTable()).toEqual(checkedIn)
}, 240_000)

test('the table has the shapes Stripe enforces: removed params absent, enums closed, unset allowed', () => {
  const { endpoints } = JSON.parse(
    readFileSync(new URL('./generated/params.json', import.meta.url), 'utf8')
  ) as { endpoints: Record<string, { o?: Record<string, Record<string, unknown>> }> }
  const update = endpoints['POST /v1/subscriptions/:id']!.o!
  expect(update).not.toHaveProperty('coupon')
  expect(update).not.toHaveProperty('promotion_code')
  expect(update.pause_collection).toMatchObject({ empty: 1 })
  expect(endpoints['GET /v1/subscriptions']!.o!.status).toMatchObject({
    e: expect.arrayContaining(['all', 'active', 'canceled']),
  })
  expect(endpoints['GET /v1/subscriptions']!.o!.status).not.toHaveProperty('s')
  expect(endpoints['GET /v1/payment_methods']!.o).not.toHaveProperty('created')
  expect(endpoints['GET /v1/customers/:id/payment_methods']!.o).not.toHaveProperty('created')
})
