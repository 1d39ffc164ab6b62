// Deterministic, realistic account data: catalogue, customers, cards, subscriptions in every
// status, discounts, invoices and charges, spread over ~2 years. Records no events or deliveries.
import type Stripe from 'stripe'
import {
  addInterval,
  buildCharge,
  buildInvoice,
  buildInvoicePayment,
  finalize,
  markPaid,
  periodEndFor,
  periodLines,
  subscriptionDiscounts,
} from './billing'
import { buildCardPaymentMethod, type CardSpec } from './cards'
import type { Emulator } from './emulator'
import { Random } from './random'
import { buildCoupon } from './resources/coupons'
import { buildCustomer } from './resources/customers'
import { buildPrice, type PriceInput } from './resources/prices'
import { buildProduct } from './resources/products'
import { buildDiscount, insertSubscription } from './resources/subscriptions'
import type { AccountState } from './state'

export type SeedOptions = {
  customers: number
  /** Same seed, same data (default 1). */
  seed?: number
}

export type SeedResult = {
  customers: number
  subscriptions: number
  subscriptionItems: number
  invoices: number
  charges: number
  products: number
  prices: number
  coupons: number
  ms: number
}

const DAY = 86_400

const STATUSES: readonly (readonly [Stripe.Subscription.Status, number])[] = [
  ['active', 55],
  ['trialing', 9],
  ['past_due', 7],
  ['canceled', 13],
  ['unpaid', 3],
  ['paused', 4],
  ['incomplete', 4],
  ['incomplete_expired', 5],
]

const PLACES = [
  {
    country: 'US',
    city: 'San Francisco',
    state: 'CA',
    postal: '94103',
    currency: 'usd',
    locale: 'en-US',
  },
  { country: 'US', city: 'Austin', state: 'TX', postal: '78701', currency: 'usd', locale: 'en-US' },
  {
    country: 'CA',
    city: 'Toronto',
    state: 'ON',
    postal: 'M5V 2T6',
    currency: 'usd',
    locale: 'en-CA',
  },
  {
    country: 'GB',
    city: 'London',
    state: null,
    postal: 'EC1A 1BB',
    currency: 'gbp',
    locale: 'en-GB',
  },
  { country: 'DE', city: 'Berlin', state: null, postal: '10115', currency: 'eur', locale: 'de-DE' },
  { country: 'FR', city: 'Lyon', state: null, postal: '69001', currency: 'eur', locale: 'fr-FR' },
  {
    country: 'NL',
    city: 'Amsterdam',
    state: null,
    postal: '1012 JS',
    currency: 'eur',
    locale: 'nl-NL',
  },
  {
    country: 'JP',
    city: 'Tokyo',
    state: null,
    postal: '100-0001',
    currency: 'jpy',
    locale: 'ja-JP',
  },
  { country: 'AU', city: 'Sydney', state: 'NSW', postal: '2000', currency: 'usd', locale: 'en-AU' },
  {
    country: 'BR',
    city: 'São Paulo',
    state: 'SP',
    postal: '01000-000',
    currency: 'usd',
    locale: 'pt-BR',
  },
] as const

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Hedy',
  'Tim',
  'Radia',
  'Guido',
  'Sophie',
  'Yukihiro',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Lamarr',
  'Berners-Lee',
  'Perlman',
  'van Rossum',
  'Wilson',
  'Matsumoto',
]
const CARDS: readonly (readonly [Omit<CardSpec, 'expMonth' | 'expYear'>, number])[] = [
  [{ brand: 'visa', last4: '4242', country: 'US', funding: 'credit' }, 40],
  [{ brand: 'mastercard', last4: '4444', country: 'US', funding: 'credit' }, 20],
  [{ brand: 'amex', last4: '8431', country: 'US', funding: 'credit' }, 10],
  [{ brand: 'visa', last4: '0003', country: 'GB', funding: 'debit' }, 8],
  [{ brand: 'visa', last4: '0016', country: 'DE', funding: 'credit' }, 7],
  [{ brand: 'discover', last4: '1117', country: 'US', funding: 'credit' }, 5],
  [{ brand: 'jcb', last4: '0505', country: 'JP', funding: 'credit' }, 4],
  [{ brand: 'unionpay', last4: '0005', country: 'CN', funding: 'debit' }, 3],
  [{ brand: 'mastercard', last4: '5100', country: 'BR', funding: 'prepaid' }, 3],
]
const FEEDBACK = [
  'too_expensive',
  'missing_features',
  'switched_service',
  'unused',
  'customer_service',
  'too_complex',
  'low_quality',
  'other',
] as const

type Catalogue = {
  /** Single-item plan prices by currency. */
  plans: Map<string, Stripe.Price[]>
  /** Monthly USD add-ons for multi-item subscriptions (more than 10). */
  addOns: Stripe.Price[]
  metered: Stripe.Price
  tiered: Stripe.Price[]
  archived: Stripe.Price
  coupons: Stripe.Coupon[]
}

export function seedAccount(_em: Emulator, state: AccountState, options: SeedOptions): SeedResult {
  const started = performance.now()
  const seed = options.seed ?? 1
  const rnd = new Random(seed)
  state.random = new Random(seed * 7919 + (state.livemode ? 1 : 0))
  const now = _em.now()
  const catalogueStart = now - 760 * DAY
  const cat = seedCatalogue(state, rnd, catalogueStart)
  let subs = 0
  let items = 0
  const counts = { invoices: state.invoices.size, charges: state.charges.size }
  for (let i = 0; i < options.customers; i++) {
    const created = now - Math.floor(rnd.next() * 730 * DAY) - 3600
    // Every 997th customer is a US one with a wide subscription (more items than a page), so
    // those exist whatever the dice say (the random stream shifts with the clock).
    const wide = i % 997 === 5
    const picked = rnd.pick(PLACES)
    const place = wide ? (PLACES.find((p) => p.currency === 'usd') ?? picked) : picked
    const first = rnd.pick(FIRST)
    const last = rnd.pick(LAST)
    const customer = buildCustomer(state, {
      created,
      email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}.${i}@example.com`,
      name: `${first} ${last}`,
      phone: rnd.chance(0.4) ? `+1555${String(rnd.int(1000000, 9999999))}` : null,
      address: {
        city: place.city,
        country: place.country,
        line1: `${rnd.int(1, 999)} Market Street`,
        line2: rnd.chance(0.2) ? `Suite ${rnd.int(100, 900)}` : null,
        postal_code: place.postal,
        state: place.state,
      },
      metadata: rnd.chance(0.3)
        ? { crm_id: `crm_${i}`, segment: rnd.pick(['smb', 'mid', 'ent']) }
        : {},
      preferredLocales: [place.locale],
      currency: place.currency,
    })
    state.customers.insert(customer)
    let pm: Stripe.PaymentMethod | null = null
    if (rnd.chance(0.88)) {
      const cards = rnd.chance(0.15) ? 2 : 1
      for (let c = 0; c < cards; c++) {
        const spec = rnd.weighted(CARDS)
        const wallet = rnd.weighted([
          [null, 75],
          ['apple_pay', 12],
          ['google_pay', 8],
          ['link', 5],
        ] as const)
        const card = buildCardPaymentMethod(
          state,
          {
            ...spec,
            expMonth: rnd.int(1, 12),
            expYear: new Date(now * 1000).getUTCFullYear() + rnd.int(-1, 5),
            wallet,
          },
          created + c * 60,
          customer.id,
          { name: customer.name ?? null, email: customer.email, address: customer.address ?? null }
        )
        state.paymentMethods.insert(card)
        pm = pm ?? card
      }
      customer.invoice_settings.default_payment_method = pm?.id ?? null
    }
    if (!rnd.chance(0.82) && !wide) continue
    const subCount = rnd.chance(0.08) ? 2 : 1
    for (let s = 0; s < subCount; s++) {
      const sub = seedSubscription(state, rnd, cat, customer, pm, i, now)
      subs++
      items += sub.items.data.length
    }
  }
  return {
    customers: options.customers,
    subscriptions: subs,
    subscriptionItems: items,
    invoices: state.invoices.size - counts.invoices,
    charges: state.charges.size - counts.charges,
    products: state.products.size,
    prices: state.prices.size,
    coupons: state.coupons.size,
    ms: Math.round(performance.now() - started),
  }
}

function seedCatalogue(state: AccountState, rnd: Random, at: number): Catalogue {
  const product = (name: string, active = true) => {
    const p = buildProduct(state, {
      name,
      created: at + rnd.int(0, 20) * DAY,
      active,
      metadata: { tier: name.toLowerCase() },
    })
    state.products.insert(p)
    return p
  }
  const price = (input: Omit<PriceInput, 'created'>) => {
    const p = buildPrice(state, { ...input, created: at + rnd.int(20, 40) * DAY })
    state.prices.insert(p)
    return p
  }
  const starter = product('Starter')
  const pro = product('Pro')
  const business = product('Business')
  const enterprise = product('Enterprise seats')
  const usage = product('API usage')
  const legacy = product('Legacy Basic', false)
  const monthly = { interval: 'month' as const }
  const plans = new Map<string, Stripe.Price[]>()
  const add = (currency: string, p: Stripe.Price) =>
    plans.set(currency, [...(plans.get(currency) ?? []), p])
  add(
    'usd',
    price({
      product: starter.id,
      currency: 'usd',
      unitAmount: 900,
      recurring: monthly,
      lookupKey: 'starter_monthly',
      nickname: 'Starter monthly',
    })
  )
  add(
    'usd',
    price({
      product: starter.id,
      currency: 'usd',
      unitAmount: 9000,
      recurring: { interval: 'year' },
      nickname: 'Starter yearly',
    })
  )
  add(
    'usd',
    price({
      product: pro.id,
      currency: 'usd',
      unitAmount: 2900,
      recurring: monthly,
      lookupKey: 'pro_monthly',
      nickname: 'Pro monthly',
    })
  )
  add(
    'usd',
    price({
      product: pro.id,
      currency: 'usd',
      unitAmount: 29000,
      recurring: { interval: 'year' },
      nickname: 'Pro yearly',
    })
  )
  add(
    'usd',
    price({
      product: pro.id,
      currency: 'usd',
      unitAmount: 800,
      recurring: { interval: 'week' },
      nickname: 'Pro weekly',
    })
  )
  add(
    'usd',
    price({
      product: pro.id,
      currency: 'usd',
      unitAmount: 7900,
      recurring: { interval: 'month', intervalCount: 3 },
      nickname: 'Pro quarterly',
    })
  )
  add(
    'usd',
    price({
      product: business.id,
      currency: 'usd',
      unitAmount: 9900,
      recurring: monthly,
      nickname: 'Business monthly',
    })
  )
  add(
    'usd',
    price({
      product: business.id,
      currency: 'usd',
      unitAmount: 54000,
      recurring: { interval: 'month', intervalCount: 6 },
      nickname: 'Business semiannual',
    })
  )
  add('eur', price({ product: starter.id, currency: 'eur', unitAmount: 900, recurring: monthly }))
  add('eur', price({ product: pro.id, currency: 'eur', unitAmount: 2700, recurring: monthly }))
  add(
    'eur',
    price({ product: pro.id, currency: 'eur', unitAmount: 27000, recurring: { interval: 'year' } })
  )
  add('gbp', price({ product: starter.id, currency: 'gbp', unitAmount: 800, recurring: monthly }))
  add('gbp', price({ product: pro.id, currency: 'gbp', unitAmount: 2400, recurring: monthly }))
  add('jpy', price({ product: pro.id, currency: 'jpy', unitAmount: 3500, recurring: monthly }))
  add('jpy', price({ product: starter.id, currency: 'jpy', unitAmount: 1200, recurring: monthly }))
  const tiered = [
    price({
      product: enterprise.id,
      currency: 'usd',
      recurring: monthly,
      tiersMode: 'graduated',
      tiers: [
        { upTo: 10, unitAmount: 5000, flatAmount: null },
        { upTo: 50, unitAmount: 4000, flatAmount: null },
        { upTo: null, unitAmount: 3000, flatAmount: 10000 },
      ],
      nickname: 'Enterprise graduated',
    }),
    price({
      product: enterprise.id,
      currency: 'usd',
      recurring: { interval: 'year' },
      tiersMode: 'volume',
      tiers: [
        { upTo: 20, unitAmount: 45000, flatAmount: null },
        { upTo: null, unitAmount: 36000, flatAmount: null },
      ],
      nickname: 'Enterprise volume yearly',
    }),
  ]
  const metered = price({
    product: usage.id,
    currency: 'usd',
    unitAmount: 2,
    recurring: { interval: 'month', usageType: 'metered' },
    nickname: 'API calls',
  })
  const archived = price({
    product: legacy.id,
    currency: 'usd',
    unitAmount: 500,
    recurring: monthly,
    nickname: 'Legacy basic',
    active: false,
  })
  const addOns: Stripe.Price[] = []
  for (let i = 1; i <= 16; i++) {
    const p = product(`Add-on ${i}`)
    addOns.push(price({ product: p.id, currency: 'usd', unitAmount: 100 * i, recurring: monthly }))
  }
  const coupon = (input: Parameters<typeof buildCoupon>[1]) => {
    const c = buildCoupon(state, input)
    state.coupons.insert(c)
    return c
  }
  const coupons = [
    coupon({ created: at, percentOff: 20, duration: 'forever', name: '20% forever' }),
    coupon({ created: at, percentOff: 50, duration: 'once', name: 'Half off first month' }),
    coupon({
      created: at,
      percentOff: 25,
      duration: 'repeating',
      durationInMonths: 3,
      name: '25% for 3 months',
    }),
    coupon({ created: at, amountOff: 1000, currency: 'usd', duration: 'forever', name: '$10 off' }),
    coupon({ created: at, amountOff: 500, currency: 'usd', duration: 'once', name: '$5 welcome' }),
    coupon({
      created: at,
      percentOff: 100,
      duration: 'repeating',
      durationInMonths: 1,
      name: 'Free month',
      metadata: { holdfast_action: 'seed' },
    }),
    coupon({
      created: at,
      amountOff: 300,
      currency: 'eur',
      duration: 'repeating',
      durationInMonths: 6,
      name: '€3 off',
    }),
  ]
  return { plans, addOns, metered, tiered, archived, coupons }
}

function seedSubscription(
  state: AccountState,
  rnd: Random,
  cat: Catalogue,
  customer: Stripe.Customer,
  pm: Stripe.PaymentMethod | null,
  index: number,
  now: number
): Stripe.Subscription {
  const status = rnd.weighted(STATUSES)
  const currency = customer.currency ?? 'usd'
  const plans = cat.plans.get(currency) ?? (cat.plans.get('usd') as Stripe.Price[])
  let chosen: { price: Stripe.Price; quantity: number }[]
  const shape = rnd.next()
  if (currency === 'usd' && index % 997 === 5) {
    // A few wide subscriptions: more items than one page of an embedded list.
    const n = 11 + (index % 5)
    chosen = [
      { price: cat.tiered[0] as Stripe.Price, quantity: rnd.int(5, 80) },
      ...cat.addOns.slice(0, n - 1).map((price) => ({ price, quantity: rnd.int(1, 5) })),
    ]
  } else if (currency === 'usd' && shape < 0.05) {
    chosen = [{ price: cat.archived, quantity: 1 }]
  } else if (currency === 'usd' && shape < 0.1) {
    chosen = [{ price: rnd.pick(cat.tiered), quantity: rnd.int(1, 120) }]
  } else if (currency === 'usd' && shape < 0.2) {
    const main = plans[rnd.int(0, 1) * 2] as Stripe.Price // a monthly plan
    chosen = [
      { price: main, quantity: 1 },
      { price: cat.metered, quantity: 1 },
    ]
    if (rnd.chance(0.5)) chosen.push({ price: rnd.pick(cat.addOns), quantity: rnd.int(1, 10) })
  } else {
    chosen = [{ price: rnd.pick(plans), quantity: rnd.chance(0.2) ? rnd.int(2, 25) : 1 }]
  }
  const interval = chosen[0]?.price.recurring
  const created = Math.min(now - 3600, customer.created + rnd.int(0, 30) * DAY)
  let periodStart = created
  if (interval && !['incomplete', 'incomplete_expired'].includes(status)) {
    const cap =
      status === 'canceled'
        ? created + rnd.int(1, Math.max(1, Math.floor((now - created) / DAY))) * DAY
        : now
    for (let k = 0; k < 800; k++) {
      const next = addInterval(periodStart, interval.interval, interval.interval_count)
      if (next > cap) break
      periodStart = next
    }
  }
  const trialing = status === 'trialing'
  const trialStart = trialing ? now - rnd.int(1, 10) * DAY : null
  const trialEnd = trialing ? now + rnd.int(1, 14) * DAY : null
  const effectiveCreated = trialing
    ? (trialStart as number)
    : status === 'incomplete'
      ? now - rnd.int(60, 20 * 3600)
      : created
  const sub = insertSubscription(state, {
    customer,
    items: chosen.map((c) => ({ ...c, metadata: {} })),
    created: effectiveCreated,
    status,
    periodStart: status === 'incomplete' ? effectiveCreated : periodStart,
    trialStart,
    trialEnd,
    defaultPaymentMethod: pm && rnd.chance(0.3) ? pm.id : null,
    metadata: rnd.chance(0.25)
      ? { plan_source: rnd.pick(['web', 'sales', 'partner']), seat_owner: `user_${index}` }
      : {},
  })
  if (rnd.chance(0.15)) {
    const usable = cat.coupons.filter((c) => !c.currency || c.currency === currency)
    const coupon = rnd.pick(usable)
    const discount = buildDiscount(state, {
      coupon,
      customer: customer.id,
      subscription: sub.id,
      start: sub.created,
    })
    state.discounts.insert(discount)
    coupon.times_redeemed++
    sub.discounts = [discount.id]
  }
  switch (status) {
    case 'active':
      if (rnd.chance(0.08)) {
        sub.cancel_at_period_end = true
        sub.cancel_at = Math.min(...sub.items.data.map((i) => i.current_period_end))
        sub.cancellation_details = {
          comment: null,
          feedback: rnd.pick(FEEDBACK),
          feedback_option: null,
          reason: 'cancellation_requested',
        }
      } else if (rnd.chance(0.04)) {
        sub.pause_collection = {
          behavior: rnd.pick(['void', 'keep_as_draft', 'mark_uncollectible'] as const),
          resumes_at: rnd.chance(0.5) ? now + rnd.int(5, 60) * DAY : null,
        }
      }
      break
    case 'canceled': {
      const end = Math.min(...sub.items.data.map((i) => i.current_period_end))
      sub.canceled_at = Math.min(now - 60, end)
      sub.ended_at = sub.canceled_at
      sub.cancellation_details = {
        comment: rnd.chance(0.3) ? 'Moving to another tool' : null,
        feedback: rnd.chance(0.7) ? rnd.pick(FEEDBACK) : null,
        feedback_option: null,
        reason: rnd.chance(0.75) ? 'cancellation_requested' : 'payment_failed',
      }
      break
    }
    case 'paused':
      sub.status_details = {
        paused: {
          subscription: { type: 'pause_requested' },
          transitioned_at: periodStart,
          type: 'subscription',
        },
      } as unknown as Stripe.Subscription.StatusDetails
      break
    case 'incomplete_expired':
      sub.ended_at = created + DAY
      break
  }
  seedInvoices(state, rnd, sub, customer, pm, status, now)
  return sub
}

function seedInvoices(
  state: AccountState,
  rnd: Random,
  sub: Stripe.Subscription,
  customer: Stripe.Customer,
  pm: Stripe.PaymentMethod | null,
  status: Stripe.Subscription.Status,
  now: number
): void {
  const firstItem = sub.items.data[0] as Stripe.SubscriptionItem
  const current = firstItem.current_period_start
  const periods: number[] = [current]
  if (
    !['trialing', 'incomplete', 'incomplete_expired'].includes(status) &&
    sub.created < current &&
    rnd.chance(0.6)
  ) {
    const prev = current - (periodEndFor(firstItem.price, current) - current)
    if (prev >= sub.created) periods.unshift(prev)
  }
  const lastIndex = periods.length - 1
  periods.forEach((start, i) => {
    const latest = i === lastIndex
    const invoice = buildInvoice(state, {
      customer,
      subscription: sub,
      lines: periodLines(state, sub, start).map((l) =>
        status === 'trialing' ? { ...l, amount: 0 } : l
      ),
      created: start,
      billingReason:
        i === 0 && start === sub.created ? 'subscription_create' : 'subscription_cycle',
      periodStart: start,
      periodEnd: start,
      discounts: subscriptionDiscounts(state, sub),
      currency: sub.currency,
    })
    state.invoices.insert(invoice)
    finalize(state, invoice, start)
    if (latest) sub.latest_invoice = invoice.id
    const fails =
      latest && ['past_due', 'unpaid', 'incomplete', 'incomplete_expired'].includes(status)
    if (invoice.amount_due === 0) {
      markPaid(invoice, start)
      return
    }
    if (fails && !pm) {
      invoice.attempt_count = 1
      invoice.attempted = true
    } else {
      const charge = buildCharge(state, {
        amount: invoice.amount_due,
        currency: invoice.currency,
        customer: customer.id,
        paymentMethod: pm,
        created: start + 60,
        succeeded: !fails,
        description: 'Subscription update',
      })
      state.charges.insert(charge)
      state.invoicePayments.insert(buildInvoicePayment(state, invoice, charge, start + 60))
      invoice.attempt_count = fails ? rnd.int(1, 4) : 1
      invoice.attempted = true
      if (!fails) {
        markPaid(invoice, start + 60)
        if (rnd.chance(0.03)) {
          charge.amount_refunded = rnd.chance(0.5) ? charge.amount : Math.floor(charge.amount / 2)
          charge.refunded = charge.amount_refunded === charge.amount
        }
      }
    }
    if (fails) {
      if (status === 'incomplete_expired') {
        invoice.status = 'void'
        invoice.status_transitions.voided_at = start + DAY
      } else {
        invoice.next_payment_attempt = status === 'unpaid' ? null : now + rnd.int(1, 5) * DAY
        customer.delinquent = true
      }
    }
  })
}
