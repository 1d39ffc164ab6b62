// Builders for snapshot literals in tests: sensible defaults, override what the case is about.
import type {
  CouponSnapshot,
  CustomerSnapshot,
  DiscountSnapshot,
  PriceSnapshot,
  SubscriptionItemSnapshot,
  SubscriptionSnapshot,
} from './snapshot'

/** 2026-01-15T00:00:00Z, the fixed `now` of the table tests. */
export const FIXTURE_NOW = new Date('2026-01-15T00:00:00Z')
export const FIXTURE_NOW_SECONDS = FIXTURE_NOW.getTime() / 1000
export const DAY = 86_400

export function buildPrice(over: Partial<PriceSnapshot> = {}): PriceSnapshot {
  return {
    id: 'price_basic',
    nickname: 'Basic monthly',
    productId: 'prod_basic',
    productName: 'Basic',
    currency: 'usd',
    unitAmount: 1000,
    unitAmountDecimal: null,
    billingScheme: 'per_unit',
    tiersMode: null,
    tiers: null,
    transformQuantity: null,
    recurring: { interval: 'month', intervalCount: 1, usageType: 'licensed', meter: null },
    ...over,
  }
}

export function buildItem(
  over: Partial<SubscriptionItemSnapshot> = {},
  price: Partial<PriceSnapshot> = {}
): SubscriptionItemSnapshot {
  return {
    id: 'si_1',
    quantity: 1,
    currentPeriodStart: FIXTURE_NOW_SECONDS - 10 * DAY,
    currentPeriodEnd: FIXTURE_NOW_SECONDS + 20 * DAY,
    price: buildPrice(price),
    discounts: [],
    ...over,
  }
}

export function buildCoupon(over: Partial<CouponSnapshot> = {}): CouponSnapshot {
  return {
    id: 'coupon_1',
    name: null,
    percentOff: null,
    amountOff: null,
    currency: null,
    amountOffByCurrency: {},
    duration: 'forever',
    durationInMonths: null,
    ...over,
  }
}

export function buildDiscount(
  coupon: Partial<CouponSnapshot>,
  over: Partial<DiscountSnapshot> = {}
): DiscountSnapshot {
  return {
    id: `di_${coupon.id ?? 'coupon_1'}`,
    start: FIXTURE_NOW_SECONDS - 30 * DAY,
    end: null,
    coupon: buildCoupon(coupon),
    ...over,
  }
}

export function buildSubscription(over: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot {
  return {
    id: 'sub_1',
    status: 'active',
    currency: 'usd',
    created: FIXTURE_NOW_SECONDS - 100 * DAY,
    startDate: FIXTURE_NOW_SECONDS - 100 * DAY,
    trialStart: null,
    trialEnd: null,
    canceledAt: null,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    endedAt: null,
    pauseCollection: null,
    discounts: [],
    items: [buildItem()],
    metadata: {},
    ...over,
  }
}

export function buildCustomerSnapshot(
  over: Partial<Omit<CustomerSnapshot, 'customer'>> & {
    customer?: Partial<CustomerSnapshot['customer']>
  } = {}
): CustomerSnapshot {
  const { customer, ...rest } = over
  return {
    customer: {
      id: 'cus_1',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      phone: null,
      description: null,
      created: FIXTURE_NOW_SECONDS - 200 * DAY,
      address: null,
      metadata: {},
      delinquent: false,
      livemode: false,
      ...customer,
    },
    subscriptions: [],
    defaultPaymentMethod: null,
    charges: [],
    invoices: [],
    lastActivityAt: null,
    ...rest,
  }
}
