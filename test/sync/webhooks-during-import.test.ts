// Webhooks arriving while the import runs: a page listed before a change but written after the
// change's webhook was applied must not overwrite it. The newest state wins, whatever the order.
import { afterEach, expect, test } from 'vitest'
import { startSyncRunner, type SyncRunner } from '../../backend/src/sync/backfill-runner'
import { Random } from '@holdfast/stripe-emulator'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'
import {
  expectMirrors,
  heldObjects,
  installSeeded,
  runsOf,
  syncTestEnv,
  waitForRun,
} from './support/kit'

let h: Harness | undefined
const runners: SyncRunner[] = []
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop()
  await h?.close()
  h = undefined
})

test('a change applied by webhook between a page being listed and written survives the page', async () => {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '0' } })
  const merchant = await installSeeded(h, { customers: 60, seed: 4 })
  await waitFor(async () => (await runsOf(h!.db(), merchant.scope)).length > 0)
  const stripe = h.stripeAs(merchant.accountId)
  const changed: string[] = []
  let busy = false
  runners.push(
    startSyncRunner(h.deps, {
      workers: 4,
      hooks: {
        // The first customer page has been listed: change one of its customers at Stripe (a few
        // seconds later) and let that webhook be applied before the page is written.
        pageFetched: async ({ task, ids }) => {
          if (task.objectType !== 'customer' || ids.length === 0 || busy) return
          busy = true
          const id = ids[0]!
          h!.emulator!.advance(5)
          await stripe.customers.update(id, { name: 'Changed during import', metadata: { v: '2' } })
          await h!.emulator!.webhooks.idle()
          await waitFor(
            async () => (await heldObjects(h!.db(), merchant.scope, 'customer')).has(id),
            {
              what: 'the webhook applied',
            }
          )
          changed.push(id)
        },
      },
    })
  )
  const run = await waitForRun(h, merchant.scope)
  expect(run.state).toBe('done')
  await h.drainer.idle()
  expect(changed).toHaveLength(1)
  const held = await heldObjects(h.db(), merchant.scope, 'customer')
  expect(held.get(changed[0]!)).toMatchObject({
    name: 'Changed during import',
    metadata: { v: '2' },
  })
  await expectMirrors(h, merchant)
})

test('updates, creates and deletes at Stripe throughout the import converge to Stripe', async () => {
  h = await startHarness({ emulator: true, env: { ...syncTestEnv, SYNC_WORKERS: '4' } })
  // Slow pages, so the import and the changes overlap.
  h.emulator!.faults.setLatency({ minMs: 5, maxMs: 40 })
  const merchant = await installSeeded(h, { customers: 100, seed: 9 })
  const stripe = h.stripeAs(merchant.accountId)
  const random = new Random(9)
  const state = h.emulator!.account(merchant.accountId, 'test')
  const customers = [...state.customers.values()].map((c) => c.id)
  const subs = [...state.subscriptions.values()]
    .filter((s) => s.status === 'active')
    .map((s) => ({ id: s.id, customer: String(s.customer) }))
  let done = false
  const changes = (async () => {
    for (let i = 0; !done && i < 120; i++) {
      const pick = random.next()
      if (pick < 0.5) {
        await stripe.customers.update(customers[random.int(0, customers.length - 1)]!, {
          metadata: { n: String(i) },
        })
      } else if (pick < 0.7 && subs.length > 0) {
        await stripe.subscriptions.update(subs[random.int(0, subs.length - 1)]!.id, {
          metadata: { n: String(i) },
        })
      } else if (pick < 0.85) {
        customers.push((await stripe.customers.create({ email: `new${i}@example.com` })).id)
      } else if (customers.length > 10) {
        const [gone] = customers.splice(random.int(0, customers.length - 1), 1)
        await stripe.customers.del(gone!)
        // Their subscriptions are canceled with them: leave those alone from now on.
        for (let k = subs.length - 1; k >= 0; k--) if (subs[k]!.customer === gone) subs.splice(k, 1)
      }
      if (i % 10 === 0) h!.emulator!.advance(1)
    }
  })()
  const run = await waitForRun(h, merchant.scope)
  done = true
  await changes
  expect(run.state).toBe('done')
  await h.emulator!.webhooks.idle()
  await h.drainer.idle()
  await expectMirrors(h, merchant)
})
