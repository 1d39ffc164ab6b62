// Snapshot → flat Traits. Every fixed catalog key is present (null when unknown) so a stored row
// shows which traits exist; dynamic keys (`metadata.*`, `mrr.*`, `ltv.*`) appear only with a value.
// Dates are unix seconds (integers compare the same in TS and in SQL), money is minor units.
import type { Traits } from './catalog'
import { computeMrr, computeSubscriptionMrr, isItemCounted, type MrrSettings } from './mrr'
import type {
  CustomerSnapshot,
  DiscountSnapshot,
  SubscriptionItemSnapshot,
  SubscriptionSnapshot,
} from './snapshot'

const SECONDS_PER_DAY = 86_400

/** Statuses in which a subscription is live: these win when choosing "the" subscription. */
export const LIVE_SUBSCRIPTION_STATUSES: readonly string[] = ['active', 'past_due', 'trialing']

export type ComputeTraitsOptions = { mrr?: MrrSettings }

const newestFirst = (a: SubscriptionSnapshot, b: SubscriptionSnapshot) =>
  b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/**
 * "The" subscription of a customer with several: the most recently created live one
 * (active, past_due, trialing), else the most recently created paused one (it resumes, an ended
 * one does not), else the most recently created of any status. Ties on `created` go to the
 * larger id, so the choice never depends on input order.
 */
export function chooseSubscription(
  subscriptions: readonly SubscriptionSnapshot[]
): SubscriptionSnapshot | null {
  const sorted = [...subscriptions].sort(newestFirst)
  return (
    sorted.find((s) => LIVE_SUBSCRIPTION_STATUSES.includes(s.status)) ??
    sorted.find((s) => s.status === 'paused') ??
    sorted[0] ??
    null
  )
}

/** The item that stands for the subscription: first licensed recurring item, else the first. */
export function choosePrimaryItem(sub: SubscriptionSnapshot): SubscriptionItemSnapshot | null {
  return sub.items.find(isItemCounted) ?? sub.items[0] ?? null
}

function isDiscountInForce(d: DiscountSnapshot, nowSeconds: number) {
  return d.coupon !== null && d.start <= nowSeconds && (d.end === null || nowSeconds < d.end)
}

/** Null without a trial; see the catalog entry for the rule. */
function computeTrialConverted(sub: SubscriptionSnapshot): boolean | null {
  if (sub.trialEnd === null) return null
  if (sub.status === 'trialing') return false
  if (sub.status === 'active' || sub.status === 'past_due') return true
  // Ended/canceled well after the trial ended means it was paid for a while.
  const endedAt = sub.endedAt ?? sub.canceledAt
  return endedAt !== null && endedAt > sub.trialEnd + SECONDS_PER_DAY
}

/** Cards are valid through the last day of the expiry month. */
function computeCardExpiresAt(month: number | null, year: number | null): number | null {
  if (month === null || year === null || month < 1 || month > 12) return null
  return Date.UTC(year, month, 1) / 1000 // month is 1-based, so this is the 1st of the next month
}

function emptyIfBlank(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value
}

export function computeTraits(
  snapshot: CustomerSnapshot,
  now: Date,
  options: ComputeTraitsOptions = {}
): Traits {
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const c = snapshot.customer
  const traits: Traits = {
    'customer.id': c.id,
    'customer.email': emptyIfBlank(c.email),
    'customer.name': emptyIfBlank(c.name),
    'customer.phone': emptyIfBlank(c.phone),
    'customer.description': emptyIfBlank(c.description),
    'customer.created': c.created,
    'address.line1': emptyIfBlank(c.address?.line1),
    'address.line2': emptyIfBlank(c.address?.line2),
    'address.city': emptyIfBlank(c.address?.city),
    'address.state': emptyIfBlank(c.address?.state),
    'address.postal_code': emptyIfBlank(c.address?.postalCode),
    'address.country': emptyIfBlank(c.address?.country),
    'customer.delinquent': c.delinquent ?? null,
    ...computeSubscriptionTraits(snapshot.subscriptions, now, nowSeconds, options),
    ...computePaymentTraits(snapshot),
    ...computeCardTraits(snapshot),
    'activity.last_at': snapshot.lastActivityAt,
  }
  for (const [key, value] of Object.entries(c.metadata)) traits[`metadata.${key}`] = value
  const mrr = computeMrr(snapshot.subscriptions, now, options.mrr)
  for (const [currency, amount] of Object.entries(mrr)) traits[`mrr.${currency}`] = amount
  const ltv = computeLifetimeValue(snapshot)
  for (const [currency, amount] of Object.entries(ltv)) traits[`ltv.${currency}`] = amount
  return makeStorable(traits)
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Postgres jsonb rejects U+0000 and unpaired surrogates, which Stripe text fields (names,
 * metadata) can hold; one such customer must not fail a whole batch of trait writes.
 */
export function toStorableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD')
}

function makeStorable(traits: Traits): Traits {
  const result: Traits = {}
  for (const [key, value] of Object.entries(traits)) {
    result[toStorableText(key)] = typeof value === 'string' ? toStorableText(value) : value
  }
  return result
}

function computeSubscriptionTraits(
  subscriptions: SubscriptionSnapshot[],
  now: Date,
  nowSeconds: number,
  options: ComputeTraitsOptions
): Traits {
  const sub = chooseSubscription(subscriptions)
  const item = sub && choosePrimaryItem(sub)
  const price = item?.price
  const firstEnding = sub?.items.reduce<SubscriptionItemSnapshot | null>(
    (best, i) => (best === null || i.currentPeriodEnd < best.currentPeriodEnd ? i : best),
    null
  )
  const discount =
    sub &&
    [...sub.discounts, ...(item?.discounts ?? [])].find((d) => isDiscountInForce(d, nowSeconds))
  const coupon = discount?.coupon ?? null
  const unitAmount =
    price && price.billingScheme !== 'tiered'
      ? price.unitAmountDecimal
        ? Number(price.unitAmountDecimal)
        : price.unitAmount
      : null
  return {
    'subscription.has_active': subscriptions.some((s) =>
      LIVE_SUBSCRIPTION_STATUSES.includes(s.status)
    ),
    'subscription.count': subscriptions.length,
    'subscription.id': sub?.id ?? null,
    'subscription.status': sub?.status ?? null,
    'subscription.created': sub?.created ?? null,
    'subscription.age_days': sub ? Math.floor((nowSeconds - sub.created) / SECONDS_PER_DAY) : null,
    'subscription.current_period_start': firstEnding?.currentPeriodStart ?? null,
    'subscription.current_period_end': firstEnding?.currentPeriodEnd ?? null,
    'subscription.trial_start': sub?.trialStart ?? null,
    'subscription.trial_end': sub?.trialEnd ?? null,
    'subscription.trial_converted': sub ? computeTrialConverted(sub) : null,
    'subscription.canceled_at': sub?.canceledAt ?? null,
    'subscription.cancel_at_period_end': sub?.cancelAtPeriodEnd ?? null,
    'subscription.cancel_at': sub?.cancelAt ?? null,
    'subscription.ended_at': sub?.endedAt ?? null,
    'subscription.pause_collection': sub?.pauseCollection?.behavior ?? null,
    'subscription.currency': sub?.currency.toLowerCase() ?? null,
    'subscription.mrr': sub ? (computeSubscriptionMrr(sub, now, options.mrr)?.amount ?? 0) : null,
    'subscription.item_count': sub?.items.length ?? null,
    'subscription.price_id': price?.id ?? null,
    'subscription.price_nickname': emptyIfBlank(price?.nickname),
    'subscription.product_id': price?.productId ?? null,
    'subscription.product_name': emptyIfBlank(price?.productName),
    'subscription.unit_amount': unitAmount,
    'subscription.quantity': item ? (item.quantity ?? 1) : null,
    'subscription.interval': price?.recurring?.interval ?? null,
    'subscription.interval_count': price?.recurring?.intervalCount ?? null,
    'subscription.coupon_id': coupon?.id ?? null,
    'subscription.coupon_name': emptyIfBlank(coupon?.name),
    'subscription.coupon_percent_off': coupon?.percentOff ?? null,
    'subscription.coupon_amount_off': coupon?.amountOff ?? null,
    'subscription.coupon_currency': coupon?.currency?.toLowerCase() ?? null,
    'subscription.coupon_duration': coupon?.duration ?? null,
    'subscription.coupon_end': discount?.end ?? null,
  }
}

type Payment = { at: number; amount: number; currency: string; description: string | null }

/** Succeeded charges, plus invoices paid outside Stripe (those have no charge). */
function listPayments(snapshot: CustomerSnapshot): Payment[] {
  const charges = snapshot.charges
    .filter((ch) => ch.status === 'succeeded' && ch.paid)
    .map((ch) => ({
      at: ch.created,
      amount: ch.amount,
      refunded: ch.amountRefunded,
      currency: ch.currency.toLowerCase(),
      description: ch.description,
    }))
  const offStripe = snapshot.invoices
    .filter((inv) => inv.status === 'paid' && inv.amountPaidOffStripe > 0 && inv.paidAt !== null)
    .map((inv) => ({
      at: inv.paidAt!,
      amount: inv.amountPaidOffStripe,
      refunded: 0,
      currency: inv.currency.toLowerCase(),
      description: inv.description ?? inv.number,
    }))
  return [...charges, ...offStripe]
}

/** Lifetime value per currency: succeeded charges net of refunds + invoices paid off Stripe. */
export function computeLifetimeValue(snapshot: CustomerSnapshot): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const ch of snapshot.charges) {
    if (ch.status !== 'succeeded' || !ch.paid) continue
    const c = ch.currency.toLowerCase()
    totals[c] = (totals[c] ?? 0) + ch.amount - ch.amountRefunded
  }
  for (const inv of snapshot.invoices) {
    if (inv.status !== 'paid' || inv.amountPaidOffStripe <= 0) continue
    const c = inv.currency.toLowerCase()
    totals[c] = (totals[c] ?? 0) + inv.amountPaidOffStripe
  }
  return totals
}

function computePaymentTraits(snapshot: CustomerSnapshot): Traits {
  const last = listPayments(snapshot).reduce<Payment | null>(
    (best, p) => (best === null || p.at > best.at ? p : best),
    null
  )
  return {
    'payment.last_amount': last?.amount ?? null,
    'payment.last_currency': last?.currency ?? null,
    'payment.last_at': last?.at ?? null,
    'payment.last_description': emptyIfBlank(last?.description),
  }
}

function computeCardTraits(snapshot: CustomerSnapshot): Traits {
  const pm = snapshot.defaultPaymentMethod
  const card = pm?.card ?? null
  return {
    'card.brand': card?.brand ?? null,
    'card.country': card?.country ?? null,
    'card.last4': card?.last4 ?? null,
    'card.exp_month': card?.expMonth ?? null,
    'card.exp_year': card?.expYear ?? null,
    'card.expires_at': card ? computeCardExpiresAt(card.expMonth, card.expYear) : null,
    'card.wallet': card?.wallet ?? null,
    'payment_method.type': pm?.type ?? null,
  }
}
