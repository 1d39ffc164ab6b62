// Gives every view its API client. In the Dashboard it is built from the extension context
// (signed-in user, account, mode, the API_BASE constant from stripe-app.json); tests hand in a
// client wired to the real backend app through <ApiProvider>.
import { createContext, useContext, useMemo, type ReactNode } from 'react'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { createApiClient, type ApiCaller, type ApiClient } from './client'

const ApiContext = createContext<ApiClient | null>(null)

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>
}

export function callerOf(context: ExtensionContextValue): ApiCaller {
  return {
    userId: context.userContext.id ?? '',
    accountId: context.userContext.account.id,
    mode: context.environment.mode,
    roles: context.userContext.roles ?? [],
  }
}

/** The backend's base URL (`constants.API_BASE` in the manifest), without a trailing slash. */
export function apiBaseOf(context: ExtensionContextValue): string {
  const constants = context.environment.constants as Record<string, unknown> | undefined
  const base = typeof constants?.API_BASE === 'string' ? constants.API_BASE : ''
  return base.replace(/\/$/, '')
}

export function useApi(context: ExtensionContextValue): ApiClient {
  const injected = useContext(ApiContext)
  const base = apiBaseOf(context)
  const caller = callerOf(context)
  const { userId, accountId, mode } = caller
  // Roles change only with the signed-in user; compare them by value, not by array identity.
  const rolesKey = JSON.stringify(caller.roles)
  return useMemo(
    () =>
      injected ??
      createApiClient(base, { userId, accountId, mode, roles: JSON.parse(rolesKey) as [] }),
    [injected, base, userId, accountId, mode, rolesKey]
  )
}
