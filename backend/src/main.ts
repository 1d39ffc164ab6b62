// Composition root: loadConfig → startService → stop on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config'
import { createLogger } from './log'
import { installProcessGuards } from './process-guards'
import { startService, StartupError, type RunningService } from './service'

function fail(message: string): never {
  process.stderr.write(`holdfast: ${message}\n`)
  process.exit(1)
}

async function main() {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }
  const log = createLogger(config.logLevel)
  // Installed before startup, so a failure while starting is guarded too.
  const started: { service?: RunningService } = {}
  installProcessGuards(log, () => {
    // Finish in-flight requests, then exit 1 for the supervisor; never hang on a stuck stop.
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5_000).unref()
    void (started.service?.stop() ?? Promise.resolve()).finally(() => process.exit(1))
  })
  const service = await startService(config, log).catch((err: unknown) => {
    if (err instanceof StartupError) fail(err.message)
    fail(`could not start: ${err instanceof Error ? err.message : String(err)}`)
  })
  started.service = service

  const shutdown = (signal: string) => {
    log.info('signal received', { signal })
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { err })
        process.exit(1)
      }
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

void main()
