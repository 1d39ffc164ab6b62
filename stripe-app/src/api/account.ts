// GET /api/v1/account and disconnect (backend/src/http/routes/account.ts). The backend's API-key
// routes serve operators; this OAuth app asks for no pasted key.
import type { Permission } from '@holdfast/shared/roles/policy'
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
  /** The caller's Dashboard roles as Stripe signed them, and what the role policy lets them do. */
  roles: string[]
  permissions: Permission[]
}

/** Whether the signed-in user may run this (the backend refuses with 403 anyway). */
export function can(account: Account, permission: Permission): boolean {
  return account.permissions.includes(permission)
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
