// Every backend path the app calls, in one place (the contracts' shapes live in shared/src/api).
const enc = encodeURIComponent

export const routes = {
  account: '/api/v1/account',
  customer: (id: string) => `/api/v1/customers/${enc(id)}`,
  subscription: (id: string) => `/api/v1/subscriptions/${enc(id)}`,
  planOptions: (id: string) => `/api/v1/subscriptions/${enc(id)}/plan-options`,
  /** Query: kind, q, cursor, limit (shared/src/api/actions.ts DiscountOptionsQuery). */
  discountOptions: (id: string) => `/api/v1/subscriptions/${enc(id)}/discount-options`,
  subscriptionAction: (id: string, path: string) => `/api/v1/subscriptions/${enc(id)}/${path}`,
  segments: '/api/v1/segments',
  /** Live count for a draft rule (not offered by the backend yet; the builder degrades). */
  segmentPreview: '/api/v1/segments/preview',
  segment: (id: string) => `/api/v1/segments/${enc(id)}`,
  actionSummary: '/api/v1/actions/summary',
  actions: '/api/v1/actions',
  offers: '/api/v1/offers',
  offer: (id: string) => `/api/v1/offers/${enc(id)}`,
  sync: '/api/v1/sync',
  resync: '/api/v1/sync/import',
  stageSettings: '/api/v1/stages/settings',
  identity: '/api/v1/settings/identity',
  ingestKey: '/api/v1/settings/ingest-key',
  webhooks: '/api/v1/outbound/endpoints',
  webhook: (id: string) => `/api/v1/outbound/endpoints/${enc(id)}`,
  roles: '/api/v1/settings/roles',
  guardrails: '/api/v1/settings/guardrails',
  role: (role: string) => `/api/v1/settings/roles/${enc(role)}`,
}
