// A merchant's downstream webhook endpoints and their delivery log, always within one
// account and mode. The signing secret is stored sealed; callers get it once, at creation.
import { and, desc, eq } from 'drizzle-orm'
import type { OutboundEndpoint } from '@holdfast/shared/api/outbound'
import type { Db } from '../db/client'
import { outboundDeliveries, outboundEndpoints } from '../db/schema'
import type { Scope } from '../kernel/scope'

type EndpointsDeps = { db: Db }
type EndpointChanges = { url?: string; eventTypes?: string[]; enabled?: boolean }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DELIVERIES_SHOWN = 100

function view(row: typeof outboundEndpoints.$inferSelect): OutboundEndpoint {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes as OutboundEndpoint['eventTypes'],
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
  }
}

function inScope(scope: Scope) {
  return and(
    eq(outboundEndpoints.accountId, scope.accountId),
    eq(outboundEndpoints.livemode, scope.livemode)
  )
}

export async function listEndpoints(deps: EndpointsDeps, scope: Scope) {
  const rows = await deps.db
    .select()
    .from(outboundEndpoints)
    .where(inScope(scope))
    .orderBy(outboundEndpoints.createdAt)
  return rows.map(view)
}

/** The endpoint, or undefined when the id is malformed or belongs to another account or mode. */
export async function findEndpoint(
  deps: EndpointsDeps,
  scope: Scope,
  id: string
): Promise<OutboundEndpoint | undefined> {
  if (!UUID.test(id)) return undefined
  const [row] = await deps.db
    .select()
    .from(outboundEndpoints)
    .where(and(eq(outboundEndpoints.id, id), inScope(scope)))
  return row && view(row)
}

export async function insertEndpoint(
  deps: EndpointsDeps,
  scope: Scope,
  input: { url: string; eventTypes: string[]; secretEnc: string }
): Promise<OutboundEndpoint> {
  const [row] = await deps.db
    .insert(outboundEndpoints)
    .values({
      accountId: scope.accountId,
      livemode: scope.livemode,
      url: input.url,
      eventTypes: [...new Set(input.eventTypes)],
      secretEnc: input.secretEnc,
    })
    .returning()
  return view(row!)
}

export async function updateEndpoint(
  deps: EndpointsDeps,
  scope: Scope,
  id: string,
  changes: EndpointChanges
): Promise<OutboundEndpoint> {
  const [row] = await deps.db
    .update(outboundEndpoints)
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.eventTypes !== undefined ? { eventTypes: [...new Set(changes.eventTypes)] } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
    })
    .where(and(eq(outboundEndpoints.id, id), inScope(scope)))
    .returning()
  return view(row!)
}

export async function deleteEndpoint(deps: EndpointsDeps, scope: Scope, id: string) {
  await deps.db.delete(outboundEndpoints).where(and(eq(outboundEndpoints.id, id), inScope(scope)))
}

/** The endpoint's latest deliveries, newest first. */
export async function listDeliveries(deps: EndpointsDeps, scope: Scope, endpointId: string) {
  const deliveries = await deps.db
    .select()
    .from(outboundDeliveries)
    .where(
      and(
        eq(outboundDeliveries.endpointId, endpointId),
        eq(outboundDeliveries.accountId, scope.accountId),
        eq(outboundDeliveries.livemode, scope.livemode)
      )
    )
    .orderBy(desc(outboundDeliveries.createdAt))
    .limit(DELIVERIES_SHOWN)
  return deliveries.map((d) => ({
    id: d.id,
    eventType: d.eventType,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    payload: d.payload,
  }))
}
