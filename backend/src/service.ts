// Builds and runs the whole service from a Config: database, migrations, queue, workers, HTTP.
// main.ts calls it; so do the tests that start the service as `npm start` does.
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Config } from './config'
import { databaseTargetFromConfig, openDatabase, type Database } from './db/client'
import { runMigrations } from './db/migrate'
import type { App } from './http/app'
import { startRuntime } from './runtime'
import { ensureWebhookEndpoints } from './sync/webhook-endpoints'
import type { AppDeps } from './kernel/deps'
import { buildDeps } from './deps'
import type { Logger } from './log'
import { createQueue, type Queue } from './queue/queue'

export type RunningService = {
  app: App
  database: Database
  queue: Queue
  /** Where it listens; empty for a worker process (no HTTP). */
  url: string
  stop(): Promise<void>
}

export async function startService(config: Config, log: Logger): Promise<RunningService> {
  const database = await openDatabase(databaseTargetFromConfig(config))
  try {
    if (!(await database.ping(10_000))) {
      throw new StartupError(`Cannot reach the database at ${database.location}`)
    }
    await runMigrations(database)
    log.info('database ready', { database: database.location })

    const queue = createQueue(database, log)
    await queue.start()
    const deps: AppDeps = buildDeps(config, database, queue, log)
    if (config.role !== 'worker') await ensureWebhookEndpoints(deps, config.publicUrl)
    const { app, drainer, syncRunner } = await startRuntime(deps)
    // A worker process serves no HTTP: the web processes take the requests.
    const server = config.role === 'worker' ? undefined : await listen(app, config)
    const url = server ? `http://${config.host}:${(server.address() as AddressInfo).port}` : ''
    if (server) log.info('listening', { url, role: config.role })
    else log.info('worker ready', { role: config.role })

    let stopping: Promise<void> | undefined
    const stop = () =>
      (stopping ??= (async () => {
        log.info('shutting down')
        if (server) await closeServer(server, config.shutdownTimeoutMs) // finish in-flight requests
        await drainer.stop()
        await syncRunner.stop() // hands unfinished sync tasks back at once
        await queue.stop(config.shutdownTimeoutMs) // let running jobs finish
        await database.close()
        log.info('stopped')
      })())
    return { app, database, queue, url, stop }
  } catch (err) {
    await database.close().catch(() => {})
    throw err
  }
}

export class StartupError extends Error {}

function listen(app: App, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(server)
    )
    server.once('error', reject)
  })
}

function closeServer(server: ServerType, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections()
      resolve()
    }, timeoutMs)
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  })
}
