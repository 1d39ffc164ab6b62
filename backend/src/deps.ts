// Builds the dependencies every part of the service shares, from the config and an open database.
import { hkdfSync } from 'node:crypto'
import type { Config } from './config'
import { createSecretBox, loadEncryptionKey } from './crypto/secret-box'
import type { Database } from './db/client'
import type { AppDeps } from './kernel/deps'
import type { Logger } from './log'
import { resolveWithSystemDns } from './outbound/target-guard'
import type { Queue } from './queue/queue'
import { createStripeFactory } from './stripe/client'

export function buildDeps(
  config: Config,
  database: Database,
  queue: Queue,
  log: Logger,
  now: () => Date = () => new Date()
): AppDeps {
  const key = loadEncryptionKey(config.encryptionKey, config.dataDir, log)
  const stateKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'holdfast oauth state', 32))
  return {
    config,
    database,
    db: database.db,
    queue,
    log,
    now,
    stripe: createStripeFactory(config),
    secretBox: createSecretBox(key),
    stateKey,
    outboundTargets: { resolve: resolveWithSystemDns, allowLoopback: config.outboundAllowLoopback },
  }
}
