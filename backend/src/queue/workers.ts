// Which handler serves which queue. Features register their workers here.
import { purgeAccountData } from '../accounts/uninstall'
import type { AppDeps } from '../http/context'

export async function registerWorkers(deps: AppDeps): Promise<void> {
  await deps.queue.work<{ note?: string }>('selftest', async (job) => {
    deps.log.info('selftest job handled', { jobId: job.id })
  })
  await deps.queue.work<{ accountId: string; livemode: boolean }>('purge-account', async (job) => {
    await purgeAccountData(deps, job.data)
  })
}
