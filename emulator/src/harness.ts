// Test helpers: an emulator served on port 0 and real `stripe` clients pointed at it.
import Stripe from 'stripe'
import { Emulator, type EmulatorOptions, type RunningServer } from './emulator'

export type TestEmulator = {
  emulator: Emulator
  server: RunningServer
  /** A stripe-node client for `key` (default: the platform's test secret key). */
  client(key?: string, config?: Stripe.StripeConfig): Stripe
  close(): Promise<void>
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = new Emulator({ rateLimits: false, ...options })
  const server = await emulator.listen(0)
  return {
    emulator,
    server,
    client: (key = emulator.platform.keys.test.secret, config = {}) =>
      new Stripe(key, {
        host: '127.0.0.1',
        port: server.port,
        protocol: 'http',
        maxNetworkRetries: 0,
        telemetry: false,
        ...config,
      }),
    close: async () => {
      await emulator.webhooks.idle()
      await server.close()
    },
  }
}
