// Apply a discount: an offer's coupon, an existing coupon or a promotion code, added to the
// discounts already there. A non-empty `discounts` array REPLACES all of them, so the current
// ones are sent back as `{discount: id}` (docs/stripe-api-notes.md §2). The merchant's offer
// guardrails (cooldown, per-customer maximum, administrator above a limit) are checked first.
import type { Scope } from '../kernel/scope'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import { canApplyDiscount } from '@holdfast/shared/actions/eligibility'
import type { ApplyDiscountRequest } from '@holdfast/shared/api/actions'
import { stripeCoupons, stripeDiscounts, stripePromotionCodes } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../kernel/deps'
import { toAppError } from '../stripe/errors'
import type { StripeObject } from '../sync/stripe-objects'
import { upsertObjects } from '../sync/upsert-objects'
import type { DiscountTerms } from '@holdfast/shared/actions/guardrails'
import type { GuardrailCheck } from '@holdfast/shared/api/guardrails'
import { stripeForAccount } from '../accounts/credentials'
import { checkDiscount, couponTerms, enforceDiscountGuardrails, offerTerms } from './guardrails'
import { offerForAction } from './offers'
import { conflict, findSubscription, runAction, type ActionDeps } from './run-action'
import { subscriptionFacts } from './subscription-facts'

type DiscountSpec = Stripe.SubscriptionUpdateParams.Discount

type Resolved = { added: DiscountSpec; couponId: string | null; terms: DiscountTerms | null }

/** What the request asks to add, and the terms the guardrails judge. */
async function resolveDiscount(
  deps: ActionDeps,
  caller: Caller,
  scope: Scope,
  stripe: Stripe,
  input: ApplyDiscountRequest
): Promise<Resolved> {
  if (input.offerId) {
    const offer = await offerForAction(deps, caller, input.offerId, 'apply_discount')
    if (!offer.couponId)
      throw new AppError('conflict', `Offer "${offer.name}" has no coupon; define it again.`)
    return {
      added: { coupon: offer.couponId },
      couponId: offer.couponId,
      terms: offerTerms(offer.kind, offer.params as Record<string, unknown>),
    }
  }
  if (input.couponId)
    return {
      added: { coupon: input.couponId },
      couponId: input.couponId,
      terms: await couponTerms(deps, scope, stripe, input.couponId),
    }
  const promo = await findPromotionCode(deps, scope, stripe, input.promotionCode!)
  return {
    added: { promotion_code: promo.id },
    couponId: promo.couponId,
    terms: promo.couponId ? await couponTerms(deps, scope, stripe, promo.couponId) : null,
  }
}

export async function applyDiscount(
  deps: ActionDeps,
  caller: Caller,
  input: ApplyDiscountRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'apply_discount',
    subscriptionId,
    clientKey,
    request,
    offerId: input.offerId ?? null,
    async plan({ facts, stripe, scope }) {
      const verdict = canApplyDiscount(facts)
      if (!verdict.ok) conflict(verdict.reason)
      const { added, couponId, terms } = await resolveDiscount(deps, caller, scope, stripe, input)
      if (couponId) {
        const existing = await couponsOf(deps, scope, facts.discountIds)
        if (existing.includes(couponId))
          conflict(`${facts.id} already has coupon ${couponId}; it can't be applied twice.`)
      }
      await enforceDiscountGuardrails(deps, caller, facts.customerId, terms)
      const keep: DiscountSpec[] = facts.discountIds.map((id) => ({ discount: id }))
      return { method: 'subscriptions.update', params: { discounts: [...keep, added] } }
    },
    // The update answers with discount ids; fetch the new discount objects (and coupons we don't
    // have) so traits and MRR see the discount now rather than when its webhook lands.
    async afterStripe({ stripe, scope, sub }) {
      const full = await stripe.subscriptions.retrieve(sub.id, { expand: ['discounts'] })
      const discounts = full.discounts.filter((d): d is Stripe.Discount => typeof d !== 'string')
      const at = Math.floor(deps.now().getTime() / 1000)
      const version = { at, eventId: null, replaceSameSecond: true }
      if (discounts.length > 0)
        await upsertObjects(
          deps.db,
          scope,
          'discount',
          discounts as unknown as StripeObject[],
          version
        )
      const couponIds = discounts
        .map((d) => d.source?.coupon)
        .map((c) => (typeof c === 'string' ? c : (c?.id ?? null)))
        .filter((c): c is string => c !== null)
      const known = await knownCoupons(deps, scope, couponIds)
      for (const id of couponIds.filter((c) => !known.has(c))) {
        const coupon = await stripe.coupons.retrieve(id)
        await upsertObjects(deps.db, scope, 'coupon', [coupon as unknown as StripeObject], version)
      }
    },
  })
}

/** The guardrails' verdict for this discount on this subscription, before Confirm (no writes). */
export async function checkApplyDiscount(
  deps: ActionDeps,
  caller: Caller,
  input: ApplyDiscountRequest & { subscriptionId: string }
): Promise<GuardrailCheck> {
  const scope = { accountId: caller.accountId, livemode: caller.livemode }
  const sub = await findSubscription(deps, scope, input.subscriptionId)
  const stripe = await stripeForAccount(deps, scope)
  const { terms } = await resolveDiscount(deps, caller, scope, stripe, input)
  const verdict = await checkDiscount(deps, caller, subscriptionFacts(sub).customerId, terms)
  return verdict.ok
    ? { allowed: true, reason: null, status: null, notes: verdict.notes }
    : { allowed: false, reason: verdict.reason, status: verdict.status, notes: [] }
}

async function couponsOf(deps: ActionDeps, scope: Scope, discountIds: string[]) {
  if (discountIds.length === 0) return []
  const rows = await deps.db
    .select({ couponId: stripeDiscounts.couponId })
    .from(stripeDiscounts)
    .where(
      and(
        eq(stripeDiscounts.accountId, scope.accountId),
        eq(stripeDiscounts.livemode, scope.livemode),
        inArray(stripeDiscounts.id, discountIds)
      )
    )
  return rows.map((r) => r.couponId).filter((c): c is string => c !== null)
}

async function knownCoupons(deps: ActionDeps, scope: Scope, ids: string[]) {
  if (ids.length === 0) return new Set<string>()
  const rows = await deps.db
    .select({ id: stripeCoupons.id })
    .from(stripeCoupons)
    .where(
      and(
        eq(stripeCoupons.accountId, scope.accountId),
        eq(stripeCoupons.livemode, scope.livemode),
        inArray(stripeCoupons.id, ids),
        isNull(stripeCoupons.deletedAt)
      )
    )
  return new Set(rows.map((r) => r.id))
}

/** A promotion code by id (promo_…) or by the code customers type: synced copy first. */
async function findPromotionCode(
  deps: ActionDeps,
  scope: Scope,
  stripe: Stripe,
  codeOrId: string
): Promise<{ id: string; couponId: string | null }> {
  const byId = codeOrId.startsWith('promo_')
  const [row] = await deps.db
    .select({ id: stripePromotionCodes.id, couponId: stripePromotionCodes.couponId })
    .from(stripePromotionCodes)
    .where(
      and(
        eq(stripePromotionCodes.accountId, scope.accountId),
        eq(stripePromotionCodes.livemode, scope.livemode),
        byId ? eq(stripePromotionCodes.id, codeOrId) : eq(stripePromotionCodes.code, codeOrId),
        isNull(stripePromotionCodes.deletedAt)
      )
    )
  if (row) return row
  if (byId) return { id: codeOrId, couponId: null } // Stripe decides whether it exists
  try {
    const found = await stripe.promotionCodes.list({ code: codeOrId, active: true, limit: 1 })
    const promo = found.data[0]
    if (!promo)
      throw new AppError('unprocessable', `No active promotion code "${codeOrId}" in this account.`)
    const coupon = promo.promotion?.coupon
    return { id: promo.id, couponId: typeof coupon === 'string' ? coupon : (coupon?.id ?? null) }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw toAppError(err)
  }
}
