import { z } from 'zod'
import { afterEach, expect, test } from 'vitest'
import { AppError } from '../../backend/src/errors'
import { startHarness, type Harness } from '../support/harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('GET /healthz answers ok with the database reachable', async () => {
  h = await startHarness()
  const res = await h.request('/healthz')
  expect(res.status).toBe(200)
  expect(res.body).toEqual({ ok: true, db: true })
  expect(res.headers.get('x-request-id')).toMatch(/^req_/)
})

test('GET /healthz answers 503 when the database is gone', async () => {
  h = await startHarness()
  await h.drainer.stop()
  await h.queue.stop()
  await h.database.close()
  const res = await h.request('/healthz')
  expect(res.status).toBe(503)
  expect(res.body).toEqual({ ok: false, db: false })
})

test('errors map to statuses in one place: validation, AppError, unknown', async () => {
  h = await startHarness()
  // Routes added here go through the same onError as every real route.
  h.app.post('/__test/validate', async (c) => {
    z.object({ email: z.email(), days: z.number().int().positive() }).parse(await c.req.json())
    return c.json({ ok: true })
  })
  h.app.get('/__test/conflict', () => {
    throw new AppError('conflict', 'sub_123 is canceled; it cannot be paused')
  })
  h.app.get('/__test/crash', () => {
    throw new Error('secret internals')
  })

  const invalid = await h.request('/__test/validate', {
    method: 'POST',
    body: { email: 'nope', days: -1 },
  })
  expect(invalid.status).toBe(400)
  expect(invalid.body.error.code).toBe('bad_request')
  expect(invalid.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
    'email',
    'days',
  ])
  expect(invalid.body.error.message).toMatch(/email: .*; days: /)

  const conflict = await h.request('/__test/conflict')
  expect(conflict.status).toBe(409)
  expect(conflict.body.error).toMatchObject({
    code: 'conflict',
    message: 'sub_123 is canceled; it cannot be paused',
  })

  const crash = await h.request('/__test/crash', { headers: { 'x-request-id': 'req_given' } })
  expect(crash.status).toBe(500)
  expect(crash.body.error.message).toContain('req_given')
  expect(JSON.stringify(crash.body)).not.toContain('secret internals')
})

test('unknown routes get a JSON 404', async () => {
  h = await startHarness()
  const res = await h.request('/nope')
  expect(res.status).toBe(404)
  expect(res.body.error.message).toBe('No route for GET /nope')
})
