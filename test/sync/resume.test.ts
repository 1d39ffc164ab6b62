// A crash at any page: on restart the import continues from the last committed page, and the
// result is identical to an uninterrupted import (nothing missing, nothing listed twice).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test } from 'vitest'
import { startSyncRunner, type SyncRunner } from '../../backend/src/sync/backfill-runner'
import { Random } from '@holdfast/stripe-emulator'
import { startHarness, type Harness } from '../support/harness'
import { testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'
import {
  emulatorCounts,
  expectMirrors,
  installSeeded,
  listedCounts,
  runsOf,
  syncTestEnv,
  waitForRun,
} from './support/kit'

let h: Harness | undefined
const runners: SyncRunner[] = []
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop()
  await h?.close()
  h = undefined
})

async function plannedImport(seed: number) {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const merchant = await installSeeded(h, { customers: 150, seed })
  // The install queued the import: wait until it is planned (nobody works on it yet).
  await waitFor(async () => (await runsOf(h!.db(), merchant.scope)).length > 0, {
    what: 'import planned',
  })
  return merchant
}

class Crash extends Error {}

// Each seed is one crash point. Resuming is the same SQL on both databases, so each point runs
// once, on one of them (and the SIGKILL points, which need a second process, on Postgres).
const crashSeeds = testDbKind() === 'pglite' ? [1, 2] : [3, 4]

test.each(crashSeeds)(
  'a worker dying at a random page (seed %i) is resumed: identical result',
  async (seed) => {
    const merchant = await plannedImport(seed)
    const crashAt = new Random(seed).int(1, 60)
    let pages = 0
    let dead: Promise<void> | undefined
    const first: SyncRunner = startSyncRunner(h!.deps, {
      workers: 6,
      hooks: {
        beforeCommit: () => {
          if (++pages !== crashAt) return
          // Dies inside the page's transaction: the page and its cursor roll back together.
          dead = first.crash()
          throw new Crash()
        },
      },
    })
    await waitFor(() => dead !== undefined, { what: `page ${crashAt}` })
    await dead
    expect((await runsOf(h!.db(), merchant.scope))[0]!.state).toBe('running')

    // Another worker takes the dead one's tasks over once their lease (2 s) has run out.
    runners.push(startSyncRunner(h!.deps, { workers: 6 }))
    const run = await waitForRun(h!, merchant.scope)
    expect(run.state).toBe('done')
    await expectMirrors(h!, merchant)
    expect(await listedCounts(h!.db(), run.id)).toEqual(
      emulatorCounts(h!.emulator!, merchant.accountId, 'test')
    )
  }
)

// A real SIGKILL needs a second process on the same database: Postgres only (PGlite is one process).
test.skipIf(testDbKind() !== 'postgres').each([11, 12, 13])(
  'SIGKILL of the worker process at a random page (seed %i) is resumed: identical result',
  async (seed) => {
    const merchant = await plannedImport(seed)
    const killAt = new Random(seed).int(2, 40)
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./support/sync-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          ...syncTestEnv,
          TARGET: JSON.stringify(h!.testDb.target),
          LOG_LEVEL: 'silent',
          STRIPE_API_URL: h!.config.stripeApiUrl!,
          HOLDFAST_ENCRYPTION_KEY: h!.config.encryptionKey!.toString('base64'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      }
    )
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal))
    )
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes(`page ${killAt}\n`)) {
          child.kill('SIGKILL')
          resolve()
        }
      })
      child.once('exit', () =>
        reject(new Error(`the worker exited before page ${killAt}:\n${out}`))
      )
    })
    expect(await exited).toBe('SIGKILL')

    runners.push(startSyncRunner(h!.deps, { workers: 6 }))
    const run = await waitForRun(h!, merchant.scope)
    expect(run.state).toBe('done')
    await expectMirrors(h!, merchant)
    expect(await listedCounts(h!.db(), run.id)).toEqual(
      emulatorCounts(h!.emulator!, merchant.accountId, 'test')
    )
  }
)
