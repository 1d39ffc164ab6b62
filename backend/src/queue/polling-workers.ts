// Loops that claim work from a table and handle it: a kick wakes them at once; otherwise they poll,
// so work stored by another process, or left by a crashed one, is picked up too. Used by the
// webhook event drainer and the customer refresher.
import type { Logger } from '../log'

export type PollingWorkers = {
  /** Wake sleeping loops now (new work was just stored). */
  kick(): void
  /** Let each loop finish its round, then stop. */
  stop(): Promise<void>
  /** Resolves when a loop finds nothing to claim and no loop is busy (tests and benchmarks). */
  idle(): Promise<void>
}

export function startPollingWorkers(options: {
  workers: number
  pollMs: number
  log: Logger
  /** What the loops are, for the log. */
  name: string
  /** Claims and handles one batch; returns how many items it claimed (0: nothing to do). */
  round: () => Promise<number>
}): PollingWorkers {
  let running = true
  // The wake-ups of the loops sleeping right now; each removes itself when it fires.
  const sleepers = new Set<() => void>()
  let busy = 0
  let idleWaiters: Array<() => void> = []
  const wakeAll = () => {
    for (const done of [...sleepers]) done()
  }
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        sleepers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      sleepers.add(done)
    })

  async function loop() {
    while (running) {
      let claimed = 0
      busy++
      try {
        claimed = await options.round()
      } catch (err) {
        // The database is unreachable or similar: wait and try again; stored work is safe.
        options.log.error(`${options.name}: round failed`, { err })
        await sleep(1_000)
      } finally {
        busy--
      }
      if (claimed === 0) {
        if (busy === 0) {
          for (const resolve of idleWaiters) resolve()
          idleWaiters = []
        }
        await sleep(options.pollMs)
      }
    }
  }

  const loops = Array.from({ length: options.workers }, () => loop())
  return {
    kick: wakeAll,
    async stop() {
      running = false
      wakeAll()
      await Promise.all(loops)
    },
    // With no loops here (another process does the work) there is nothing to wait for.
    idle: () =>
      new Promise<void>((resolve) => {
        if (loops.length === 0) return resolve()
        idleWaiters.push(resolve)
        wakeAll()
      }),
  }
}
