// GET /api/v1/account and the API-key routes (backend/src/http/routes/account.ts).
import type { ApiClient } from './client'

export type AccountStatus =
  'not_connected' | 'installing' | 'active' | 'needs_reauth' | 'uninstalled'

export type Account = {
  accountId: string
  mode: 'test' | 'live'
  status: AccountStatus
  /** How Holdfast reaches Stripe for this account: `oauth` or `api_key` (null if never connected). */
  connection: string | null
  installedAt: string | null
}

export type ApiKeyCheck = { ok: boolean; missingPermissions: string[]; message: string }

export const accountApi = {
  get: (api: ApiClient) => api.get<Account>('/api/v1/account'),
  checkKey: (api: ApiClient, apiKey: string) =>
    api.post<ApiKeyCheck>('/api/v1/account/api-key/check', { apiKey }),
  saveKey: (api: ApiClient, apiKey: string) =>
    api.post<{ saved: true; status: string }>('/api/v1/account/api-key', { apiKey }),
  disconnect: (api: ApiClient) =>
    api.post<{ disconnected: true }>('/api/v1/account/disconnect', {}),
}

/** Whether the views can show data: connected now (or still importing the first time). */
export function isConnected(account: Account): boolean {
  return account.status === 'active' || account.status === 'installing'
}
