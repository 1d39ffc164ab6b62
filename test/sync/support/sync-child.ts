// A sync worker process for the SIGKILL test: the same deps the service builds, sync loops only,
// printing `page <n>` after each committed page so the parent can kill it at a chosen moment.
import { loadConfig } from '../../../backend/src/config'
import { openDatabase, type DatabaseTarget } from '../../../backend/src/db/client'
import { buildDeps } from '../../../backend/src/deps'
import { createLogger } from '../../../backend/src/log'
import { createQueue } from '../../../backend/src/queue/queue'
import { startSyncRunner } from '../../../backend/src/sync/backfill-runner'

const target = JSON.parse(process.env.TARGET ?? '') as DatabaseTarget
const config = loadConfig(process.env)
const database = await openDatabase(target)
const log = createLogger(config.logLevel)
const deps = buildDeps(config, database, createQueue(database, log), log)
let pages = 0
startSyncRunner(deps, {
  hooks: {
    afterCommit: () => {
      pages++
      process.stdout.write(`page ${pages}\n`)
    },
  },
})
process.stdout.write('ready\n')
