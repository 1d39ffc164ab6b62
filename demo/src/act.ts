// `npm run demo:act`: a support agent's morning on the running demo, through the same signed API
// the Stripe App uses — pause one subscription, discount another, preview and apply a plan change —
// then the audit trail and the outcome summary.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Stripe from 'stripe'
import { loadConfig } from '../../backend/src/config'
import type { PlanOptions } from '@holdfast/shared/api/actions'
import { SIGNED_PAYLOAD_HEADER, signedPayloadOf } from '@holdfast/shared/api/extension-signature'
import { formatMoney } from '@holdfast/shared/money'

const { dataDir } = loadConfig(process.env)
const agent = JSON.parse(readFileSync(join(dataDir, 'demo', 'agent.json'), 'utf8')) as {
  serviceUrl: string
  accountId: string
  userId: string
  appSecret: string
  monthlyPrices: string[]
}

// The agent is a support specialist; setting up an offer is an administrator's (settings).
const ROLES = {
  agent: { id: 'support_specialist', name: 'Support specialist', type: 'builtIn' },
  admin: { id: 'admin', name: 'Administrator', type: 'builtIn' },
} as const

async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  as: keyof typeof ROLES = 'agent'
): Promise<T> {
  // What the Stripe App sends: Stripe's signature over mode, roles, user and account.
  const payload = signedPayloadOf({
    userId: agent.userId,
    accountId: agent.accountId,
    livemode: false,
    roles: [ROLES[as]],
  })
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: agent.appSecret })
  const res = await fetch(`${agent.serviceUrl}/api/v1${path}`, {
    method,
    headers: {
      'stripe-signature': signature,
      [SIGNED_PAYLOAD_HEADER]: Buffer.from(payload).toString('base64url'),
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
// Minor units by the currency's own exponent: 500 JPY is ¥500, not ¥5.00.
const money = (m: { amount: number | null; currency: string } | undefined) =>
  m && m.amount !== null ? formatMoney({ amount: m.amount, currency: m.currency }) : '–'

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
  if (picks.length === 8) break
}
if (picks.length < 3) throw new Error('found fewer than three active subscriptions to act on')

const offer = await api<{ id: string; name: string }>(
  'POST',
  '/offers',
  {
    name: 'Stay with us: 20% off for 3 months',
    kind: 'percent_off',
    percentOff: 20,
    duration: 'repeating',
    durationInMonths: 3,
  },
  'admin'
)
say(`Offer created by an administrator: ${offer.name}`)

const run = Date.now().toString(36)
const [a, b] = picks as [(typeof picks)[0], (typeof picks)[0]]
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

// The plan change picks like the app's picker: an item of the subscription (it may have several)
// and another synced active recurring price in the subscription's own currency.
type Choice = { c: (typeof picks)[0]; options: PlanOptions; item: PlanOptions['items'][0] }
let choice: (Choice & { price: PlanOptions['products'][0]['prices'][0] }) | undefined
for (const c of picks.slice(2)) {
  const options = await api<PlanOptions>('GET', `/subscriptions/${c.subscriptionId}/plan-options`)
  const item = options.items[0]
  const price = options.products
    .flatMap((p) => p.prices)
    .find((p) => item && p.priceId !== item.priceId && p.interval === item.interval)
  if (item && price) {
    choice = { c, options, item, price }
    break
  }
}
if (!choice) throw new Error('no subscription has another price in its currency to move to')
const { c, options, item, price: newPrice } = choice
const preview = await api<{
  dueNow?: { amount: number; currency: string }
  nextInvoice?: { amount: number; currency: string }
  prorationDate?: number
}>('POST', `/subscriptions/${c.subscriptionId}/change-plan/preview`, {
  itemId: item.itemId,
  priceId: newPrice.priceId,
  prorationBehavior: 'create_prorations',
})
say(
  `Plan change preview for ${c.email ?? c.customerId}: due now ${money(preview.dueNow)}, next invoice ${money(preview.nextInvoice)}`
)
await api('POST', `/subscriptions/${c.subscriptionId}/change-plan`, {
  clientKey: `demo-${run}-plan`,
  itemId: item.itemId,
  priceId: newPrice.priceId,
  prorationBehavior: 'create_prorations',
  ...(preview.prorationDate ? { prorationDate: preview.prorationDate } : {}),
})
say(
  `Changed plan (${options.items.length} item${options.items.length === 1 ? '' : 's'}): ${item.productName ?? item.priceId} → ${newPrice.nickname ?? newPrice.priceId} (${money({ amount: newPrice.unitAmount, currency: newPrice.currency })}/${newPrice.interval})`
)

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
