// What every route can reach: dependencies built once in main.ts, and per-request variables.
import type { Config } from '../config'
import type { Database } from '../db/client'
import type { Logger } from '../log'
import type { Queue } from '../queue/queue'

export type AppDeps = {
  config: Config
  database: Database
  queue: Queue
  log: Logger
  now: () => Date
}

export type AppEnv = {
  Variables: {
    requestId: string
  }
}
