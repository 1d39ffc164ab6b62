// While the database is unreachable, webhooks get 5xx (so Stripe retries) and none is
// acknowledged without being stored; once it is back, the retries are stored and applied.
import { afterEach, expect, test } from 'vitest'
import { accounts, stripeCustomers, stripeEvents } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { eventFor } from '../support/signing'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy'
import { testDbKind } from '../support/test-database'
import { waitFor } from '../support/wait'

let h: Harness | undefined
let proxy: TcpProxy | undefined
afterEach(async () => {
  proxy?.restore()
  await h?.close()
  await proxy?.close()
  h = undefined
  proxy = undefined
})

const merchant = 'acct_1OutageMerchant'

test.runIf(testDbKind() === 'postgres')(
  'webhooks during a database outage are refused with 5xx and applied once it is back',
  async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
    const proxyPort = proxy.port
    h = await startHarness({
      wrapTarget: (target) => {
        if (target.kind !== 'postgres') return target
        const url = new URL(target.url)
        url.port = String(proxyPort)
        return { ...target, url: url.toString() }
      },
    })
    await h
      .db()
      .insert(accounts)
      .values({ accountId: merchant, livemode: false, status: 'active', connection: 'oauth' })
    const events = Array.from({ length: 5 }, (_, i) =>
      eventFor(
        'customer.created',
        {
          id: `cus_outage_${i}`,
          object: 'customer',
          created: 1_770_000_000,
          email: `c${i}@example.com`,
          metadata: {},
        },
        { account: merchant }
      )
    )

    proxy.cut()
    const during = []
    for (const event of events) during.push((await h.postWebhook(event)).status)
    expect(during.every((status) => status >= 500)).toBe(true)

    proxy.restore()
    await waitFor(async () => (await h!.deps.database.ping(1_000)) === true, {
      what: 'database back',
    })
    expect(await h.db().select().from(stripeEvents)).toHaveLength(0)

    // Stripe retries the deliveries it did not get a 2xx for.
    for (const event of events) expect((await h.postWebhook(event)).status).toBe(200)
    await waitFor(async () => (await h!.db().select().from(stripeCustomers)).length === 5, {
      what: 'customers applied',
    })
    // A batch is marked done after its last event is applied.
    await waitFor(
      async () => (await h!.db().select().from(stripeEvents)).every((e) => e.outcome !== null),
      { what: 'events marked applied' }
    )
    const stored = await h.db().select().from(stripeEvents)
    expect(stored.map((e) => e.outcome).sort()).toEqual(Array(5).fill('applied'))
  },
  // Generous: seen over 60 s once on a loaded 2-core machine (reconnects after the cut).
  120_000
)
