// Standalone emulator: `npm run emulator -- --port 12111 --customers 1000 [--seed 1] [--accounts 1] [--no-rate-limits]`
import { parseArgs } from 'node:util'
import { Emulator } from './emulator'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '12111' },
    customers: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    accounts: { type: 'string', default: '1' },
    'no-rate-limits': { type: 'boolean', default: false },
  },
})

const seed = Number(values.seed)
const emulator = new Emulator({ seed, rateLimits: values['no-rate-limits'] ? false : undefined })
const merchants = Array.from({ length: Number(values.accounts) }, (_, i) =>
  emulator.createAccount({ name: `Demo merchant ${i + 1}` })
)
const customers = Number(values.customers)
const server = await emulator.listen(Number(values.port))

console.log(`Stripe emulator listening on ${server.url}`)
console.log(`  new Stripe(key, { host: '127.0.0.1', port: ${server.port}, protocol: 'http' })`)
console.log(`Platform ${emulator.platform.id}`)
console.log(`  sk_test: ${emulator.platform.keys.test.secret}`)
console.log(`  sk_live: ${emulator.platform.keys.live.secret}`)
console.log(
  `  OAuth client ids: test ${emulator.oauthApp.clientIds.test}, live ${emulator.oauthApp.clientIds.live}`
)
console.log(
  `  authorize: ${server.url}/oauth/v2/authorize?client_id=…&redirect_uri=…&state=…&account=acct_…`
)
for (const m of merchants) {
  console.log(`Connected account ${m.id} (${m.name})`)
  console.log(`  sk_test: ${m.keys.test.secret}`)
  console.log(`  sk_live: ${m.keys.live.secret}`)
  if (customers > 0) {
    const result = emulator.seed(m.id, 'test', { customers, seed })
    console.log(
      `  seeded test mode: ${result.customers} customers, ${result.subscriptions} subscriptions, ` +
        `${result.invoices} invoices, ${result.charges} charges in ${result.ms} ms`
    )
  }
}

const stop = () => {
  void server.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
