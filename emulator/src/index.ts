// Public entry point of the Stripe API emulator.
import { Emulator, type EmulatorOptions, type RunningServer } from './emulator'

export { Emulator } from './emulator'
export type {
  AccountInfo,
  AccountKeys,
  AuthorizeInput,
  EmulatorOptions,
  OAuthApp,
  RunningServer,
} from './emulator'
export type { AccountState, Mode } from './state'
export type { Permissions, PermissionResource, Access } from './auth'
export type { Counters, FaultRule, LatencyConfig, RateLimitConfig } from './faults'
export type { Delivery, DeliveryFaults, DeliveryOptions, Transport } from './webhooks'
export type { SeedOptions, SeedResult } from './seed'
export type { TokenResponse } from './oauth'
export { signPayload } from './webhooks'
export { API_VERSION } from './events'
export { parseForm, encodeForm } from './form'
export { Random } from './random'
/** An object as the API would answer it (expansions applied), for tests comparing stored rows. */
export { render as renderObject } from './render'

export type StartedEmulator = { emulator: Emulator; server: RunningServer }

/** Creates an emulator and serves it on 127.0.0.1 (port 0 by default). */
export async function startEmulator(
  options: EmulatorOptions & { port?: number } = {}
): Promise<StartedEmulator> {
  const emulator = new Emulator(options)
  const server = await emulator.listen(options.port ?? 0)
  return { emulator, server }
}
