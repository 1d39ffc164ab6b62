// `npm run demo:act`: a support agent's morning on the running demo, through the same signed API
// the Stripe App uses — pause one subscription, discount another, preview and apply a plan change —
// then the audit trail and the outcome summary.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Stripe from 'stripe'
import { loadConfig } from '../../backend/src/config'

const { dataDir } = loadConfig(process.env)
const agent = JSON.parse(readFileSync(join(dataDir, 'demo', 'agent.json'), 'utf8')) as {
  serviceUrl: string
  accountId: string
  userId: string
  appSecret: string
  monthlyPrices: string[]
}

async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: JSON.stringify({ user_id: agent.userId, account_id: agent.accountId }),
    secret: agent.appSecret,
  })
  const res = await fetch(`${agent.serviceUrl}/api/v1${path}`, {
    method,
    headers: {
      'stripe-signature': signature,
      'x-holdfast-user-id': agent.userId,
      'x-holdfast-account-id': agent.accountId,
      'x-holdfast-mode': 'test',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = (await res.json()) as any
  if (!res.ok)
    throw new Error(
      `${method} ${path} → ${res.status}: ${json?.error?.message ?? JSON.stringify(json)}`
    )
  return json as T
}

const say = (line: string) => process.stdout.write(line + '\n')
const money = (m: { amount: number; currency: string } | undefined) =>
  m ? `${(m.amount / 100).toFixed(2)} ${m.currency.toUpperCase()}` : '–'

const { segments } = await api<{
  segments: Array<{ id: string; predefinedKey: string | null; name: string }>
}>('GET', '/segments')
const customersSegment = segments.find((s) => s.predefinedKey === 'customers')
if (!customersSegment)
  throw new Error('the demo has no "Customers" segment yet: is the import finished?')
const { members } = await api<{ members: Array<{ customerId: string; email: string | null }> }>(
  'GET',
  `/segments/${customersSegment.id}/customers?limit=40`
)

// Find three paying customers with an active subscription we can act on.
const picks: Array<{ customerId: string; email: string | null; subscriptionId: string }> = []
for (const m of members) {
  const profile = await api<{ actions: Array<{ kind: string; subscriptionId: string | null }> }>(
    'GET',
    `/customers/${m.customerId}`
  )
  const sub = profile.actions.find(
    (a) => a.kind === 'pause_collection' && a.subscriptionId
  )?.subscriptionId
  if (sub) picks.push({ ...m, subscriptionId: sub })
  if (picks.length === 3) break
}
if (picks.length < 3) throw new Error('found fewer than three active subscriptions to act on')

const offer = await api<{ id: string; name: string }>('POST', '/offers', {
  name: 'Stay with us: 20% off for 3 months',
  kind: 'percent_off',
  percentOff: 20,
  duration: 'repeating',
  durationInMonths: 3,
})
say(`Offer created: ${offer.name}`)

const run = Date.now().toString(36)
const [a, b, c] = picks as [(typeof picks)[0], (typeof picks)[0], (typeof picks)[0]]
await api('POST', `/subscriptions/${a.subscriptionId}/pause-collection`, {
  clientKey: `demo-${run}-pause`,
  months: 1,
})
say(`Paused collection for a month: ${a.email ?? a.customerId} (${a.subscriptionId})`)

await api('POST', `/subscriptions/${b.subscriptionId}/apply-discount`, {
  clientKey: `demo-${run}-discount`,
  offerId: offer.id,
})
say(`Applied "${offer.name}": ${b.email ?? b.customerId} (${b.subscriptionId})`)

const current = await api<{ traits: Record<string, unknown> }>(
  'GET',
  `/subscriptions/${c.subscriptionId}`
).catch(() => undefined)
const currentPrice = JSON.stringify(current ?? {}).match(/price_\w+/)?.[0]
const newPrice = agent.monthlyPrices.find((p) => p !== currentPrice) ?? agent.monthlyPrices[0]
const preview = await api<{
  dueNow?: { amount: number; currency: string }
  nextInvoice?: { amount: number; currency: string }
  prorationDate?: number
}>('POST', `/subscriptions/${c.subscriptionId}/change-plan/preview`, {
  priceId: newPrice,
  prorationBehavior: 'create_prorations',
})
say(
  `Plan change preview for ${c.email ?? c.customerId}: due now ${money(preview.dueNow)}, next invoice ${money(preview.nextInvoice)}`
)
await api('POST', `/subscriptions/${c.subscriptionId}/change-plan`, {
  clientKey: `demo-${run}-plan`,
  priceId: newPrice,
  prorationBehavior: 'create_prorations',
  ...(preview.prorationDate ? { prorationDate: preview.prorationDate } : {}),
})
say(`Changed plan to ${newPrice}`)

const actions = await api<{
  data: Array<{
    kind: string
    state: string
    userId: string
    subscriptionId: string | null
    startedAt: string
    stripeRequestId: string | null
  }>
}>('GET', '/actions?limit=5')
say('\nAudit trail (newest first):')
for (const r of actions.data) {
  say(
    `  ${r.startedAt}  ${r.userId}  ${r.kind.padEnd(18)} ${String(r.subscriptionId).padEnd(28)} ${r.state}  ${r.stripeRequestId ?? ''}`
  )
}
const summary = await api('GET', '/actions/summary')
say(`\nOutcome summary: ${JSON.stringify(summary)}`)
