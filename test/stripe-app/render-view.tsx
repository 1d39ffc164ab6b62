// Renders a Stripe App view as the Dashboard would (context props from getMockContextProps),
// with its API client wired to the real backend through <ApiProvider>.
import type { ComponentType } from 'react'
import { getMockContextProps, render } from '@stripe/ui-extension-sdk/testing'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { ApiProvider } from '../../stripe-app/src/api/provider'
import type { ApiClient } from '../../stripe-app/src/api/client'
import { TEST_API_BASE } from './app-backend'

export function renderView(
  View: ComponentType<ExtensionContextValue>,
  options: {
    client: ApiClient
    accountId: string
    viewportID: string
    object?: { id: string; object: string }
    mode?: 'test' | 'live'
    userId?: string
    /** The Dashboard user's locale (userContext.locale); the SDK's mock default is en-US. */
    locale?: string
  }
) {
  const props = getMockContextProps({
    userContext: {
      id: options.userId ?? 'usr_agent_1',
      account: { id: options.accountId },
      ...(options.locale ? { locale: options.locale } : {}),
    },
    environment: {
      viewportID: options.viewportID,
      mode: options.mode ?? 'test',
      objectContext: options.object ?? null,
      constants: { API_BASE: TEST_API_BASE },
    },
  })
  return render(
    <ApiProvider client={options.client}>
      <View {...props} />
    </ApiProvider>
  )
}
