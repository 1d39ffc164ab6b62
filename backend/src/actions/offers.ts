// Offers: reusable retention offers, one mode each. A discount offer creates its coupon in the
// merchant's Stripe account (metadata holdfast_offer = offer id) when it is defined.
import type { Scope } from '../kernel/scope'
import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { CreateOfferRequest, Offer, OfferKind } from '@holdfast/shared/api/offers'
import { OFFER_ACTION } from '@holdfast/shared/api/offers'
import { stripeForAccount } from '../accounts/credentials'
import { offers, stripePrices } from '../db/schema'
import { AppError } from '../errors'
import type { AppDeps, Caller } from '../kernel/deps'
import { toAppError } from '../stripe/errors'
import type { StripeObject } from '../sync/stripe-objects'
import { upsertObjects } from '../sync/upsert-objects'

type OfferRow = typeof offers.$inferSelect

const modeName = (livemode: boolean) => (livemode ? 'live' : 'test')

export function toOffer(row: OfferRow): Offer {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as OfferKind,
    params: row.params as Record<string, unknown>,
    couponId: row.couponId,
    mode: row.livemode ? 'live' : 'test',
    archived: row.archivedAt !== null,
    createdAt: row.createdAt.toISOString(),
  }
}

/** Coupon parameters for a discount offer; null for the other kinds. */
export function couponParamsFor(
  offerId: string,
  input: CreateOfferRequest
): Stripe.CouponCreateParams | null {
  const common = { name: input.name.slice(0, 40), metadata: { holdfast_offer: offerId } }
  switch (input.kind) {
    case 'percent_off':
      return {
        percent_off: input.percentOff,
        duration: input.duration,
        ...(input.duration === 'repeating' ? { duration_in_months: input.durationInMonths } : {}),
        ...common,
      }
    case 'amount_off':
      return {
        amount_off: input.amountOff,
        currency: input.currency,
        duration: input.duration,
        ...(input.duration === 'repeating' ? { duration_in_months: input.durationInMonths } : {}),
        ...common,
      }
    case 'free_period':
      return {
        percent_off: 100,
        duration: 'repeating',
        duration_in_months: input.months,
        ...common,
      }
    default:
      return null
  }
}

/** A price of this account: the synced copy, else Stripe's. */
export async function loadPrice(
  deps: Pick<AppDeps, 'db'>,
  scope: Scope,
  stripe: Stripe,
  priceId: string
): Promise<Stripe.Price> {
  const [row] = await deps.db
    .select({ data: stripePrices.data })
    .from(stripePrices)
    .where(
      and(
        eq(stripePrices.accountId, scope.accountId),
        eq(stripePrices.livemode, scope.livemode),
        eq(stripePrices.id, priceId),
        isNull(stripePrices.deletedAt)
      )
    )
  if (row) return row.data as Stripe.Price
  try {
    return await stripe.prices.retrieve(priceId)
  } catch (err) {
    throw toAppError(err)
  }
}

export async function createOffer(
  deps: AppDeps,
  caller: Caller,
  input: CreateOfferRequest
): Promise<Offer> {
  const scope = { accountId: caller.accountId, livemode: caller.livemode }
  const id = randomUUID()
  const { name, ...params } = input
  const stripe = await stripeForAccount(deps, scope)
  let couponId: string | null = null
  const couponParams = couponParamsFor(id, input)
  if (couponParams) {
    try {
      const coupon = await stripe.coupons.create(couponParams, { idempotencyKey: `offer-${id}` })
      couponId = coupon.id
      await upsertObjects(deps.db, scope, 'coupon', [coupon as unknown as StripeObject], {
        at: Math.floor(deps.now().getTime() / 1000),
        eventId: null,
      })
    } catch (err) {
      throw toAppError(err)
    }
  }
  if (input.kind === 'switch_price') {
    const price = await loadPrice(deps, scope, stripe, input.priceId)
    if (!price.recurring)
      throw new AppError(
        'unprocessable',
        `Price ${price.id} is a one-time price; an offer can only switch to a recurring price.`
      )
    if (!price.active)
      throw new AppError('unprocessable', `Price ${price.id} is archived; pick an active price.`)
  }
  const [row] = await deps.db
    .insert(offers)
    .values({ id, ...scope, name, kind: input.kind, params, couponId })
    .returning()
  return toOffer(row!)
}

export async function listOffers(
  deps: AppDeps,
  caller: Caller,
  options: { includeArchived: boolean }
): Promise<Offer[]> {
  const rows = await deps.db
    .select()
    .from(offers)
    .where(
      and(
        eq(offers.accountId, caller.accountId),
        eq(offers.livemode, caller.livemode),
        options.includeArchived ? undefined : isNull(offers.archivedAt)
      )
    )
    .orderBy(desc(offers.createdAt))
  return rows.map(toOffer)
}

async function ownOffer(deps: AppDeps, caller: Caller, offerId: string): Promise<OfferRow> {
  const [row] = await deps.db
    .select()
    .from(offers)
    .where(
      and(
        eq(offers.id, offerId),
        eq(offers.accountId, caller.accountId),
        eq(offers.livemode, caller.livemode)
      )
    )
  if (!row) throw new AppError('not_found', `No offer ${offerId} in ${caller.mode} mode.`)
  return row
}

export async function getOffer(deps: AppDeps, caller: Caller, offerId: string) {
  return toOffer(await ownOffer(deps, caller, offerId))
}

export async function renameOffer(deps: AppDeps, caller: Caller, offerId: string, name: string) {
  const row = await ownOffer(deps, caller, offerId)
  const [updated] = await deps.db
    .update(offers)
    .set({ name, updatedAt: deps.now() })
    .where(eq(offers.id, row.id))
    .returning()
  return toOffer(updated!)
}

/** Archived offers can't be used any more; their coupon stays (discounts already given keep it). */
export async function archiveOffer(deps: AppDeps, caller: Caller, offerId: string) {
  const row = await ownOffer(deps, caller, offerId)
  const [updated] = await deps.db
    .update(offers)
    .set({ archivedAt: row.archivedAt ?? deps.now(), updatedAt: deps.now() })
    .where(eq(offers.id, row.id))
    .returning()
  return toOffer(updated!)
}

const ACTION_ROUTE: Record<string, string> = {
  apply_discount: 'apply-discount',
  pause_collection: 'pause-collection',
  extend_trial: 'extend-trial',
  change_plan: 'change-plan',
}

/**
 * The offer an action was asked to use: this account's, this mode's, not archived, and of a kind
 * the action applies. A test-mode offer is refused in live mode (and the other way round).
 */
export async function offerForAction(
  deps: Pick<AppDeps, 'db'>,
  caller: Caller,
  offerId: string,
  action: string
): Promise<OfferRow> {
  const [row] = await deps.db
    .select()
    .from(offers)
    .where(and(eq(offers.id, offerId), eq(offers.accountId, caller.accountId)))
  if (!row) throw new AppError('not_found', `No offer ${offerId} in this account.`)
  if (row.livemode !== caller.livemode)
    throw new AppError(
      'conflict',
      `Offer "${row.name}" is a ${modeName(row.livemode)}-mode offer; it cannot be used in ${caller.mode} mode.`
    )
  if (row.archivedAt)
    throw new AppError('conflict', `Offer "${row.name}" is archived; pick another offer.`)
  const kind = row.kind as OfferKind
  if (OFFER_ACTION[kind] !== action)
    throw new AppError(
      'conflict',
      `Offer "${row.name}" is a ${kind} offer; use it with ${ACTION_ROUTE[OFFER_ACTION[kind]] ?? OFFER_ACTION[kind]}.`
    )
  return row
}
