// GET /api/v1/account and disconnect (backend/src/http/routes/account.ts). The backend's API-key
// routes serve operators; this OAuth app asks for no pasted key.
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

export const accountApi = {
  get: (api: ApiClient) => api.get<Account>('/api/v1/account'),
  disconnect: (api: ApiClient) =>
    api.post<{ disconnected: true }>('/api/v1/account/disconnect', {}),
}

/** Whether the views can show data: connected now (or still importing the first time). */
export function isConnected(account: Account): boolean {
  return account.status === 'active' || account.status === 'installing'
}
