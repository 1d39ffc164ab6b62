// Durable job queue (pg-boss) on the same database as everything else: Postgres through its own
// pool, PGlite through pg-boss's `db` option. Safe with several backend processes on one Postgres:
// pg-boss claims jobs with SELECT … FOR UPDATE SKIP LOCKED.
import PgBoss from 'pg-boss'
import type { Database } from '../db/client'
import { withSchemaLock } from '../db/migrate'
import type { Logger } from '../log'

/** Every queue the product uses; created at start-up. */
export const queueNames = [
  'sync-task',
  'reconcile',
  'outbound-delivery',
  'segment-refresh',
  'traits-rebuild',
  'purge-account',
  'action-outcomes',
  // used by the queue's own tests
  'selftest',
] as const
export type QueueName = (typeof queueNames)[number]

export type Job<T> = { id: string; name: string; data: T }
export type JobHandler<T> = (job: Job<T>) => Promise<void>

export type Queue = {
  start(): Promise<void>
  send<T extends object>(name: QueueName, data: T, options?: PgBoss.SendOptions): Promise<string>
  /** Handles jobs one at a time per worker; a throw marks the job for retry. */
  work<T>(
    name: QueueName,
    handler: JobHandler<T>,
    options?: { concurrency?: number }
  ): Promise<void>
  /** Sends an empty job to the queue on a cron schedule (one sender across all processes). */
  schedule(name: QueueName, cron: string): Promise<void>
  /** Jobs waiting or running in a queue. */
  depth(name: QueueName): Promise<number>
  /** Stops fetching, lets running handlers finish (up to timeoutMs), then stops. */
  stop(timeoutMs?: number): Promise<void>
}

export function createQueue(database: Database, log: Logger): Queue {
  const target = database.target
  const boss = new PgBoss({
    schema: 'pgboss',
    ...(target.kind === 'postgres'
      ? { connectionString: target.url, max: 4, application_name: 'holdfast-queue' }
      : {
          db: {
            executeSql: (text: string, values: unknown[]) => database.executeSql(text, values),
          },
        }),
    // Jobs are retried with back-off; a crashed worker's job expires and is retried.
    retryLimit: 5,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  })
  boss.on('error', (err) => log.error('queue error', { err }))

  const workerIds: string[] = []
  let started = false

  return {
    async start() {
      // pg-boss installs its schema and creates queue partitions on start; two processes doing
      // that at once deadlock, so they take turns.
      await withSchemaLock(database, async () => {
        await boss.start()
        const existing = new Set((await boss.getQueues()).map((q) => q.name))
        for (const name of queueNames) if (!existing.has(name)) await boss.createQueue(name)
      })
      started = true
    },
    async send(name, data, options = {}) {
      const id = await boss.send(name, data, options)
      if (!id) throw new Error(`queue ${name} refused a job (singleton or throttle)`)
      // Wake local workers at once instead of waiting for their next poll.
      for (const workerId of workerIds) boss.notifyWorker(workerId)
      return id
    },
    async work(name, handler, options = {}) {
      const concurrency = options.concurrency ?? 1
      for (let i = 0; i < concurrency; i++) {
        const id = await boss.work<object>(
          name,
          { batchSize: 1, pollingIntervalSeconds: 0.5 },
          async (jobs) => {
            for (const job of jobs)
              await handler({ id: job.id, name: job.name, data: job.data as never })
          }
        )
        workerIds.push(id)
      }
    },
    async schedule(name, cron) {
      await boss.schedule(name, cron, {}, { tz: 'UTC' })
    },
    async depth(name) {
      return boss.getQueueSize(name, { before: 'completed' })
    },
    async stop(timeoutMs = 10_000) {
      if (!started) return
      started = false
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true })
    },
  }
}
