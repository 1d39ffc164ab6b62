// Turns segment and stage changes into outbound deliveries: one `outbound_deliveries` row per
// enabled endpoint subscribed to the event type, and one `outbound-delivery` job each.
import type { Scope } from '../kernel/scope'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { OutboundEvent, OutboundEventType } from '@holdfast/shared/api/outbound'
import type { Db } from '../db/client'
import { outboundDeliveries, outboundEndpoints } from '../db/schema'
import type { Queue } from '../queue/queue'

export type OutboundDeps = { db: Db; queue: Queue; now: () => Date }
export type OutboundEventData = OutboundEvent['data']
export type PendingOutbound = { type: OutboundEventType; data: OutboundEventData }

export async function emitOutboundEvents(
  deps: OutboundDeps,
  scope: Scope,
  events: PendingOutbound[]
): Promise<number> {
  if (events.length === 0) return 0
  const endpoints = await deps.db
    .select({ id: outboundEndpoints.id, eventTypes: outboundEndpoints.eventTypes })
    .from(outboundEndpoints)
    .where(
      and(
        eq(outboundEndpoints.accountId, scope.accountId),
        eq(outboundEndpoints.livemode, scope.livemode),
        eq(outboundEndpoints.enabled, true)
      )
    )
  if (endpoints.length === 0) return 0
  const created = Math.floor(deps.now().getTime() / 1000)
  const rows = events.flatMap((event) => {
    const body: OutboundEvent = {
      id: `hfevt_${randomUUID().replaceAll('-', '')}`,
      type: event.type,
      created,
      accountId: scope.accountId,
      livemode: scope.livemode,
      data: event.data,
    }
    return endpoints
      .filter((e) => (e.eventTypes as string[]).includes(event.type))
      .map((e) => ({ endpointId: e.id, ...scope, eventType: event.type, payload: body }))
  })
  if (rows.length === 0) return 0
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await deps.db
      .insert(outboundDeliveries)
      .values(rows.slice(i, i + 500))
      .returning({ id: outboundDeliveries.id })
    for (const row of inserted) await deps.queue.send('outbound-delivery', { deliveryId: row.id })
  }
  return rows.length
}
