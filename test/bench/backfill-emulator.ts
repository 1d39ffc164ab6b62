// The emulator for bench:backfill, in its own process (its seeded state is large; the backend's
// RSS must not include it). Seeds one merchant in live mode, serves it with latency and live rate
// limits, and answers the parent over IPC: `counters`, `reset`.
import { Emulator } from '@holdfast/stripe-emulator'

const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000)
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50)
const limits = {
  test: 25,
  live: Number(process.env.BENCH_LIMIT_GLOBAL ?? 100),
  perEndpoint: Number(process.env.BENCH_LIMIT_ENDPOINT ?? 25),
}

const emulator = new Emulator({ seed: 1, rateLimits: limits, latency: { fixedMs: latencyMs } })
const merchant = emulator.createAccount({ name: 'Bench merchant' })
const seeded = emulator.seed(merchant.id, 'live', { customers, seed: 1 })
const server = await emulator.listen(0)

// One list per endpoint before the import: the emulator sorts a collection on its first list
// (~0.1-0.2 s per type at 100,000 customers, its one thread blocked), which real Stripe does not
// do. Counters are reset before the import, so these requests are not counted.
for (const path of ['customers', 'subscriptions?status=all', 'invoices', 'charges'])
  await fetch(`${server.url}/v1/${path}${path.includes('?') ? '&' : '?'}limit=1`, {
    headers: { authorization: `Bearer ${merchant.keys.live.secret}` },
  }).then((r) => r.text())

process.on('message', (message: { type: string }) => {
  if (message.type === 'counters')
    process.send!({ type: 'counters', counters: emulator.counters() })
  if (message.type === 'reset') {
    emulator.faults.resetCounters()
    process.send!({ type: 'reset' })
  }
})
process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0))
})

process.send!({
  type: 'ready',
  url: server.url,
  accountId: merchant.id,
  secretKey: merchant.keys.live.secret,
  seeded,
})
