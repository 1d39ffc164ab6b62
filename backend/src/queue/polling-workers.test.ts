import { afterEach, expect, test, vi } from 'vitest'
import { createLogger } from '../log'
import { startPollingWorkers } from './polling-workers'

afterEach(() => {
  vi.useRealTimers()
})

test('a kick after a long idle stretch wakes the loops at once, however many polls came before', async () => {
  vi.useFakeTimers()
  let rounds = 0
  const workers = startPollingWorkers({
    workers: 2,
    pollMs: 1,
    log: createLogger('silent'),
    name: 'test loops',
    round: async () => {
      rounds++
      return 0
    },
  })
  // Idle for a while: tens of thousands of polls.
  await vi.advanceTimersByTimeAsync(20_000)
  expect(rounds).toBeGreaterThan(20_000)
  const before = rounds
  // A kick wakes both sleeping loops now, without waiting for their timers (and without
  // walking every sleep that ever happened, which once overflowed the stack).
  expect(() => workers.kick()).not.toThrow()
  await vi.advanceTimersByTimeAsync(0)
  expect(rounds).toBe(before + 2)
  const stopped = workers.stop()
  await vi.advanceTimersByTimeAsync(10)
  await stopped
})
