// The `outbound-delivery` worker: POSTs one delivery, signed, and records the attempt. A failure
// throws so pg-boss retries it with exponential back-off; after MAX_ATTEMPTS it stays `failed`.
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { eq, sql } from 'drizzle-orm'
import type { SecretBox } from '../crypto/secret-box'
import type { Db } from '../db/client'
import { outboundDeliveries, outboundEndpoints } from '../db/schema'
import type { Logger } from '../log'
import { SIGNATURE_HEADER, signPayload } from './sign'
import type { OutboundTargetPolicy } from '../kernel/deps'
import { checkOutboundTarget } from './target-guard'

/** pg-boss's retryLimit (5) + the first try. */
export const MAX_ATTEMPTS = 6
const TIMEOUT_MS = 10_000

export type DeliverDeps = {
  db: Db
  now: () => Date
  secretBox: SecretBox
  log: Logger
  outboundTargets: OutboundTargetPolicy
}

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
  const url = new URL(row.endpoint.url)
  const target = await checkOutboundTarget(deps.outboundTargets, url, { unresolved: 'refuse' })
  if (!target.ok) {
    // Never connected, so nothing about what answers there reaches the log (no port scanning).
    error = `not sent: ${target.reason}`
  } else {
    try {
      status = await postToAddress(url, target.address!, payload, {
        'content-type': 'application/json',
        'user-agent': 'Holdfast-Webhooks/1',
        [SIGNATURE_HEADER]: signature,
      })
      if (status < 200 || status >= 300) error = `endpoint answered ${status}`
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    }
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

/**
 * POSTs to `address`, the IP the guard checked, not to whatever the name resolves to by now: the
 * Host header and TLS (SNI, certificate) still use the URL's host name. Redirects are answers,
 * never followed; the body is not read.
 */
function postToAddress(
  url: URL,
  address: string,
  body: string,
  headers: Record<string, string>
): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: address,
        family: isIP(address),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, host: url.host, 'content-length': Buffer.byteLength(body) },
        servername: isIP(hostname) ? undefined : hostname,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        agent: false,
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        res.destroy()
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function finish(
  db: Db,
  deliveryId: string,
  set: Partial<typeof outboundDeliveries.$inferInsert> | Record<string, unknown>
) {
  await db.update(outboundDeliveries).set(set).where(eq(outboundDeliveries.id, deliveryId))
}
