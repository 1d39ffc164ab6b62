// Saves this month: the retention actions agents ran since the 1st (newest first from
// GET /api/v1/actions), and the all-time outcome summary (saves confirmed at 30/60/90 days).
// Only a confirmed save counts as MRR saved; this month's saves are MRR at stake until then.
import { ActionList, ActionSummary, type ActionRun } from '@holdfast/shared/api/actions'
import { SAVE_KINDS } from '@holdfast/shared/actions/outcomes'
import type { ApiClient } from './client'
import { routes } from './routes'

export type MonthSaves = {
  /** Succeeded save attempts (pause, discount, plan change, trial extension, reactivation). */
  saves: number
  /** MRR those subscriptions had when the agent acted, per currency. */
  mrrAtStake: Record<string, number>
  /** Saves confirmed by their outcome (still subscribed 30+ days later), all time. */
  confirmedSaves: number
  /** MRR of the confirmed saves, all time. */
  savedMrr: Record<string, number>
  /** Saves whose outcome is not known yet, all time. */
  awaitingConfirmation: number
}

const MAX_PAGES = 10

export async function fetchMonthSaves(api: ApiClient, monthStart: string): Promise<MonthSaves> {
  const runs: ActionRun[] = []
  let cursor: string | null = null
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const list: ActionList = await api.get(`${routes.actions}${query}`, ActionList)
    runs.push(...list.data)
    const oldest = list.data[list.data.length - 1]
    if (!list.nextCursor || !oldest || oldest.startedAt < monthStart) break
    cursor = list.nextCursor
  }
  const saves = runs.filter(
    (r) => r.startedAt >= monthStart && r.state === 'succeeded' && SAVE_KINDS.includes(r.kind)
  )
  const mrrAtStake: Record<string, number> = {}
  for (const run of saves)
    for (const [currency, amount] of Object.entries(run.mrrBefore ?? {}))
      mrrAtStake[currency] = (mrrAtStake[currency] ?? 0) + amount
  const summary = await api.get(routes.actionSummary, ActionSummary)
  return {
    saves: saves.length,
    mrrAtStake,
    confirmedSaves: summary.totals.saves,
    savedMrr: summary.totals.savedMrr,
    awaitingConfirmation: summary.totals.pending,
  }
}
