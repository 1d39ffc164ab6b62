// Which handler serves which queue. Features register their workers here.
import type { AppDeps } from '../http/context'

export async function registerWorkers(deps: AppDeps): Promise<void> {
  await deps.queue.work<{ note?: string }>('selftest', async (job) => {
    deps.log.info('selftest job handled', { jobId: job.id })
  })
}
