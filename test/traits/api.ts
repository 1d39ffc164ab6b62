// Test helpers for the traits/segments API: signed requests with any method, and waiting until
// webhooks have flowed through to stored traits.
import { and, eq } from 'drizzle-orm'
import { customerTraits } from '../../backend/src/db/schema'
import type { Harness } from '../support/harness'
import { extensionHeaders, type Merchant } from '../support/signing'
import { waitFor } from '../support/wait'

export type Installed = Merchant & { accountId: string; livemode: boolean }

export function api(h: Harness, merchant: Merchant) {
  const nowSeconds = () => Math.floor(h.deps.now().getTime() / 1000)
  const call = (method: string, path: string, body?: unknown) =>
    h.request(path, {
      method,
      body,
      headers: extensionHeaders(merchant, undefined, nowSeconds()),
    })
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  }
}

/** Waits until the emulator has delivered everything and the drainer applied it. */
export async function settle(h: Harness) {
  await h.emulator?.webhooks.idle()
  await h.drainer.idle()
}

/** Stored traits of one customer once `check` holds (webhooks → drainer → refreshCustomer). */
export async function traitsWhen(
  h: Harness,
  merchant: Installed,
  customerId: string,
  check: (traits: Record<string, unknown>) => boolean,
  what = 'traits'
): Promise<Record<string, unknown>> {
  let traits: Record<string, unknown> = {}
  await waitFor(
    async () => {
      const [row] = await h
        .db()
        .select({ traits: customerTraits.traits })
        .from(customerTraits)
        .where(
          and(
            eq(customerTraits.accountId, merchant.accountId),
            eq(customerTraits.livemode, merchant.livemode),
            eq(customerTraits.customerId, customerId)
          )
        )
      traits = (row?.traits ?? {}) as Record<string, unknown>
      return row !== undefined && check(traits)
    },
    { what: `${what} of ${customerId}`, timeoutMs: 20_000 }
  )
  return traits
}

/** The profile's traits flattened back to key → value. */
export function flatTraits(profile: {
  traits: Array<{ traits: Array<{ key: string; value: unknown }> }>
}): Record<string, unknown> {
  return Object.fromEntries(profile.traits.flatMap((g) => g.traits.map((t) => [t.key, t.value])))
}
