// Friendly names for what happened to a customer, as a support agent reads them.
import type { StripeObject } from './stripe-objects'

export function describeEvent(
  type: string,
  object: StripeObject,
  previous: Record<string, unknown> | undefined,
  eventCreated: number
): string | undefined {
  switch (type) {
    case 'customer.created':
      return 'Customer created'
    case 'customer.updated':
      return 'Customer details updated'
    case 'customer.deleted':
      return 'Customer deleted'
    case 'customer.subscription.created':
      return object.status === 'trialing' ? 'Trial started' : 'Subscription started'
    case 'customer.subscription.deleted':
      return 'Subscription canceled'
    case 'customer.subscription.paused':
      return 'Subscription paused'
    case 'customer.subscription.resumed':
      return 'Subscription resumed'
    case 'customer.subscription.trial_will_end':
      return trialEndsIn(object, eventCreated)
    case 'customer.subscription.updated':
      return describeSubscriptionUpdate(object, previous ?? {})
    case 'customer.discount.created':
      return 'Discount applied'
    case 'customer.discount.deleted':
      return 'Discount removed'
    case 'invoice.paid':
      return 'Invoice paid'
    case 'invoice.payment_failed':
      return 'Invoice payment failed'
    case 'invoice.finalized':
      return 'Invoice finalized'
    case 'invoice.voided':
      return 'Invoice voided'
    case 'invoice.marked_uncollectible':
      return 'Invoice marked uncollectible'
    case 'charge.succeeded':
      return 'Payment succeeded'
    case 'charge.failed':
      return 'Charge failed'
    case 'charge.refunded':
      return 'Charge refunded'
    case 'charge.dispute.created':
      return 'Payment disputed'
    case 'payment_method.attached':
      return 'Payment method added'
    case 'payment_method.detached':
      return 'Payment method removed'
    default:
      return undefined
  }
}

function describeSubscriptionUpdate(sub: StripeObject, previous: Record<string, unknown>): string {
  if ('pause_collection' in previous) {
    return sub.pause_collection ? 'Subscription paused' : 'Subscription resumed'
  }
  if ('cancel_at_period_end' in previous || 'cancel_at' in previous) {
    return sub.cancel_at_period_end || sub.cancel_at
      ? 'Cancellation scheduled'
      : 'Cancellation withdrawn'
  }
  if ('status' in previous) {
    const from = String(previous.status)
    const to = String(sub.status)
    if (from === 'trialing' && to === 'active') return 'Trial converted'
    if (to === 'past_due') return 'Subscription past due'
    if (to === 'unpaid') return 'Subscription unpaid'
    if (to === 'canceled') return 'Subscription canceled'
    if (to === 'active') return 'Subscription active again'
    return `Subscription ${to.replace(/_/g, ' ')}`
  }
  if ('trial_end' in previous) return 'Trial end changed'
  if ('items' in previous) return 'Plan changed'
  if ('discounts' in previous) return 'Discount changed'
  return 'Subscription updated'
}

function trialEndsIn(sub: StripeObject, eventCreated: number): string {
  const trialEnd = Number(sub.trial_end)
  if (!Number.isFinite(trialEnd) || trialEnd <= 0) return 'Trial ending soon'
  const days = Math.round((trialEnd - eventCreated) / 86_400)
  if (days <= 0) return 'Trial ends today'
  if (days === 1) return 'Trial ends tomorrow'
  return `Trial ends in ${days} days`
}
