// Data and state behind the customer drawer: the profile (traits, segments, stage, timeline,
// available actions) and the action FocusView that is open, if any.
import { useCallback, useState } from 'react'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { useRefreshDashboard } from '../host'
import { CustomerProfile } from '@holdfast/shared/api/customers'
import { useApi } from '../api/provider'
import { routes } from '../api/routes'
import type { ActionTarget } from '../components/ActionFocusView'
import { usePanel } from './use-panel'

export function useCustomerPanel(context: ExtensionContextValue) {
  const api = useApi(context)
  const customerId = context.environment.objectContext?.id ?? ''
  const panel = usePanel(
    api,
    (api) => api.get(routes.customer(customerId), CustomerProfile),
    customerId,
    'Holdfast has no data for this customer yet: the import may still be running.'
  )
  const [action, setAction] = useState<ActionTarget | null>(null)
  const refreshDashboard = useRefreshDashboard()
  const { refresh } = panel
  const onActionDone = useCallback(async () => {
    await refresh()
    refreshDashboard()
  }, [refresh, refreshDashboard])
  return {
    ...panel,
    api,
    action,
    openAction: setAction,
    closeAction: () => setAction(null),
    onActionDone,
  }
}
