// The facts about a subscription the retention actions decide on, in our own camelCase shape
// (shared/ never sees Stripe's types; backend/src/actions/subscription-facts.ts maps them).

export type ActionItem = {
  id: string
  priceId: string
  quantity: number
  /** Unix seconds; periods live on items since API 2025-03-31.basil. */
  currentPeriodEnd: number | null
}

export type ActionSubscription = {
  id: string
  customerId: string
  status: string
  currency: string
  pauseCollection: { behavior: string; resumesAt: number | null } | null
  cancelAtPeriodEnd: boolean
  cancelAt: number | null
  trialEnd: number | null
  billingCycleAnchor: number | null
  /** Ids of the discounts on the subscription itself (not item discounts). */
  discountIds: string[]
  items: ActionItem[]
  scheduleId: string | null
  /** `charge_automatically` or `send_invoice` (absent: charge_automatically). */
  collectionMethod?: string
  /** Stripe's billing_mode.type, `flexible` or `classic` (absent: flexible). */
  billingMode?: string | null
}

/** Statuses after which Stripe keeps a subscription largely immutable. */
export const ENDED_STATUSES: readonly string[] = ['canceled', 'incomplete_expired']

/** A subscription that counts as kept (not churned) for outcomes. */
export const KEPT_STATUSES: readonly string[] = ['active', 'past_due', 'trialing']
