// What every route can reach: dependencies built once in main.ts, and per-request variables.
import type { Config } from '../config'
import type { SecretBox } from '../crypto/secret-box'
import type { Database, Db } from '../db/client'
import type { Logger } from '../log'
import type { OutboundTargetPolicy } from '../outbound/target-guard'
import type { Queue } from '../queue/queue'
import type { StripeFactory } from '../stripe/client'
import type { Mode } from '../stripe/mode'

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

export type AppEnv = {
  Variables: {
    requestId: string
    caller: Caller
  }
}
