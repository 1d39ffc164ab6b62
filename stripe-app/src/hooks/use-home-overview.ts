// Data behind the home overview: segments with counts and MRR, the stage split, saves this month
// and sync health. Segments decide the page's state; the other cards load (and fail) on their own.
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { SegmentList } from '@holdfast/shared/api/segments'
import { useApi } from '../api/provider'
import { routes } from '../api/routes'
import { fetchSyncHealth } from '../api/sync'
import { fetchMonthSaves } from '../api/saves'
import { usePanel } from './use-panel'
import { useLoad } from './use-load'

export function useHomeOverview(
  context: ExtensionContextValue,
  now: () => Date = () => new Date()
) {
  const api = useApi(context)
  const panel = usePanel(
    api,
    (api) => api.get(routes.segments, SegmentList),
    'segments',
    'No segments yet: Holdfast creates them when the first import finishes.'
  )
  const monthStart = startOfMonth(now())
  const saves = useLoad(api, (api) => fetchMonthSaves(api, monthStart), monthStart)
  const sync = useLoad(api, fetchSyncHealth, 'sync')
  return { ...panel, saves, sync }
}

function startOfMonth(date: Date): string {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)).toISOString()
}
