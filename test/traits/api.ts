// Test helpers for the traits/segments API: signed requests with any method, and waiting until
// webhooks have flowed through to stored traits.
import { and, eq, inArray } from 'drizzle-orm'
import { customerTraits, stripeSubscriptions, syncRuns } from '../../backend/src/db/schema'
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
  try {
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
      { what: `${what} of ${customerId}` }
    )
  } catch (err) {
    // Say what the synced rows hold, to tell a missed refresh from a stale copy.
    const subs = await h
      .db()
      .select({ id: stripeSubscriptions.id, status: stripeSubscriptions.status })
      .from(stripeSubscriptions)
      .where(
        and(
          eq(stripeSubscriptions.accountId, merchant.accountId),
          eq(stripeSubscriptions.customerId, customerId)
        )
      )
    throw new Error(
      `${(err as Error).message}; traits status ${String(traits['subscription.status'])}, synced ${JSON.stringify(subs)}`
    )
  }
  return traits
}

/** The profile's traits flattened back to key → value. */
export function flatTraits(profile: {
  traits: Array<{ traits: Array<{ key: string; value: unknown }> }>
}): Record<string, unknown> {
  return Object.fromEntries(profile.traits.flatMap((g) => g.traits.map((t) => [t.key, t.value])))
}

/**
 * Installs a merchant and waits for the import that installing starts: until it has run, an
 * event for an object the import already wrote in the same (frozen emulator) second is stale.
 */
export async function installSettled(h: Harness): Promise<Installed> {
  const merchant = await h.installMerchant()
  await waitFor(
    async () => {
      if ((await h.queue.depth('sync-task')) > 0) return false
      const running = await h
        .db()
        .select({ id: syncRuns.id })
        .from(syncRuns)
        .where(
          and(
            eq(syncRuns.accountId, merchant.accountId),
            inArray(syncRuns.state, ['pending', 'running'])
          )
        )
      return running.length === 0
    },
    { what: `the import of ${merchant.accountId}` }
  )
  return merchant
}
