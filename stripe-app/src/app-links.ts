// Links out of the drawer: the app's settings page in the Dashboard, and the OAuth install
// (re-authorisation) link served by the backend.
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { apiBaseOf } from './api/provider'

export const APP_ID = 'com.holdfast.app'

export function settingsUrl(context: ExtensionContextValue): string {
  const test = context.environment.mode === 'test' ? 'test/' : ''
  return `https://dashboard.stripe.com/${test}settings/apps/${APP_ID}`
}

export function reauthorizeUrl(context: ExtensionContextValue): string {
  return `${apiBaseOf(context)}/oauth/install?mode=${context.environment.mode}`
}
