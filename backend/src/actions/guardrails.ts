// Offer guardrails: read and write the merchant's limits, and check a discount against them for
// one customer. The earlier discounts are Holdfast's own (succeeded apply_discount runs in the
// audit), so a discount given in the Dashboard does not count.
import { and, eq, isNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import { checkDiscountGuardrails, type DiscountTerms } from '@holdfast/shared/actions/guardrails'
import { NO_GUARDRAILS, OfferGuardrails } from '@holdfast/shared/api/guardrails'
import { ADMIN_ROLES } from '@holdfast/shared/roles/policy'
import { actionRuns, stripeCoupons } from '../db/schema'
import { AppError } from '../errors'
import type { AppDeps, Caller } from '../kernel/deps'
import { readSettingsObject, writeFeatureSetting } from '../stages/settings'
import { describeStripeError } from '../stripe/errors'
import type { Scope } from '../kernel/scope'

export async function readGuardrails(
  deps: Pick<AppDeps, 'db'>,
  scope: Scope
): Promise<OfferGuardrails> {
  const parsed = OfferGuardrails.safeParse(
    (await readSettingsObject(deps.db, scope)).offerGuardrails
  )
  return parsed.success ? parsed.data : NO_GUARDRAILS
}

export async function writeGuardrails(
  deps: Pick<AppDeps, 'db'>,
  scope: Scope,
  guardrails: OfferGuardrails
): Promise<OfferGuardrails> {
  await writeFeatureSetting(deps.db, scope, 'offerGuardrails', guardrails)
  return guardrails
}

/** Terms of an offer's parameters (the offer row keeps them as they were defined). */
export function offerTerms(kind: string, params: Record<string, unknown>): DiscountTerms | null {
  if (kind === 'free_period')
    return {
      percentOff: 100,
      amountOff: null,
      duration: 'repeating',
      durationInMonths: Number(params.months),
    }
  if (kind !== 'percent_off' && kind !== 'amount_off') return null
  return {
    percentOff: kind === 'percent_off' ? Number(params.percentOff) : null,
    amountOff: kind === 'amount_off' ? Number(params.amountOff) : null,
    duration: (params.duration as DiscountTerms['duration']) ?? 'once',
    durationInMonths: (params.durationInMonths as number | undefined) ?? null,
  }
}

/** A coupon's terms: the synced copy, else Stripe's. */
export async function couponTerms(
  deps: Pick<AppDeps, 'db'>,
  scope: Scope,
  stripe: Stripe,
  couponId: string
): Promise<DiscountTerms | null> {
  const [row] = await deps.db
    .select({ data: stripeCoupons.data })
    .from(stripeCoupons)
    .where(
      and(
        eq(stripeCoupons.accountId, scope.accountId),
        eq(stripeCoupons.livemode, scope.livemode),
        eq(stripeCoupons.id, couponId),
        isNull(stripeCoupons.deletedAt)
      )
    )
  let coupon = row?.data as Stripe.Coupon | undefined
  if (!coupon) {
    try {
      coupon = await stripe.coupons.retrieve(couponId)
    } catch (err) {
      // Unknown coupon: the update itself gets Stripe's refusal (422 with Stripe's message).
      if (describeStripeError(err)) return null
      throw err
    }
  }
  return {
    percentOff: coupon.percent_off ?? null,
    amountOff: coupon.amount_off ?? null,
    duration: coupon.duration as DiscountTerms['duration'],
    durationInMonths: coupon.duration_in_months ?? null,
  }
}

async function earlierDiscounts(
  deps: Pick<AppDeps, 'db'>,
  scope: Scope,
  customerId: string
): Promise<number[]> {
  const rows = await deps.db
    .select({ finishedAt: actionRuns.finishedAt, startedAt: actionRuns.startedAt })
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.accountId, scope.accountId),
        eq(actionRuns.livemode, scope.livemode),
        eq(actionRuns.customerId, customerId),
        eq(actionRuns.kind, 'apply_discount'),
        eq(actionRuns.state, 'succeeded')
      )
    )
  return rows.map((r) => Math.floor((r.finishedAt ?? r.startedAt).getTime() / 1000))
}

export async function checkDiscount(
  deps: Pick<AppDeps, 'db' | 'now'>,
  caller: Caller,
  customerId: string,
  terms: DiscountTerms | null
) {
  const scope = { accountId: caller.accountId, livemode: caller.livemode }
  return checkDiscountGuardrails({
    guardrails: await readGuardrails(deps, scope),
    terms,
    earlier: await earlierDiscounts(deps, scope, customerId),
    isAdmin: caller.roles.some((r) => (ADMIN_ROLES as readonly string[]).includes(r)),
    nowSeconds: Math.floor(deps.now().getTime() / 1000),
  })
}

/** The guardrails' refusal as the error the route answers with (409 or 403, with the reason). */
export async function enforceDiscountGuardrails(
  deps: Pick<AppDeps, 'db' | 'now'>,
  caller: Caller,
  customerId: string,
  terms: DiscountTerms | null
): Promise<void> {
  const verdict = await checkDiscount(deps, caller, customerId, terms)
  if (!verdict.ok)
    throw new AppError(verdict.status === 403 ? 'forbidden' : 'conflict', verdict.reason, {
      guardrail: true,
    })
}
