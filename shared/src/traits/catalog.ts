// The trait catalog: every trait a segment rule can test, with its type and where it comes from.
// Traits are stored flat (`{ 'subscription.status': 'active', 'mrr.usd': 4900 }`), see
// compute-traits.ts. Dates are unix seconds; money is minor units, with the currency in the key
// (`mrr.usd`) or in a sibling trait (`payment.last_currency`).
import { z } from 'zod'

export const TraitType = z.enum(['string', 'number', 'boolean', 'date', 'money', 'enum'])
export type TraitType = z.infer<typeof TraitType>

export const TraitGroup = z.enum([
  'Customer',
  'Subscription',
  'Billing',
  'Card',
  'Location',
  'Metadata',
  'Activity',
])
export type TraitGroup = z.infer<typeof TraitGroup>

export type TraitDefinition = {
  key: string
  label: string
  type: TraitType
  description: string
  /** Which Stripe field(s) or computation the value comes from. */
  source: string
  group: TraitGroup
  /** Known values of an enum trait (Stripe's enums are open, so others may appear). */
  values?: readonly string[]
  /** For money traits: the trait holding the currency, when the key does not carry it. */
  currencyTrait?: string
}

/** A stored trait value. Absent and null mean the same: "no value". */
export type TraitValue = string | number | boolean | null
export type Traits = Record<string, TraitValue>

export const SUBSCRIPTION_STATUSES = [
  'active',
  'past_due',
  'trialing',
  'incomplete',
  'incomplete_expired',
  'unpaid',
  'canceled',
  'paused',
] as const

export const RECURRING_INTERVALS = ['day', 'week', 'month', 'year'] as const

const def = (
  key: string,
  type: TraitType,
  group: TraitGroup,
  label: string,
  description: string,
  source: string,
  extra: Partial<TraitDefinition> = {}
): TraitDefinition => ({ key, label, type, description, source, group, ...extra })

const SUB = 'the subscription (see chooseSubscription)'

export const TRAIT_CATALOG: readonly TraitDefinition[] = [
  def('customer.id', 'string', 'Customer', 'Customer ID', 'Stripe customer id', 'customer.id'),
  def('customer.email', 'string', 'Customer', 'Email', 'Email address', 'customer.email'),
  def('customer.name', 'string', 'Customer', 'Name', 'Customer name', 'customer.name'),
  def('customer.phone', 'string', 'Customer', 'Phone', 'Phone number', 'customer.phone'),
  def(
    'customer.description',
    'string',
    'Customer',
    'Description',
    'Free-text description in Stripe',
    'customer.description'
  ),
  def(
    'customer.created',
    'date',
    'Customer',
    'Customer since',
    'When the customer was created',
    'customer.created'
  ),
  def(
    'address.line1',
    'string',
    'Location',
    'Address line 1',
    'Billing address line 1',
    'customer.address.line1'
  ),
  def(
    'address.line2',
    'string',
    'Location',
    'Address line 2',
    'Billing address line 2',
    'customer.address.line2'
  ),
  def(
    'address.city',
    'string',
    'Location',
    'City',
    'Billing address city',
    'customer.address.city'
  ),
  def(
    'address.state',
    'string',
    'Location',
    'State',
    'Billing address state or region',
    'customer.address.state'
  ),
  def(
    'address.postal_code',
    'string',
    'Location',
    'Postal code',
    'Billing address postal code',
    'customer.address.postal_code'
  ),
  def(
    'address.country',
    'string',
    'Location',
    'Country',
    'Billing address country (ISO 3166-1 alpha-2)',
    'customer.address.country'
  ),
  def(
    'customer.delinquent',
    'boolean',
    'Billing',
    'Delinquent',
    "Stripe's delinquent flag: an automatic payment failed or an invoice passed its due date",
    'customer.delinquent'
  ),
  def(
    'payment.last_amount',
    'money',
    'Billing',
    'Last amount paid',
    'Amount of the latest successful payment',
    'latest succeeded charge, or invoice paid outside Stripe',
    { currencyTrait: 'payment.last_currency' }
  ),
  def(
    'payment.last_currency',
    'string',
    'Billing',
    'Last payment currency',
    'Currency of the latest payment',
    'charge.currency'
  ),
  def(
    'payment.last_at',
    'date',
    'Billing',
    'Last payment date',
    'When the latest successful payment was made',
    'charge.created / invoice.status_transitions.paid_at'
  ),
  def(
    'payment.last_description',
    'string',
    'Billing',
    'Last payment description',
    'Description of the latest payment',
    'charge.description / invoice.description or number'
  ),
  def(
    'subscription.has_active',
    'boolean',
    'Subscription',
    'Has active subscription',
    'Any subscription is active, past_due or trialing',
    'subscriptions[].status'
  ),
  def(
    'subscription.count',
    'number',
    'Subscription',
    'Subscriptions',
    'Number of subscriptions synced, any status',
    'subscriptions'
  ),
  def(
    'subscription.id',
    'string',
    'Subscription',
    'Subscription ID',
    `Id of ${SUB}`,
    'subscription.id'
  ),
  def(
    'subscription.status',
    'enum',
    'Subscription',
    'Subscription status',
    `Status of ${SUB}`,
    'subscription.status',
    {
      values: SUBSCRIPTION_STATUSES,
    }
  ),
  def(
    'subscription.created',
    'date',
    'Subscription',
    'Subscription created',
    'When the subscription was created',
    'subscription.created'
  ),
  def(
    'subscription.age_days',
    'number',
    'Subscription',
    'Subscription age (days)',
    'Whole days since the subscription was created, as of the last computation',
    'now − subscription.created'
  ),
  def(
    'subscription.current_period_start',
    'date',
    'Subscription',
    'Current period start',
    'Start of the current period of the item that renews first',
    'subscription.items[].current_period_start'
  ),
  def(
    'subscription.current_period_end',
    'date',
    'Subscription',
    'Renewal date',
    'Earliest current_period_end over the items (items may renew at different times)',
    'min(subscription.items[].current_period_end)'
  ),
  def(
    'subscription.trial_start',
    'date',
    'Subscription',
    'Trial start',
    'Start of the trial',
    'subscription.trial_start'
  ),
  def(
    'subscription.trial_end',
    'date',
    'Subscription',
    'Trial end',
    'End of the trial',
    'subscription.trial_end'
  ),
  def(
    'subscription.trial_converted',
    'boolean',
    'Subscription',
    'Trial converted',
    'Null without a trial; false while trialing or when it ended within a day of the trial end; true once it became active/past_due or lived on after the trial',
    'subscription.status, trial_end, ended_at/canceled_at'
  ),
  def(
    'subscription.canceled_at',
    'date',
    'Subscription',
    'Canceled at',
    'When cancellation was requested',
    'subscription.canceled_at'
  ),
  def(
    'subscription.cancel_at_period_end',
    'boolean',
    'Subscription',
    'Cancels at period end',
    'The subscription will cancel at the end of the period',
    'subscription.cancel_at_period_end'
  ),
  def(
    'subscription.cancel_at',
    'date',
    'Subscription',
    'Cancels at',
    'Scheduled cancellation time',
    'subscription.cancel_at'
  ),
  def(
    'subscription.ended_at',
    'date',
    'Subscription',
    'Ended at',
    'When the subscription ended',
    'subscription.ended_at'
  ),
  def(
    'subscription.pause_collection',
    'enum',
    'Subscription',
    'Payment collection paused',
    'pause_collection behavior while collection is paused, else empty',
    'subscription.pause_collection.behavior',
    { values: ['keep_as_draft', 'mark_uncollectible', 'void'] }
  ),
  def(
    'subscription.currency',
    'string',
    'Subscription',
    'Currency',
    'Currency of the subscription',
    'subscription.currency'
  ),
  def(
    'subscription.mrr',
    'money',
    'Subscription',
    'Subscription MRR',
    'MRR of this subscription alone (0 when it does not count towards MRR)',
    'computeSubscriptionMrr',
    { currencyTrait: 'subscription.currency' }
  ),
  def(
    'subscription.item_count',
    'number',
    'Subscription',
    'Items',
    'Number of subscription items',
    'subscription.items'
  ),
  def(
    'subscription.price_id',
    'string',
    'Subscription',
    'Price ID',
    'Price of the primary item (first licensed recurring item, else the first item)',
    'item.price.id'
  ),
  def(
    'subscription.price_nickname',
    'string',
    'Subscription',
    'Price nickname',
    'Nickname of the primary price',
    'item.price.nickname'
  ),
  def(
    'subscription.product_id',
    'string',
    'Subscription',
    'Product ID',
    'Product of the primary price',
    'item.price.product'
  ),
  def(
    'subscription.product_name',
    'string',
    'Subscription',
    'Product name',
    'Name of the primary product',
    'product.name'
  ),
  def(
    'subscription.unit_amount',
    'money',
    'Subscription',
    'Unit amount',
    'Unit amount of the primary price in minor units (may have decimals; empty for tiered prices)',
    'price.unit_amount_decimal ?? price.unit_amount',
    { currencyTrait: 'subscription.currency' }
  ),
  def(
    'subscription.quantity',
    'number',
    'Subscription',
    'Quantity',
    'Quantity of the primary item',
    'item.quantity'
  ),
  def(
    'subscription.interval',
    'enum',
    'Subscription',
    'Billing interval',
    'Interval of the primary price',
    'price.recurring.interval',
    {
      values: RECURRING_INTERVALS,
    }
  ),
  def(
    'subscription.interval_count',
    'number',
    'Subscription',
    'Interval count',
    'Intervals between renewals of the primary price',
    'price.recurring.interval_count'
  ),
  def(
    'subscription.coupon_id',
    'string',
    'Subscription',
    'Active coupon',
    'Coupon of the first discount in force now (subscription discounts, then the primary item)',
    'discount.source.coupon'
  ),
  def(
    'subscription.coupon_name',
    'string',
    'Subscription',
    'Coupon name',
    'Name of the active coupon',
    'coupon.name'
  ),
  def(
    'subscription.coupon_percent_off',
    'number',
    'Subscription',
    'Coupon percent off',
    'Percent off of the active coupon',
    'coupon.percent_off'
  ),
  def(
    'subscription.coupon_amount_off',
    'money',
    'Subscription',
    'Coupon amount off',
    'Amount off of the active coupon, in its own currency',
    'coupon.amount_off',
    { currencyTrait: 'subscription.coupon_currency' }
  ),
  def(
    'subscription.coupon_currency',
    'string',
    'Subscription',
    'Coupon currency',
    'Currency of an amount-off coupon',
    'coupon.currency'
  ),
  def(
    'subscription.coupon_duration',
    'enum',
    'Subscription',
    'Coupon duration',
    'forever, once or repeating',
    'coupon.duration',
    {
      values: ['forever', 'once', 'repeating'],
    }
  ),
  def(
    'subscription.coupon_end',
    'date',
    'Subscription',
    'Coupon ends',
    'When the active discount ends (repeating coupons)',
    'discount.end'
  ),
  def(
    'card.brand',
    'string',
    'Card',
    'Card brand',
    'Brand of the default card (visa, mastercard, amex, …)',
    'payment_method.card.brand'
  ),
  def(
    'card.country',
    'string',
    'Card',
    'Card country',
    'Issuing country of the default card',
    'payment_method.card.country'
  ),
  def(
    'card.last4',
    'string',
    'Card',
    'Card last 4',
    'Last four digits of the default card',
    'payment_method.card.last4'
  ),
  def(
    'card.exp_month',
    'number',
    'Card',
    'Card expiry month',
    'Expiry month (1–12)',
    'payment_method.card.exp_month'
  ),
  def(
    'card.exp_year',
    'number',
    'Card',
    'Card expiry year',
    'Expiry year',
    'payment_method.card.exp_year'
  ),
  def(
    'card.expires_at',
    'date',
    'Card',
    'Card expires',
    'First moment the card is no longer valid: 00:00 UTC on the 1st of the month after its expiry month',
    'payment_method.card.exp_month/exp_year'
  ),
  def(
    'card.wallet',
    'enum',
    'Card',
    'Wallet',
    'Wallet type of the default card, if any',
    'payment_method.card.wallet.type',
    {
      values: [
        'apple_pay',
        'google_pay',
        'link',
        'samsung_pay',
        'amex_express_checkout',
        'masterpass',
        'visa_checkout',
      ],
    }
  ),
  def(
    'payment_method.type',
    'string',
    'Card',
    'Payment method type',
    'Type of the default payment method (card, sepa_debit, …)',
    'payment_method.type'
  ),
  def(
    'activity.last_at',
    'date',
    'Activity',
    'Last activity',
    'Latest activity we know of for the customer',
    'tracked activity events'
  ),
]

export type DynamicTraitFamily = {
  prefix: string
  type: TraitType
  group: TraitGroup
  label: (suffix: string) => string
  description: string
  source: string
}

/** Keys made of a prefix and a suffix chosen by the data: `metadata.plan_tier`, `mrr.usd`. */
export const DYNAMIC_TRAITS: readonly DynamicTraitFamily[] = [
  {
    prefix: 'metadata.',
    type: 'string',
    group: 'Metadata',
    label: (k) => `Metadata: ${k}`,
    description: 'A customer metadata value',
    source: 'customer.metadata',
  },
  {
    prefix: 'mrr.',
    type: 'money',
    group: 'Billing',
    label: (c) => `MRR (${c.toUpperCase()})`,
    description:
      'Monthly recurring revenue in this currency, minor units (absent when the customer has none)',
    source: 'computeMrr over active and past_due subscriptions',
  },
  {
    prefix: 'ltv.',
    type: 'money',
    group: 'Billing',
    label: (c) => `Lifetime value (${c.toUpperCase()})`,
    description:
      'Succeeded charges net of refunds, plus invoices paid outside Stripe, in this currency',
    source: 'charges, invoices.amount_paid_off_stripe',
  },
]

const byKey = new Map(TRAIT_CATALOG.map((d) => [d.key, d]))

/** The definition of a trait key, including dynamic ones; null for an unknown key. */
export function findTraitDefinition(key: string): TraitDefinition | null {
  const fixed = byKey.get(key)
  if (fixed) return fixed
  for (const family of DYNAMIC_TRAITS) {
    if (key.startsWith(family.prefix) && key.length > family.prefix.length) {
      const suffix = key.slice(family.prefix.length)
      return {
        key,
        label: family.label(suffix),
        type: family.type,
        description: family.description,
        source: family.source,
        group: family.group,
      }
    }
  }
  return null
}

/** The fixed catalog plus every dynamic key present in `traits` (for a trait picker). */
export function listTraitDefinitions(traits: Traits = {}): TraitDefinition[] {
  const dynamic = Object.keys(traits)
    .filter((k) => !byKey.has(k))
    .sort()
    .map(findTraitDefinition)
    .filter((d): d is TraitDefinition => d !== null)
  return [...TRAIT_CATALOG, ...dynamic]
}
