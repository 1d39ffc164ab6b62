// GET /api/v1/sync: per object type, how far the import is and whether anything failed.
import type { ApiClient } from './client'
import { routes } from './routes'

export type SyncTypeHealth = {
  type: string
  state: string
  progress: number | null
  held: number | null
  atStripe: number | null
  error: string | null
}

export type SyncHealth = {
  state: string
  types: SyncTypeHealth[]
  lastWebhookAt: string | null
  /** Webhook events stored but not applied yet, plus customers whose traits are being updated. */
  pendingEvents: number
  pendingCustomers: number
}

type RawObject = {
  type?: unknown
  state?: unknown
  progress?: unknown
  held?: unknown
  atStripe?: unknown
  failures?: { reason?: unknown; retrying?: unknown }[]
}

/**
 * GET /api/v1/sync (shape: shared/src/api/sync.ts `SyncHealth`), read defensively so a field the
 * app does not know yet shows as unknown instead of breaking the settings page.
 */
export async function fetchSyncHealth(api: ApiClient): Promise<SyncHealth> {
  const raw = (await api.get<Record<string, unknown>>(routes.sync)) ?? {}
  const list = (Array.isArray(raw.objects) ? raw.objects : []) as RawObject[]
  const num = (v: unknown) => (typeof v === 'number' ? v : null)
  const types = list.map((t) => {
    const failure = (t.failures ?? []).find((f) => typeof f.reason === 'string')
    return {
      type: String(t.type ?? 'unknown'),
      state: String(t.state ?? 'unknown'),
      progress: num(t.progress),
      held: num(t.held),
      atStripe: num(t.atStripe),
      error: failure ? `${String(failure.reason)}${failure.retrying ? ' (retrying)' : ''}` : null,
    }
  })
  const webhooks = (raw.webhooks ?? {}) as {
    lastReceivedAt?: unknown
    pending?: unknown
    traitsPending?: unknown
  }
  return {
    state: String(raw.state ?? 'unknown'),
    types,
    lastWebhookAt: typeof webhooks.lastReceivedAt === 'string' ? webhooks.lastReceivedAt : null,
    pendingEvents: num(webhooks.pending) ?? 0,
    pendingCustomers: num(webhooks.traitsPending) ?? 0,
  }
}

/** A fresh import of existing data (POST /api/v1/sync/import, choice "existing"). */
export const resync = (api: ApiClient) => api.post(routes.resync, { choice: 'existing' })
