// What the process does with an error no code caught, so one bad request cannot stop the
// service for every merchant. What is safe to survive differs by kind:
// - An unhandled rejection is a promise nobody awaited. No synchronous code was cut off half
//   way, so memory is as consistent as the code that dropped the promise left it: log it and
//   keep serving (Node's default since v15 is to exit).
// - An uncaught exception unwound synchronous code at an unknown point; Node's docs say resuming
//   after one is unsafe. The one kind we know to be contained is a socket or stream error with
//   no listener (a client hanging up): it ends that connection only, so it is logged and
//   survived. Any other is logged, then the service stops as on SIGTERM (in-flight requests
//   finish) and exits 1, so the supervisor starts a clean process.
// @see https://nodejs.org/api/process.html#warning-using-uncaughtexception-correctly
import type { Logger } from './log'

const CONNECTION_ERRORS = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
])

/** True for an error that ended one connection and nothing else. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONNECTION_ERRORS.has(code)
}

export type ProcessGuards = { uninstall(): void }

/**
 * Installs the handlers on `proc` (the process; a test may pass its own emitter). `fatal` is
 * called once, on the first uncaught exception that is not contained: stop and exit there.
 */
export function installProcessGuards(
  log: Logger,
  fatal: (err: unknown) => void,
  proc: Pick<NodeJS.Process, 'on' | 'off'> = process
): ProcessGuards {
  let fatalCalled = false
  const onRejection = (reason: unknown) => {
    log.error('unhandled promise rejection; still serving', { err: reason })
  }
  const onException = (err: unknown) => {
    if (isConnectionError(err)) {
      log.warn('connection error with no handler; still serving', { err })
      return
    }
    log.error('uncaught exception; stopping so a clean process takes over', { err })
    if (fatalCalled) return
    fatalCalled = true
    fatal(err)
  }
  proc.on('unhandledRejection', onRejection)
  proc.on('uncaughtException', onException)
  return {
    uninstall() {
      proc.off('unhandledRejection', onRejection)
      proc.off('uncaughtException', onException)
    },
  }
}
