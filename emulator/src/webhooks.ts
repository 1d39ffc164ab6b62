// Signed webhook delivery with a pluggable transport and deterministic delivery faults.
import { createHmac } from 'node:crypto'
import type Stripe from 'stripe'
import { Random } from './random'

export type Transport = (
  url: string,
  init: { headers: Record<string, string>; body: string }
) => Promise<{ status: number }>

export type DeliveryFaults = {
  /** Probability that a delivery is sent twice. */
  duplicate?: number
  /** Probability that a delivery swaps places with the next one (manual mode) or is delayed. */
  reorder?: number
  /** Probability that a delivery is never sent. */
  drop?: number
  /** Delay before each send (ms), fixed or [min, max]. */
  delayMs?: number | [number, number]
  /** Probability that an `*.updated` event gets a twin: same object, same `created`, new id. */
  sameSecondPairs?: number
  seed?: number
}

export type DeliveryOptions = {
  transport?: Transport
  /** `immediate` (default) sends as events happen; `manual` queues until `flush()`. */
  mode?: 'immediate' | 'manual'
  faults?: DeliveryFaults
}

export type Delivery = {
  eventId: string
  type: string
  endpointId: string
  url: string
  payload: string
  signature: string
  status: number | null
  error?: string
  dropped: boolean
  duplicate: boolean
}

type Queued = { event: Stripe.Event; endpoint: Stripe.WebhookEndpoint; secret: string }

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex')
  return `t=${timestamp},v1=${v1}`
}

const fetchTransport: Transport = async (url, { headers, body }) => {
  const res = await fetch(url, { method: 'POST', headers, body })
  await res.arrayBuffer()
  return { status: res.status }
}

export class WebhookDispatcher {
  readonly deliveries: Delivery[] = []
  private sent = new Map<Delivery, Queued>()
  private queue: Queued[] = []
  private inFlight = new Set<Promise<void>>()
  private transport: Transport = fetchTransport
  private mode: 'immediate' | 'manual' = 'immediate'
  private faults: DeliveryFaults = {}
  private random = new Random(1)

  constructor(
    private readonly now: () => number,
    options: DeliveryOptions = {}
  ) {
    this.configure(options)
  }

  configure(options: DeliveryOptions): void {
    if (options.transport) this.transport = options.transport
    if (options.mode) this.mode = options.mode
    if (options.faults) {
      this.faults = options.faults
      this.random = new Random(options.faults.seed ?? 1)
    }
  }

  /** Whether an `*.updated` event should get a same-second twin (deterministic from the seed). */
  wantsTwin(type: string): boolean {
    const p = this.faults.sameSecondPairs ?? 0
    return p > 0 && type.endsWith('.updated') && this.random.chance(p)
  }

  enqueue(event: Stripe.Event, endpoint: Stripe.WebhookEndpoint, secret: string): void {
    const item = { event, endpoint, secret }
    if (this.mode === 'manual') {
      this.queue.push(item)
      return
    }
    const delay = this.delay() + (this.random.chance(this.faults.reorder ?? 0) ? 20 : 0)
    this.track(this.sendWithFaults(item, delay))
  }

  /** Deliveries waiting for `flush()` (manual mode). */
  pending(): number {
    return this.queue.length
  }

  /** Sends everything queued (applying reorder/duplicate/drop), and waits for all sends. */
  async flush(): Promise<Delivery[]> {
    const items = this.queue
    this.queue = []
    const reorder = this.faults.reorder ?? 0
    for (let i = 0; i + 1 < items.length; i++) {
      if (this.random.chance(reorder)) {
        const a = items[i] as Queued
        items[i] = items[i + 1] as Queued
        items[i + 1] = a
        i++
      }
    }
    const start = this.deliveries.length
    for (const item of items) await this.sendWithFaults(item, this.delay())
    await this.idle()
    return this.deliveries.slice(start)
  }

  /**
   * Sends again every delivery that failed (no answer or a non-2xx status) and has not since
   * succeeded for the same event and endpoint, as Stripe's retries would. Returns the new attempts.
   */
  async retryFailed(): Promise<Delivery[]> {
    await this.idle()
    const ok = (d: Delivery) => d.status !== null && d.status >= 200 && d.status < 300
    const done = new Set(this.deliveries.filter(ok).map((d) => `${d.eventId}:${d.endpointId}`))
    const retry = new Map<string, Queued>()
    for (const [d, item] of this.sent) {
      const key = `${d.eventId}:${d.endpointId}`
      if (!ok(d) && !done.has(key)) retry.set(key, item)
    }
    const start = this.deliveries.length
    for (const item of retry.values()) await this.send(item, false)
    return this.deliveries.slice(start)
  }

  /** Waits until nothing is in flight (immediate mode). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(Array.from(this.inFlight))
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
  }

  private delay(): number {
    const d = this.faults.delayMs
    if (d === undefined) return 0
    if (typeof d === 'number') return d
    return d[0] + this.random.next() * (d[1] - d[0])
  }

  private async sendWithFaults(item: Queued, delayMs: number): Promise<void> {
    if (this.random.chance(this.faults.drop ?? 0)) {
      this.deliveries.push({ ...this.describe(item, '', ''), dropped: true })
      return
    }
    const twice = this.random.chance(this.faults.duplicate ?? 0)
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
    await this.send(item, false)
    if (twice) await this.send(item, true)
  }

  private describe(item: Queued, payload: string, signature: string): Delivery {
    return {
      eventId: item.event.id,
      type: item.event.type,
      endpointId: item.endpoint.id,
      url: item.endpoint.url,
      payload,
      signature,
      status: null,
      dropped: false,
      duplicate: false,
    }
  }

  private async send(item: Queued, duplicate: boolean): Promise<void> {
    const payload = JSON.stringify(item.event, null, 2)
    const signature = signPayload(payload, item.secret, this.now())
    const delivery = { ...this.describe(item, payload, signature), duplicate }
    this.deliveries.push(delivery)
    this.sent.set(delivery, item)
    try {
      const res = await this.transport(item.endpoint.url, {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
      })
      delivery.status = res.status
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err)
    }
  }
}
