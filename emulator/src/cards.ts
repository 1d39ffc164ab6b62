// Card payment methods: Stripe's `pm_card_*` test tokens and the builder seeding shares.
import type Stripe from 'stripe'
import type { AccountState } from './state'

export type CardSpec = {
  brand: 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'unionpay' | 'diners'
  last4: string
  country: string
  funding: 'credit' | 'debit' | 'prepaid'
  expMonth: number
  expYear: number
  wallet?: 'apple_pay' | 'google_pay' | 'link' | null
  declines?: boolean
}

/** Stripe's test payment method tokens, accepted wherever a payment method id is. */
export const TEST_TOKENS: Record<string, Omit<CardSpec, 'expMonth' | 'expYear'>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', country: 'US', funding: 'credit' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', country: 'US', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', country: 'US', funding: 'credit' },
  pm_card_amex: { brand: 'amex', last4: '8431', country: 'US', funding: 'credit' },
  pm_card_discover: { brand: 'discover', last4: '1117', country: 'US', funding: 'credit' },
  pm_card_jcb: { brand: 'jcb', last4: '0505', country: 'JP', funding: 'credit' },
  pm_card_unionpay: { brand: 'unionpay', last4: '0005', country: 'CN', funding: 'credit' },
  pm_card_gb: { brand: 'visa', last4: '0003', country: 'GB', funding: 'credit' },
  pm_card_de: { brand: 'visa', last4: '0016', country: 'DE', funding: 'credit' },
  pm_card_fr: { brand: 'visa', last4: '0003', country: 'FR', funding: 'credit' },
  pm_card_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    country: 'US',
    funding: 'credit',
    declines: true,
  },
}

export function buildCardPaymentMethod(
  state: AccountState,
  spec: CardSpec,
  created: number,
  customer: string | null,
  billing: { name: string | null; email: string | null; address: Stripe.Address | null }
): Stripe.PaymentMethod {
  const id = state.id('pm')
  const pm: Stripe.PaymentMethod = {
    id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: billing.address ?? emptyAddress(),
      email: billing.email,
      name: billing.name,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: spec.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: spec.country,
      display_brand: spec.brand === 'amex' ? 'american_express' : spec.brand,
      exp_month: spec.expMonth,
      exp_year: spec.expYear,
      fingerprint: state.random.chars(16),
      funding: spec.funding,
      generated_from: null,
      last4: spec.last4,
      networks: { available: [spec.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: spec.wallet ? walletOf(spec.wallet, spec.last4) : null,
    },
    created,
    customer,
    customer_account: null,
    livemode: state.livemode,
    metadata: {},
    type: 'card',
  }
  if (spec.declines) state.decliningPaymentMethods.add(id)
  return pm
}

function walletOf(
  type: 'apple_pay' | 'google_pay' | 'link',
  last4: string
): Stripe.PaymentMethod.Card.Wallet {
  const wallet: Stripe.PaymentMethod.Card.Wallet = {
    dynamic_last4: type === 'link' ? null : last4,
    type,
  }
  if (type === 'apple_pay') wallet.apple_pay = {}
  if (type === 'google_pay') wallet.google_pay = {}
  if (type === 'link') wallet.link = {}
  return wallet
}

export function emptyAddress(): Stripe.Address {
  return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }
}
