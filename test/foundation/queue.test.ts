import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test } from 'vitest'
import type { Database } from '../../backend/src/db/client'
import { runMigrations } from '../../backend/src/db/migrate'
import { createLogger } from '../../backend/src/log'
import { createQueue, type Queue } from '../../backend/src/queue/queue'
import { createTestDatabase, testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'

const log = createLogger('silent')
let cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
})

async function startQueue(database: Database): Promise<Queue> {
  const queue = createQueue(database, log)
  await queue.start()
  cleanup.push(() => queue.stop(5_000))
  return queue
}

test('each queued job is handled exactly once across two workers', async () => {
  const testDb = await createTestDatabase()
  cleanup.push(() => testDb.drop())
  // Two handles: on Postgres these are two independent connection pools, as two processes have.
  const first = await testDb.open()
  cleanup.push(() => first.close())
  await runMigrations(first)
  const second = testDb.kind === 'postgres' ? await testDb.open() : first
  if (second !== first) cleanup.push(() => second.close())

  const queueA = await startQueue(first)
  const queueB = await startQueue(second)
  const handled: Array<{ n: number; worker: string }> = []
  const handler = (worker: string) => async (job: { data: { n: number } }) => {
    handled.push({ n: job.data.n, worker })
    await new Promise((r) => setTimeout(r, 5)) // hold the job so both workers compete
  }
  await queueA.work('selftest', handler('a'), { concurrency: 2 })
  await queueB.work('selftest', handler('b'), { concurrency: 2 })

  const total = 60
  for (let n = 0; n < total; n++) await queueA.send('selftest', { n })

  await waitFor(() => handled.length >= total, { what: 'every job handled' })
  await new Promise((r) => setTimeout(r, 1_000)) // a duplicate would show up in this time
  const numbers = handled.map((h) => h.n).sort((x, y) => x - y)
  expect(numbers).toEqual(Array.from({ length: total }, (_, n) => n))
  if (testDb.kind === 'postgres') {
    expect(new Set(handled.map((h) => h.worker))).toEqual(new Set(['a', 'b']))
  }
  expect(await queueA.depth('selftest')).toBe(0)
})

test('a queued job survives a process restart', async () => {
  const kind = testDbKind()
  const dataDir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'holdfast-q-')) : undefined
  if (dataDir) cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }))
  const testDb = await createTestDatabase(kind, { dataDir })
  cleanup.push(() => testDb.drop())

  // Another process migrates, enqueues and dies without a graceful stop.
  const script = fileURLToPath(new URL('../support/enqueue-and-exit.ts', import.meta.url))
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, TARGET: JSON.stringify(testDb.target) },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    child.on('error', reject)
    child.on('exit', resolve)
  })
  expect(exitCode).toBe(0)

  const database = await testDb.open()
  cleanup.push(() => database.close())
  const queue = await startQueue(database)
  const seen: string[] = []
  await queue.work<{ note: string }>('selftest', async (job) => {
    seen.push(job.data.note)
  })
  await waitFor(() => seen.length > 0, { what: 'the job after the restart' })
  expect(seen).toEqual(['queued before the crash'])
})
