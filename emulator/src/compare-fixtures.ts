// Dev script: compares the emulator's objects with Stripe's published example objects.
// Usage (from the repo root): npx tsx emulator/src/compare-fixtures.ts path/to/fixtures3.json
// (fixtures3.json is `openapi/fixtures3.json` of github.com/stripe/openapi; it is not kept in this repo).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Emulator } from './emulator'
import { encodeForm } from './form'

type Json = null | string | number | boolean | Json[] | { [k: string]: Json }
type Diff = { missing: string[]; extra: string[]; mistyped: string[]; skipped: string[] }

if (!process.argv[2]) {
  console.error('usage: npx tsx emulator/src/compare-fixtures.ts path/to/fixtures3.json')
  process.exit(2)
}
const path = resolve(process.argv[2])
const fixtures = (JSON.parse(readFileSync(path, 'utf8')) as { resources: Record<string, Json> })
  .resources

const em = new Emulator({ rateLimits: false })
const account = em.platform.id
const key = em.platform.keys.test.secret
em.seed(account, 'test', { customers: 300, seed: 2 })

async function call(
  method: string,
  url: string,
  params: Record<string, unknown> = {}
): Promise<Json> {
  const body = method === 'POST' ? encodeForm(params) : undefined
  const query = method !== 'POST' && Object.keys(params).length ? `?${encodeForm(params)}` : ''
  const res = await em.app.request(`${url}${query}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  })
  const json = (await res.json()) as Json
  if (res.status >= 400) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`)
  return json
}

function obj(v: Json | undefined): { [k: string]: Json } {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error(`not an object: ${JSON.stringify(v)}`)
  return v
}

function typeOf(v: Json | undefined): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

function compare(fixture: Json, ours: Json, at: string, diff: Diff): void {
  const ft = typeOf(fixture)
  const ot = typeOf(ours)
  if (ft === 'null' || ot === 'null') return // nullable: the example and ours may differ in presence of a value
  if (ft !== ot) {
    diff.mistyped.push(`${at || '.'}: fixture ${ft}, emulator ${ot}`)
    return
  }
  if (ft === 'array') {
    const f = (fixture as Json[])[0]
    const o = (ours as Json[])[0]
    if (f !== undefined && o !== undefined) compare(f, o, `${at}[0]`, diff)
    return
  }
  if (ft !== 'object') return
  const f = fixture as { [k: string]: Json }
  const o = ours as { [k: string]: Json }
  if (at.endsWith('metadata')) return // free-form keys
  if (typeof f.object === 'string' && typeof o.object === 'string' && f.object !== o.object) {
    diff.skipped.push(`${at || '.'}: fixture is a ${f.object}, emulator a ${o.object}`)
    return
  }
  for (const k of Object.keys(f)) {
    const p = at ? `${at}.${k}` : k
    if (!(k in o)) diff.missing.push(p)
    else compare(f[k] as Json, o[k] as Json, p, diff)
  }
  for (const k of Object.keys(o)) if (!(k in f)) diff.extra.push(at ? `${at}.${k}` : k)
}

async function collect(): Promise<Record<string, Json>> {
  const state = em.account(account, 'test')
  const subs = Array.from(state.subscriptions.values())
  const sub = subs.find((s) => s.status === 'active' && s.discounts.length > 0) ?? subs[0]
  if (!sub) throw new Error('no subscription seeded')
  const charge = Array.from(state.charges.values()).find(
    (c) => c.status === 'succeeded' && c.amount_refunded === 0
  )
  const out: Record<string, Json> = {}
  const customer = obj(await call('GET', `/v1/customers/${String(sub.customer)}`))
  out.customer = customer
  const subscription = obj(
    await call('GET', `/v1/subscriptions/${sub.id}`, { expand: ['discounts'] })
  )
  const discounts = subscription.discounts as Json[]
  out.discount = discounts[0] ?? null
  out.subscription = obj(await call('GET', `/v1/subscriptions/${sub.id}`))
  const itemId = sub.items.data[0]?.id ?? ''
  const item = obj(await call('GET', `/v1/subscription_items/${itemId}`))
  out.subscription_item = item
  out.plan = item.plan as Json
  out.price = await call('GET', `/v1/prices/${sub.items.data[0]?.price.id ?? ''}`)
  out.product = await call('GET', `/v1/products/${String(sub.items.data[0]?.price.product)}`)
  const couponId = Array.from(state.coupons.values())[0]?.id ?? ''
  out.coupon = await call('GET', `/v1/coupons/${couponId}`)
  out.promotion_code = await call('POST', '/v1/promotion_codes', {
    promotion: { type: 'coupon', coupon: couponId },
    code: 'FALL20',
  })
  const paidInvoice = Array.from(state.invoicePayments.values())[0]?.invoice ?? sub.latest_invoice
  const invoice = obj(await call('GET', `/v1/invoices/${String(paidInvoice)}`))
  out.invoice = invoice
  out.line_item = (obj(invoice.lines).data as Json[])[0] ?? null
  const payments = obj(await call('GET', '/v1/invoice_payments', { invoice: invoice.id }))
  out.invoice_payment = (payments.data as Json[])[0] ?? null
  out.charge = await call('GET', `/v1/charges/${charge?.id ?? ''}`)
  out.refund = await call('POST', '/v1/refunds', { charge: charge?.id, amount: 100 })
  const pmId = Array.from(state.paymentMethods.values())[0]?.id ?? ''
  out.payment_method = await call('GET', `/v1/payment_methods/${pmId}`)
  const endpoint = obj(
    await call('POST', '/v1/webhook_endpoints', {
      url: 'https://example.com/hook',
      enabled_events: ['*'],
    })
  )
  out.webhook_endpoint = endpoint
  const product = obj(await call('POST', '/v1/products', { name: 'Temporary' }))
  const events = obj(await call('GET', '/v1/events', { limit: 1 }))
  out.event = (events.data as Json[])[0] ?? null
  out.deleted_product = await call('DELETE', `/v1/products/${String(product.id)}`)
  const coupon = obj(await call('POST', '/v1/coupons', { percent_off: 5, duration: 'once' }))
  out.deleted_coupon = await call('DELETE', `/v1/coupons/${String(coupon.id)}`)
  out.deleted_webhook_endpoint = await call(
    'DELETE',
    `/v1/webhook_endpoints/${String(endpoint.id)}`
  )
  out.deleted_discount = await call('DELETE', `/v1/subscriptions/${sub.id}/discount`)
  const merchant = em.createAccount()
  em.authorize({
    accountId: merchant.id,
    mode: 'test',
    redirectUri: 'https://example.com/cb',
    state: 's',
  })
  em.uninstall(merchant.id, 'test')
  const deauth = Array.from(em.account(merchant.id, 'test').events.values()).find(
    (e) => e.type === 'account.application.deauthorized'
  )
  out.application = (deauth?.data.object ?? null) as Json
  out.deleted_customer = await call('DELETE', `/v1/customers/${String(customer.id)}`)
  return out
}

const ours = await collect()
let totals = { resources: 0, missing: 0, extra: 0, mistyped: 0 }
for (const [name, object] of Object.entries(ours)) {
  const fixture = fixtures[name]
  if (fixture === undefined) {
    console.log(`${name}: no fixture`)
    continue
  }
  if (object === null) {
    console.log(`${name}: emulator produced no object`)
    continue
  }
  const diff: Diff = { missing: [], extra: [], mistyped: [], skipped: [] }
  compare(fixture, object, '', diff)
  totals = {
    resources: totals.resources + 1,
    missing: totals.missing + diff.missing.length,
    extra: totals.extra + diff.extra.length,
    mistyped: totals.mistyped + diff.mistyped.length,
  }
  const clean = diff.missing.length + diff.extra.length + diff.mistyped.length === 0
  console.log(`${name}: ${clean ? 'ok' : ''}`)
  if (diff.missing.length) console.log(`  missing:  ${diff.missing.join(', ')}`)
  if (diff.extra.length) console.log(`  extra:    ${diff.extra.join(', ')}`)
  if (diff.mistyped.length) console.log(`  mistyped: ${diff.mistyped.join('; ')}`)
  if (diff.skipped.length) console.log(`  skipped:  ${diff.skipped.join('; ')}`)
}
console.log(
  `\n${totals.resources} resources checked: ${totals.missing} missing, ${totals.extra} extra, ${totals.mistyped} mistyped`
)
