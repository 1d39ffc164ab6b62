// The Dashboard host's toast and data refresh, made safe to call at any moment: a toast that
// cannot be shown (the drawer closed, the host went away) must never break the flow behind it.
// @see https://docs.stripe.com/stripe-apps/reference/extensions-sdk-api
import { useCallback } from 'react'
import { showToast, useRefreshDashboardData } from '@stripe/ui-extension-sdk/utils'

/** Shows a toast (≤ 30 characters, Stripe's limit). */
export function toast(message: string, type: 'success' | 'caution' | 'pending' = 'success') {
  try {
    void showToast(message.slice(0, 30), { type }).catch(() => {})
  } catch {
    // no host endpoint: nothing to show the toast on
  }
}

/** Refreshes the Dashboard data around the drawer after a change at Stripe. */
export function useRefreshDashboard(): () => void {
  const refresh = useRefreshDashboardData()
  return useCallback(() => {
    try {
      void Promise.resolve(refresh()).catch(() => {})
    } catch {
      // no host endpoint
    }
  }, [refresh])
}
