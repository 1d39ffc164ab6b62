// Composition root: loadConfig → startService → stop on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config'
import { createLogger } from './log'
import { startService, StartupError } from './service'

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
  const service = await startService(config, log).catch((err: unknown) => {
    if (err instanceof StartupError) fail(err.message)
    fail(`could not start: ${err instanceof Error ? err.message : String(err)}`)
  })

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
