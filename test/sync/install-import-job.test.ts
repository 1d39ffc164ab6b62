// The import that install queues runs later, on whichever worker takes the job. A choice the
// merchant makes before then ("only changes from now on") must win over it, whatever the order
// the machine happens to run them in: here the order is forced, not raced.
import { afterEach, expect, test } from 'vitest'
import { latestImportRun, startImport } from '../../backend/src/sync/backfill'
import { createRateLimiter } from '../../backend/src/sync/rate-limiter'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import { installSeeded, syncTestEnv } from './support/kit'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('an install job queued before the merchant chose "changes only" starts nothing when it runs late', async () => {
  // No sync task loops: runs are planned, never worked, so nothing moves under the test.
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const merchant = await installSeeded(h, { customers: 5 })
  const harness = h
  await waitFor(async () => (await latestImportRun(harness.db(), merchant.scope)) !== undefined, {
    what: "the install job's import run",
  })
  const installRun = (await latestImportRun(h.db(), merchant.scope))!
  const sync = { ...h.deps, limiter: createRateLimiter(h.deps, h.deps.config.sync.rateLimits) }

  // A second install job, queued now (it carries the newest import run as of now) ...
  const queuedWith = { latestImportId: installRun.id }
  // ... then the merchant chooses, before that job runs.
  const choice = await h.as(merchant).post('/api/v1/sync/import', { choice: 'changes_only' })
  expect(choice.status).toBe(202)
  expect(choice.body).toMatchObject({ started: true, state: 'done' })

  const late = await startImport(sync, merchant.scope, 'existing', queuedWith)
  expect(late).toMatchObject({ started: false, runId: choice.body.runId, state: 'done' })
  expect((await latestImportRun(h.db(), merchant.scope))!.id).toBe(choice.body.runId)
  const health = await h.as(merchant).get('/api/v1/sync')
  expect(health.body).toMatchObject({ state: 'changes_only', import: { choice: 'changes_only' } })

  // A job that saw the merchant's choice when it was queued does start (the guard is not "never").
  const current = await startImport(sync, merchant.scope, 'existing', {
    latestImportId: choice.body.runId,
  })
  expect(current.started).toBe(true)
  expect(current.runId).not.toBe(choice.body.runId)
})
