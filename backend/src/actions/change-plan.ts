// Change plan: swap one item's price, keeping its quantity (Stripe resets it to 1 otherwise),
// with the agent's proration choice. The preview prices the change with invoices.createPreview
// at a proration date the confirmation then reuses, so the charge is what the agent saw.
import type { Scope } from '../kernel/scope'
import type Stripe from 'stripe'
import { canChangePlan, pickPlanItem } from '@holdfast/shared/actions/eligibility'
import { summarizePlanChange, type PreviewLine } from '@holdfast/shared/actions/plan-change'
import type {
  ChangePlanPreview,
  ChangePlanPreviewRequest,
  ChangePlanRequest,
} from '@holdfast/shared/api/actions'
import { stripeForAccount } from '../accounts/credentials'
import type { Caller } from '../kernel/deps'
import { toAppError } from '../stripe/errors'
import { loadPrice, offerForAction } from './offers'
import { conflict, findSubscription, runAction, type ActionDeps } from './run-action'
import { subscriptionFacts } from './subscription-facts'

type Behavior = Stripe.SubscriptionUpdateParams.ProrationBehavior

type Target = {
  price: Stripe.Price
  item: { id: string; priceId: string; quantity: number; currentPeriodEnd: number | null }
  behavior: 'create_prorations' | 'none' | 'always_invoice'
  /** The old or the new price bills usage: no quantity is sent. */
  metered: boolean
}

async function resolveTarget(
  deps: ActionDeps,
  caller: Caller,
  scope: Scope,
  stripe: Stripe,
  sub: Stripe.Subscription,
  input: ChangePlanPreviewRequest
): Promise<Target> {
  const offer = input.offerId
    ? await offerForAction(deps, caller, input.offerId, 'change_plan')
    : null
  const offerParams = offer?.params as
    { priceId: string; prorationBehavior: Target['behavior'] } | undefined
  const priceId = offerParams?.priceId ?? input.priceId!
  const price = await loadPrice(deps, scope, stripe, priceId)
  const facts = subscriptionFacts(sub)
  const verdict = canChangePlan(
    facts,
    { id: price.id, currency: price.currency, active: price.active, recurring: !!price.recurring },
    input.itemId
  )
  if (!verdict.ok) conflict(verdict.reason)
  const picked = pickPlanItem(facts, input.itemId)
  if (!picked.ok) conflict(picked.reason)
  const current = sub.items?.data.find((i) => i.id === picked.item.id)
  return {
    price,
    item: picked.item,
    behavior: input.prorationBehavior ?? offerParams?.prorationBehavior ?? 'create_prorations',
    metered: isMetered(price) || (current ? isMetered(current.price) : false),
  }
}

const isMetered = (price: Stripe.Price | null | undefined) =>
  price?.recurring?.usage_type === 'metered'

/**
 * The item change sent to Stripe: the quantity kept, except where a metered price is involved, since
 * Stripe refuses a quantity there (docs/stripe-rules.md §3).
 */
function itemChange(target: Target) {
  return {
    id: target.item.id,
    price: target.price.id,
    ...(target.metered ? {} : { quantity: target.item.quantity }),
  }
}

export async function changePlan(
  deps: ActionDeps,
  caller: Caller,
  input: ChangePlanRequest & { subscriptionId: string; clientKey: string }
) {
  const { subscriptionId, clientKey, ...request } = input
  return runAction(deps, caller, {
    kind: 'change_plan',
    subscriptionId,
    clientKey,
    request,
    offerId: input.offerId ?? null,
    async plan({ sub, stripe, scope, now }) {
      const target = await resolveTarget(deps, caller, scope, stripe, sub, input)
      const prorationDate = input.prorationDate ?? Math.floor(now.getTime() / 1000)
      const params: Stripe.SubscriptionUpdateParams = {
        items: [itemChange(target)],
        proration_behavior: target.behavior as Behavior,
        ...(target.behavior === 'none' ? {} : { proration_date: prorationDate }),
        billing_cycle_anchor: { type: 'unchanged' },
      }
      return { method: 'subscriptions.update', params }
    },
  })
}

export async function previewPlanChange(
  deps: ActionDeps,
  caller: Caller,
  input: ChangePlanPreviewRequest & { subscriptionId: string }
): Promise<ChangePlanPreview> {
  const scope = { accountId: caller.accountId, livemode: caller.livemode }
  const sub = await findSubscription(deps, scope, input.subscriptionId)
  const stripe = await stripeForAccount(deps, scope)
  const target = await resolveTarget(deps, caller, scope, stripe, sub, input)
  const prorationDate = Math.floor(deps.now().getTime() / 1000)
  let invoice: Stripe.Invoice
  try {
    invoice = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: {
        items: [itemChange(target)],
        proration_behavior: target.behavior,
        proration_date: prorationDate,
      },
    })
  } catch (err) {
    throw toAppError(err)
  }
  const lines: PreviewLine[] = invoice.lines.data.map((l) => ({
    description: l.description ?? null,
    amount: l.amount,
    proration:
      l.parent?.subscription_item_details?.proration ??
      l.parent?.invoice_item_details?.proration ??
      false,
  }))
  const unit = target.price.billing_scheme === 'per_unit' ? target.price.unit_amount : null
  const summary = summarizePlanChange({
    behavior: target.behavior,
    preview: {
      currency: invoice.currency,
      amountDue: invoice.amount_due,
      lines,
      nextPaymentAttempt: invoice.next_payment_attempt ?? null,
    },
    newPeriodAmount: unit === null || target.metered ? null : unit * target.item.quantity,
    nextRenewal: target.item.currentPeriodEnd,
  })
  return {
    subscriptionId: sub.id,
    itemId: target.item.id,
    fromPriceId: target.item.priceId,
    toPriceId: target.price.id,
    quantity: target.item.quantity,
    prorationBehavior: target.behavior,
    prorationDate,
    ...summary,
  }
}
