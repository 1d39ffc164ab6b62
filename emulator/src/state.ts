// Everything one account holds in one mode. Test and live state of an account are separate objects.
import type Stripe from 'stripe'
import { Collection } from './collection'
import type { LineInput } from './billing'
import type { Random } from './random'

export type Mode = 'test' | 'live'

export type StoredIdempotency = {
  method: string
  path: string
  fingerprint: string
  status: number
  body: string
  createdAt: number
  requestId: string
}

export class AccountState {
  readonly customers = new Collection<Stripe.Customer>()
  readonly deletedCustomers = new Set<string>()
  readonly products = new Collection<Stripe.Product>()
  readonly prices = new Collection<Stripe.Price>()
  /** Tiers are only returned when expanded, so they live beside the price. */
  readonly priceTiers = new Map<string, Stripe.Price.Tier[]>()
  readonly coupons = new Collection<Stripe.Coupon>()
  readonly promotionCodes = new Collection<Stripe.PromotionCode>()
  readonly discounts = new Collection<Stripe.Discount>((d) => d.start)
  readonly subscriptions = new Collection<Stripe.Subscription>().defineIndex('customer', (s) =>
    String(s.customer)
  )
  readonly subscriptionItems = new Collection<Stripe.SubscriptionItem>().defineIndex(
    'subscription',
    (i) => i.subscription
  )
  readonly invoices = new Collection<Stripe.Invoice>()
    .defineIndex('customer', (i) => String(i.customer))
    .defineIndex('subscription', (i) => {
      const sub = i.parent?.subscription_details?.subscription
      return sub ? String(typeof sub === 'string' ? sub : sub.id) : null
    })
  readonly invoicePayments = new Collection<Stripe.InvoicePayment>().defineIndex('invoice', (p) =>
    String(p.invoice)
  )
  readonly charges = new Collection<Stripe.Charge>().defineIndex('customer', (c) =>
    c.customer ? String(c.customer) : null
  )
  readonly paymentMethods = new Collection<Stripe.PaymentMethod>().defineIndex('customer', (p) =>
    p.customer ? String(p.customer) : null
  )
  readonly events = new Collection<Stripe.Event>()
  readonly webhookEndpoints = new Collection<Stripe.WebhookEndpoint>()
  readonly webhookSecrets = new Map<string, string>()
  /** Endpoints created with `connect: true` (the flag is not part of the returned object). */
  readonly connectEndpoints = new Set<string>()
  readonly idempotency = new Map<string, StoredIdempotency>()
  /**
   * What each request that carried an Idempotency-Key sent ([method, path, params] as JSON), GET
   * and DELETE included though Stripe ignores their keys: tests read what a call sent by its key.
   */
  readonly sentWithKey = new Map<string, string>()
  /** Prorations waiting for the subscription's next invoice (`create_prorations`). */
  readonly pendingLines = new Map<string, LineInput[]>()
  /** Subscriptions whose `trial_will_end` was already sent. */
  readonly trialWillEndSent = new Set<string>()
  /** Payment methods that decline every charge (e.g. created from `pm_card_chargeDeclined`). */
  readonly decliningPaymentMethods = new Set<string>()

  constructor(
    readonly accountId: string,
    readonly mode: Mode,
    readonly isPlatform: boolean,
    public random: Random
  ) {}

  get livemode(): boolean {
    return this.mode === 'live'
  }

  id(prefix: string, length = 24): string {
    return this.random.id(prefix, length)
  }

  customer(id: string): Stripe.Customer | undefined {
    return this.customers.get(id)
  }
}
