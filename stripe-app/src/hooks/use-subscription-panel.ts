// Data and state behind the subscription drawer: its traits, and the actions its status allows
// (the customer profile lists them per subscription).
import { useCallback, useState } from 'react'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { useRefreshDashboard } from '../host'
import { CustomerProfile, SubscriptionTraits } from '@holdfast/shared/api/customers'
import { useApi } from '../api/provider'
import { routes } from '../api/routes'
import type { ActionTarget } from '../components/ActionFocusView'
import { usePanel } from './use-panel'

export function useSubscriptionPanel(context: ExtensionContextValue) {
  const api = useApi(context)
  const subscriptionId = context.environment.objectContext?.id ?? ''
  const panel = usePanel(
    api,
    async (api) => {
      const subscription = await api.get(routes.subscription(subscriptionId), SubscriptionTraits)
      const profile = await api.get(routes.customer(subscription.customerId), CustomerProfile)
      return {
        subscription,
        actions: profile.actions.filter((a) => a.subscriptionId === subscriptionId),
      }
    },
    subscriptionId,
    'Holdfast has not synced this subscription yet: the import may still be running.'
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
