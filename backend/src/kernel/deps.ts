// What every part of the service is handed: the dependencies built once by the composition root
// (deps.ts buildDeps), and who is calling. Types only; feature folders import these from here, so
// none of them reaches up into http/ for its own inputs.
import type { Mode } from '@holdfast/shared/ids'
import type { Config } from '../config'
import type { SecretBox } from '../crypto/secret-box'
import type { Database, Db } from '../db/client'
import type { Logger } from '../log'
import type { Queue } from '../queue/queue'
import type { StripeFactory } from '../stripe/client'

/** How a hostname resolves to addresses (injectable so tests need no DNS). */
export type ResolveHost = (hostname: string) => Promise<string[]>

export type OutboundTargetPolicy = {
  resolve: ResolveHost
  /** Tests deliver to a receiver on 127.0.0.1; off unless OUTBOUND_ALLOW_LOOPBACK=true. */
  allowLoopback: boolean
}

export type AppDeps = {
  config: Config
  database: Database
  db: Db
  queue: Queue
  log: Logger
  now: () => Date
  stripe: StripeFactory
  secretBox: SecretBox
  /** HMAC key for OAuth state, derived from the encryption key. */
  stateKey: Buffer
  /** Where outbound webhooks may go (DNS resolution injectable for tests). */
  outboundTargets: OutboundTargetPolicy
}

/** Who is calling /api/*: only ever taken from a verified Stripe App signature. */
export type Caller = {
  accountId: string
  userId: string
  mode: Mode
  livemode: boolean
  /** Dashboard role keys Stripe signed for this user (`admin`, `view_only`, …). */
  roles: string[]
}
