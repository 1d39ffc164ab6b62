// Rate limits, latency and injected failures, plus the counters benchmarks read.
import { Random } from './random'
import type { Mode } from './state'

export type RateLimitConfig = {
  /** Requests per second per account in test mode (Stripe: 25). */
  test: number
  /** Requests per second per account in live mode (Stripe: 100). */
  live: number
  /** Requests per second per account, mode and endpoint (Stripe: 25). */
  perEndpoint: number
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = { test: 25, live: 100, perEndpoint: 25 }

export type LatencyConfig = { fixedMs: number } | { minMs: number; maxMs: number }

export type FaultRule = {
  method?: string
  /** Exact path, a glob with `*` (one segment) / `**` (anything), or a RegExp. */
  path: string | RegExp
  /** HTTP status to answer with (default 500). Ignored for timeouts. */
  status?: number
  /** Hold the request open for `timeoutMs` (default 30 s), then drop the connection's answer. */
  timeout?: boolean
  timeoutMs?: number
  /** Let this many matching requests through first (default 0). */
  after?: number
  /** Fire this many times, then stop (default: forever). */
  times?: number
  /** Only for this account. */
  accountId?: string
  /**
   * Run the request, then answer `status` (default 500) instead of its result: Stripe's failure
   * after execution began, which it saves under the idempotency key and replays.
   */
  afterExecuting?: boolean
}

type ActiveRule = FaultRule & { seen: number; fired: number; matcher: (path: string) => boolean }

export type Counters = {
  requests: number
  byEndpoint: Record<string, number>
  rateLimited: number
  rateLimitedByEndpoint: Record<string, number>
  injected: number
}

type Bucket = { tokens: number; at: number }

export class Faults {
  private rateLimits: RateLimitConfig | false
  private latency: LatencyConfig | undefined
  private rules: ActiveRule[] = []
  private buckets = new Map<string, Bucket>()
  private random: Random
  private counts: Counters = emptyCounters()

  constructor(options: {
    rateLimits?: RateLimitConfig | false
    latency?: LatencyConfig
    seed?: number
  }) {
    this.rateLimits = options.rateLimits ?? DEFAULT_RATE_LIMITS
    this.latency = options.latency
    this.random = new Random(options.seed ?? 1)
  }

  setRateLimits(config: Partial<RateLimitConfig> | false): void {
    this.rateLimits = config === false ? false : { ...DEFAULT_RATE_LIMITS, ...config }
    this.buckets.clear()
  }

  setLatency(config: LatencyConfig | undefined): void {
    this.latency = config
  }

  /** Adds a rule; returns a function that removes it. */
  inject(rule: FaultRule): () => void {
    const active: ActiveRule = { ...rule, seen: 0, fired: 0, matcher: pathMatcher(rule.path) }
    this.rules.push(active)
    return () => {
      this.rules = this.rules.filter((r) => r !== active)
    }
  }

  clearRules(): void {
    this.rules = []
  }

  counters(): Counters {
    return structuredClone(this.counts)
  }

  resetCounters(): void {
    this.counts = emptyCounters()
  }

  countRequest(endpoint: string): void {
    this.counts.requests++
    this.counts.byEndpoint[endpoint] = (this.counts.byEndpoint[endpoint] ?? 0) + 1
  }

  /** Returns the limiter that refused the request, if any. */
  takeRateLimit(
    accountId: string,
    mode: Mode,
    endpoint: string
  ): 'global-rate' | 'endpoint-rate' | undefined {
    const limits = this.rateLimits
    if (!limits) return undefined
    const now = performance.now()
    const globalKey = `${accountId}:${mode}`
    const endpointKey = `${globalKey}:${endpoint}`
    const globalOk = this.peek(globalKey, limits[mode], now)
    const endpointOk = this.peek(endpointKey, limits.perEndpoint, now)
    const refused = !globalOk ? 'global-rate' : !endpointOk ? 'endpoint-rate' : undefined
    if (refused) {
      this.counts.rateLimited++
      this.counts.rateLimitedByEndpoint[endpoint] =
        (this.counts.rateLimitedByEndpoint[endpoint] ?? 0) + 1
      return refused
    }
    this.take(globalKey)
    this.take(endpointKey)
    return undefined
  }

  private peek(key: string, rate: number, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: rate, at: now }
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate)
    bucket.at = now
    this.buckets.set(key, bucket)
    return bucket.tokens >= 1
  }

  private take(key: string): void {
    const bucket = this.buckets.get(key)
    if (bucket) bucket.tokens -= 1
  }

  latencyMs(): number {
    const l = this.latency
    if (!l) return 0
    if ('fixedMs' in l) return l.fixedMs
    return l.minMs + this.random.next() * (l.maxMs - l.minMs)
  }

  /** The rule that fires for this request, if any (counts it). */
  match(method: string, path: string, accountId: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue
      if (rule.accountId && rule.accountId !== accountId) continue
      if (!rule.matcher(path)) continue
      rule.seen++
      if (rule.seen <= (rule.after ?? 0)) continue
      if (rule.times !== undefined && rule.fired >= rule.times) continue
      rule.fired++
      this.counts.injected++
      return rule
    }
    return undefined
  }
}

function emptyCounters(): Counters {
  return { requests: 0, byEndpoint: {}, rateLimited: 0, rateLimitedByEndpoint: {}, injected: 0 }
}

function pathMatcher(pattern: string | RegExp): (path: string) => boolean {
  if (pattern instanceof RegExp) return (path) => pattern.test(path)
  if (!pattern.includes('*')) return (path) => path === pattern
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*')
    )
    .join('.*')
  const re = new RegExp(`^${source}$`)
  return (path) => re.test(path)
}
