// The `outbound-delivery` worker: POSTs one delivery, signed, and records the attempt. A failure
// throws so pg-boss retries it with exponential back-off; after MAX_ATTEMPTS it stays `failed`.
import { eq, sql } from 'drizzle-orm'
import type { SecretBox } from '../crypto/secret-box'
import type { Db } from '../db/client'
import { outboundDeliveries, outboundEndpoints } from '../db/schema'
import type { Logger } from '../log'
import { SIGNATURE_HEADER, signPayload } from './sign'

/** pg-boss's retryLimit (5) + the first try. */
export const MAX_ATTEMPTS = 6
const TIMEOUT_MS = 10_000

export type DeliverDeps = { db: Db; now: () => Date; secretBox: SecretBox; log: Logger }

export class DeliveryFailed extends Error {}

export async function deliverOutbound(deps: DeliverDeps, deliveryId: string): Promise<void> {
  const [row] = await deps.db
    .select({ delivery: outboundDeliveries, endpoint: outboundEndpoints })
    .from(outboundDeliveries)
    .innerJoin(outboundEndpoints, eq(outboundEndpoints.id, outboundDeliveries.endpointId))
    .where(eq(outboundDeliveries.id, deliveryId))
  if (!row || row.delivery.state !== 'pending') return
  if (!row.endpoint.enabled) {
    await finish(deps.db, deliveryId, { state: 'failed', lastError: 'endpoint disabled' })
    return
  }
  const payload = JSON.stringify(row.delivery.payload)
  const timestamp = Math.floor(deps.now().getTime() / 1000)
  const signature = signPayload(payload, deps.secretBox.open(row.endpoint.secretEnc), timestamp)
  let status: number | null = null
  let error: string | null = null
  try {
    const res = await fetch(row.endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Holdfast-Webhooks/1',
        [SIGNATURE_HEADER]: signature,
      },
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    status = res.status
    await res.body?.cancel()
    if (status < 200 || status >= 300) error = `endpoint answered ${status}`
  } catch (err) {
    error = err instanceof Error ? err.message : String(err)
  }
  const attempts = row.delivery.attempts + 1
  if (!error) {
    await finish(deps.db, deliveryId, {
      state: 'delivered',
      attempts,
      lastStatus: status,
      lastError: null,
      deliveredAt: deps.now(),
      nextAttemptAt: null,
    })
    return
  }
  const giveUp = attempts >= MAX_ATTEMPTS
  await finish(deps.db, deliveryId, {
    state: giveUp ? 'failed' : 'pending',
    attempts,
    lastStatus: status,
    lastError: error,
    nextAttemptAt: giveUp ? null : sql`now() + cast(${`${2 ** attempts} seconds`} as interval)`,
  })
  deps.log.warn('outbound delivery failed', { deliveryId, attempts, status })
  if (!giveUp) throw new DeliveryFailed(`delivery ${deliveryId}: ${error}`)
}

async function finish(
  db: Db,
  deliveryId: string,
  set: Partial<typeof outboundDeliveries.$inferInsert> | Record<string, unknown>
) {
  await db.update(outboundDeliveries).set(set).where(eq(outboundDeliveries.id, deliveryId))
}
