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
}

/** Reads the sync health answer defensively: a field we do not know is shown as unknown. */
export async function fetchSyncHealth(api: ApiClient): Promise<SyncHealth> {
  const raw = (await api.get<Record<string, unknown>>(routes.sync)) ?? {}
  const list = Array.isArray(raw.types) ? raw.types : Array.isArray(raw.objects) ? raw.objects : []
  const types = list.map((t: Record<string, unknown>) => ({
    type: String(t.type ?? t.objectType ?? 'unknown'),
    state: String(t.state ?? t.status ?? 'unknown'),
    progress: typeof t.progress === 'number' ? t.progress : null,
    held:
      typeof t.held === 'number' ? t.held : typeof t.countHeld === 'number' ? t.countHeld : null,
    atStripe:
      typeof t.atStripe === 'number'
        ? t.atStripe
        : typeof t.countAtStripe === 'number'
          ? t.countAtStripe
          : null,
    error: typeof t.error === 'string' ? t.error : typeof t.failure === 'string' ? t.failure : null,
  }))
  return {
    state: String(raw.state ?? raw.status ?? (types.length ? 'unknown' : 'not_started')),
    types,
    lastWebhookAt: typeof raw.lastWebhookAt === 'string' ? raw.lastWebhookAt : null,
  }
}

export const resync = (api: ApiClient) => api.post(routes.resync, {})
