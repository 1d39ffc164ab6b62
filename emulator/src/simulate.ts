// Helper actions that make Stripe emit realistic event sequences, for sync and webhook tests.
import type Stripe from 'stripe'
import type { Ctx } from './context'
import type { Emulator } from './emulator'
import { previousAttributes } from './events'
import { clone } from './render'
import { refundCharge } from './resources/invoices'
import { cancelSubscriptionNow, findSubscription, startNewPeriod } from './resources/subscriptions'
import { must } from './resources/shared'
import type { Mode } from './state'

const ENDED = ['canceled', 'incomplete_expired']

export class Simulator {
  constructor(private readonly em: Emulator) {}

  private ctx(accountId: string, mode: Mode): Ctx {
    return this.em.context(this.em.account(accountId, mode), {
      caller: null,
      params: {},
      requestId: null,
      idempotencyKey: null,
    })
  }

  /** A renewal whose payment fails: invoice.created/finalized, charge.failed, invoice.payment_failed, sub → past_due. */
  invoicePaymentFailed(accountId: string, mode: Mode, subscriptionId: string): Stripe.Invoice {
    return this.renew(accountId, mode, subscriptionId, true)
  }

  /** A renewal that is paid: the subscription moves to a new period (past_due → active). */
  invoicePaymentSucceeded(accountId: string, mode: Mode, subscriptionId: string): Stripe.Invoice {
    return this.renew(accountId, mode, subscriptionId, false)
  }

  private renew(
    accountId: string,
    mode: Mode,
    subscriptionId: string,
    fail: boolean
  ): Stripe.Invoice {
    const ctx = this.ctx(accountId, mode)
    const sub = findSubscription(ctx.state, subscriptionId)
    const before = clone(sub)
    const outcome = startNewPeriod(ctx, sub, ctx.now, 'subscription_cycle', [], fail)
    sub.status = outcome === 'paid' || outcome === 'sent' ? 'active' : 'past_due'
    ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
    return must(
      ctx.state.invoices.get(String(sub.latest_invoice)),
      'invoice',
      String(sub.latest_invoice)
    )
  }

  refundCharge(accountId: string, mode: Mode, chargeId: string, amount?: number): Stripe.Refund {
    const ctx = this.ctx(accountId, mode)
    const charge = must(ctx.state.charges.get(chargeId), 'charge', chargeId)
    return refundCharge(ctx, charge, amount)
  }

  trialWillEnd(accountId: string, mode: Mode, subscriptionId: string): Stripe.Event {
    const ctx = this.ctx(accountId, mode)
    return ctx.emit(
      'customer.subscription.trial_will_end',
      findSubscription(ctx.state, subscriptionId)
    )
  }

  /**
   * Moves the clock forward and lets one account's subscriptions catch up: scheduled cancellations,
   * trial ends and renewals (each renewal invoices and charges the default payment method).
   */
  advance(accountId: string, mode: Mode, seconds: number): void {
    this.em.advance(seconds)
    this.processDue(accountId, mode)
  }

  processDue(accountId: string, mode: Mode): void {
    const state = this.em.account(accountId, mode)
    for (const sub of Array.from(state.subscriptions.values())) {
      const now = this.em.now()
      if (sub.pause_collection?.resumes_at && sub.pause_collection.resumes_at <= now) {
        const ctx = { ...this.ctx(accountId, mode), now: sub.pause_collection.resumes_at }
        const before = clone(sub)
        sub.pause_collection = null
        ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
      }
      if (
        sub.status === 'trialing' &&
        sub.trial_end !== null &&
        sub.trial_end - now <= 3 * 86_400 &&
        !state.trialWillEndSent.has(sub.id)
      ) {
        state.trialWillEndSent.add(sub.id)
        const ctx = {
          ...this.ctx(accountId, mode),
          now: Math.max(sub.created, sub.trial_end - 3 * 86_400),
        }
        ctx.emit('customer.subscription.trial_will_end', sub)
      }
      for (let i = 0; i < 36 && !ENDED.includes(sub.status) && sub.status !== 'paused'; i++) {
        const periodEnd = Math.min(...sub.items.data.map((x) => x.current_period_end))
        const now = this.em.now()
        if (sub.cancel_at !== null && sub.cancel_at <= now) {
          const ctx = { ...this.ctx(accountId, mode), now: sub.cancel_at }
          cancelSubscriptionNow(ctx, sub, {})
          break
        }
        if (periodEnd > now) break
        const ctx = { ...this.ctx(accountId, mode), now: periodEnd }
        const before = clone(sub)
        const fromTrial = sub.status === 'trialing'
        if (fromTrial) sub.status = 'active'
        const outcome = startNewPeriod(ctx, sub, periodEnd, 'subscription_cycle')
        if (outcome === 'failed' || outcome === 'no_payment_method') sub.status = 'past_due'
        else if (sub.status === 'past_due') sub.status = 'active'
        ctx.emit('customer.subscription.updated', sub, previousAttributes(before, sub))
      }
    }
  }
}
