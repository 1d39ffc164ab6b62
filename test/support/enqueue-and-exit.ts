// Child process for the queue restart test: enqueue one job, then exit without stopping the queue.
import { openDatabase, type DatabaseTarget } from '../../backend/src/db/client'
import { runMigrations } from '../../backend/src/db/migrate'
import { createLogger } from '../../backend/src/log'
import { createQueue } from '../../backend/src/queue/queue'

const target = JSON.parse(process.env.TARGET ?? '') as DatabaseTarget
const database = await openDatabase(target)
await runMigrations(database)
const queue = createQueue(database, createLogger('silent'))
await queue.start()
await queue.send('selftest', { note: 'queued before the crash' })
if (target.kind === 'pglite') await database.close() // PGlite writes its files on close
process.exit(0)
