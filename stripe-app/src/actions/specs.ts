// One spec per retention action: the form the FocusView shows, the request body it sends (shapes
// from shared/src/api/actions.ts), the confirm label and the toast. The FocusView is generic.
import type { ActionKindSchema } from '@holdfast/shared/api/actions'
import type { OfferKind } from '@holdfast/shared/api/offers'
import type { z } from 'zod'

export type ActionKind = z.infer<typeof ActionKindSchema>

export type Field =
  | {
      name: string
      kind: 'select'
      label: string
      description?: string
      options: { value: string; label: string }[]
      defaultValue: string
      /** Shown only when this returns true for the current values. */
      when?: (values: Values) => boolean
    }
  | {
      name: string
      kind: 'text' | 'number'
      label: string
      description?: string
      placeholder?: string
      defaultValue?: string
      when?: (values: Values) => boolean
    }
  | {
      name: string
      kind: 'checkbox'
      label: string
      description?: string
      defaultValue?: boolean
      when?: (values: Values) => boolean
    }

export type Values = Record<string, string>

export type ActionSpec = {
  kind: ActionKind
  /** FocusView title and the button that opens it, e.g. "Pause collection". */
  title: string
  /** Path segment after /api/v1/subscriptions/:id/ */
  path: string
  /** What the agent is about to do, in one sentence. */
  summary: string
  confirmLabel: string
  /** ≤ 30 characters (Stripe's toast limit). */
  toast: string
  destructive?: boolean
  /** Offers of these kinds can stand in for the parameters (the offer picker). */
  offerKinds?: OfferKind[]
  /** The discount picker sets `couponId` or `promotionCode` from the subscription's discount options. */
  discountPicker?: boolean
  /** The plan picker sets `itemId` and `priceId` from the subscription's plan options. */
  planPicker?: boolean
  fields: Field[]
  /** Builds the request body from the form; returns a message instead when something is missing. */
  body(values: Values): Record<string, unknown> | string
  /** Checked by the backend as the form changes (the offer guardrails); a refusal blocks Confirm. */
  check?: { path: string }
  /** The plan change shows what it will cost before the confirm. */
  preview?: { path: string }
  /** Wording that depends on the form (cancel now vs at period end must read differently). */
  wordingFor?: (values: Values) => Wording
}

export type Wording = Pick<ActionSpec, 'summary' | 'confirmLabel' | 'toast'>

/** What the sheet says for these values: the spec's wording, or its per-form variant. */
export function wordingOf(spec: ActionSpec, values: Values): Wording {
  return spec.wordingFor
    ? spec.wordingFor(values)
    : { summary: spec.summary, confirmLabel: spec.confirmLabel, toast: spec.toast }
}

const NONE = ''
const int = (v: string | undefined) => (v && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined)
const offerOr = (values: Values, rest: () => Record<string, unknown> | string) =>
  values.offerId && values.offerId !== NONE ? { offerId: values.offerId } : rest()
const usingOffer = (values: Values) => Boolean(values.offerId && values.offerId !== NONE)

// What each pause does to access, invoices and the renewal date (docs/stripe-api-notes.md §9).
const PAUSE_SUMMARY =
  'The customer loses access now (status paused). No invoices are created and nothing is charged until someone resumes it. The current period ends today; the renewal date is set again at the resume.'
const RESUME_NOW =
  'Access comes back now. A new period starts today and is invoiced and charged at once; today becomes the renewal date. If the charge fails the subscription is past due.'
const RESUME_UNCHANGED = 'Access comes back now and the renewal date stays as it was.'

export const ACTION_SPECS: Record<ActionKind, ActionSpec> = {
  pause_collection: {
    kind: 'pause_collection',
    title: 'Pause collection',
    path: 'pause-collection',
    summary:
      'The customer keeps access (the subscription stays active) and the renewal date does not move. Invoices are still created each period but not charged: marked uncollectible, kept as drafts or voided.',
    confirmLabel: 'Pause collection',
    toast: 'Collection paused',
    offerKinds: ['pause'],
    fields: [
      {
        name: 'behavior',
        kind: 'select',
        label: 'Invoices while paused',
        options: [
          { value: 'mark_uncollectible', label: 'Mark uncollectible' },
          { value: 'keep_as_draft', label: 'Keep as draft' },
          { value: 'void', label: 'Void' },
        ],
        defaultValue: 'mark_uncollectible',
        when: (v) => !usingOffer(v),
      },
      {
        name: 'months',
        kind: 'number',
        label: 'Resume after (months)',
        description: 'Leave empty to pause until someone resumes it.',
        when: (v) => !usingOffer(v),
      },
    ],
    body: (v) =>
      offerOr(v, () => {
        const months = int(v.months)
        if (v.months && months === undefined) return 'Enter the pause length as whole months.'
        return { behavior: v.behavior || 'mark_uncollectible', ...(months ? { months } : {}) }
      }),
  },
  resume_collection: {
    kind: 'resume_collection',
    title: 'Resume collection',
    path: 'resume-collection',
    summary: 'Start collecting payment again from the next invoice.',
    confirmLabel: 'Resume collection',
    toast: 'Collection resumed',
    fields: [],
    body: () => ({}),
  },
  pause_subscription: {
    kind: 'pause_subscription',
    title: 'Pause subscription',
    path: 'pause-subscription',
    summary: PAUSE_SUMMARY,
    confirmLabel: 'Pause subscription',
    toast: 'Subscription paused',
    wordingFor: (v) => ({
      summary:
        v.creditUnusedTime === 'false'
          ? `${PAUSE_SUMMARY} The unused rest of this period is not credited.`
          : `${PAUSE_SUMMARY} The unused rest of this period is credited on the first invoice after the resume.`,
      confirmLabel: 'Pause subscription',
      toast: 'Subscription paused',
    }),
    fields: [
      {
        name: 'creditUnusedTime',
        kind: 'checkbox',
        label: 'Credit the unused rest of this period',
        defaultValue: true,
      },
    ],
    body: (v) => ({ creditUnusedTime: v.creditUnusedTime !== 'false' }),
  },
  resume_subscription: {
    kind: 'resume_subscription',
    title: 'Resume subscription',
    path: 'resume-subscription',
    summary: RESUME_NOW,
    confirmLabel: 'Resume subscription',
    toast: 'Subscription resumed',
    wordingFor: (v) => ({
      summary:
        v.billingCycleAnchor !== 'unchanged'
          ? RESUME_NOW
          : v.prorationBehavior === 'none'
            ? `${RESUME_UNCHANGED} The rest of the current period is free.`
            : v.prorationBehavior === 'always_invoice'
              ? `${RESUME_UNCHANGED} The rest of the current period is invoiced and charged now.`
              : `${RESUME_UNCHANGED} The rest of the current period is added to the next invoice.`,
      confirmLabel: 'Resume subscription',
      toast: 'Subscription resumed',
    }),
    fields: [
      {
        name: 'billingCycleAnchor',
        kind: 'select',
        label: 'Renewal date',
        options: [
          { value: 'now', label: 'Start a new period today' },
          { value: 'unchanged', label: 'Keep the old renewal date' },
        ],
        defaultValue: 'now',
      },
      {
        name: 'prorationBehavior',
        kind: 'select',
        label: 'The rest of the current period',
        options: [
          { value: 'create_prorations', label: 'Add it to the next invoice' },
          { value: 'always_invoice', label: 'Invoice and charge it now' },
          { value: 'none', label: 'Free' },
        ],
        defaultValue: 'create_prorations',
        when: (v) => v.billingCycleAnchor === 'unchanged',
      },
    ],
    body: (v) =>
      v.billingCycleAnchor === 'unchanged'
        ? {
            billingCycleAnchor: 'unchanged',
            prorationBehavior: v.prorationBehavior || 'create_prorations',
          }
        : { billingCycleAnchor: 'now' },
  },
  apply_discount: {
    kind: 'apply_discount',
    title: 'Apply discount',
    path: 'apply-discount',
    summary: 'Add a discount next to any the subscription already has.',
    confirmLabel: 'Apply discount',
    toast: 'Discount applied',
    offerKinds: ['percent_off', 'amount_off', 'free_period'],
    check: { path: 'apply-discount/check' },
    discountPicker: true,
    fields: [],
    body: (v) =>
      offerOr(v, () => {
        const coupon = v.couponId?.trim()
        const promo = v.promotionCode?.trim()
        if (coupon && promo) return 'Give a coupon or a promotion code, not both.'
        if (coupon) return { couponId: coupon }
        if (promo) return { promotionCode: promo }
        return 'Pick an offer, a coupon or a promotion code.'
      }),
  },
  change_plan: {
    kind: 'change_plan',
    title: 'Change plan',
    path: 'change-plan',
    summary: 'Move the subscription to another price; the quantity stays the same.',
    confirmLabel: 'Change plan',
    toast: 'Plan changed',
    offerKinds: ['switch_price'],
    planPicker: true,
    fields: [
      {
        name: 'prorationBehavior',
        kind: 'select',
        label: 'Proration',
        options: [
          { value: 'create_prorations', label: 'Prorate on the next invoice' },
          { value: 'always_invoice', label: 'Prorate and invoice now' },
          { value: 'none', label: 'No proration' },
        ],
        defaultValue: 'create_prorations',
        when: (v) => !usingOffer(v),
      },
    ],
    body: (v) =>
      // An offer names the price but not the item: on a several-item subscription the item
      // chosen in the sheet goes with it.
      usingOffer(v)
        ? { offerId: v.offerId, ...(v.itemId ? { itemId: v.itemId } : {}) }
        : offerOr(v, () => {
            const priceId = v.priceId?.trim()
            if (!priceId) return 'Pick an offer or choose the new plan.'
            return {
              priceId,
              ...(v.itemId ? { itemId: v.itemId } : {}),
              prorationBehavior: v.prorationBehavior || 'create_prorations',
            }
          }),
    preview: { path: 'change-plan/preview' },
  },
  cancel: {
    kind: 'cancel',
    title: 'Cancel subscription',
    path: 'cancel',
    summary: 'End the subscription now or at the end of the current period.',
    confirmLabel: 'Schedule cancellation',
    toast: 'Cancellation scheduled',
    destructive: true,
    // Only "now" ends anything at once; at period end it is a schedule Reactivate can undo.
    wordingFor: (v) =>
      v.when === 'now'
        ? {
            summary: 'Ends the subscription immediately. This cannot be undone.',
            confirmLabel: 'Cancel immediately',
            toast: 'Subscription canceled',
          }
        : {
            summary:
              'The subscription stays active until the end of the current period, then ends. Reactivate undoes this until then.',
            confirmLabel: 'Schedule cancellation',
            toast: 'Cancellation scheduled',
          },
    fields: [
      {
        name: 'when',
        kind: 'select',
        label: 'When',
        options: [
          { value: 'period_end', label: 'At the end of the current period' },
          { value: 'now', label: 'Immediately' },
        ],
        defaultValue: 'period_end',
      },
      {
        name: 'prorate',
        kind: 'checkbox',
        label: 'Credit unused time',
        when: (v) => v.when === 'now',
      },
      {
        name: 'invoiceNow',
        kind: 'checkbox',
        label: 'Invoice pending items now',
        when: (v) => v.when === 'now',
      },
      {
        name: 'reason',
        kind: 'select',
        label: 'Reason',
        options: [
          { value: NONE, label: 'Not given' },
          { value: 'too_expensive', label: 'Too expensive' },
          { value: 'missing_features', label: 'Missing features' },
          { value: 'switched_service', label: 'Switched service' },
          { value: 'unused', label: 'Not using it' },
          { value: 'customer_service', label: 'Customer service' },
          { value: 'too_complex', label: 'Too complex' },
          { value: 'low_quality', label: 'Quality' },
          { value: 'other', label: 'Other' },
        ],
        defaultValue: NONE,
      },
      { name: 'comment', kind: 'text', label: 'Comment' },
    ],
    body: (v) => {
      const now = v.when === 'now'
      return {
        when: now ? 'now' : 'period_end',
        ...(now ? { prorate: v.prorate === 'true', invoiceNow: v.invoiceNow === 'true' } : {}),
        ...(v.reason ? { reason: v.reason } : {}),
        ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}),
      }
    },
  },
  reactivate: {
    kind: 'reactivate',
    title: 'Reactivate',
    path: 'reactivate',
    summary: 'Undo the scheduled cancellation; the subscription renews as before.',
    confirmLabel: 'Reactivate',
    toast: 'Subscription reactivated',
    fields: [],
    body: () => ({}),
  },
  extend_trial: {
    kind: 'extend_trial',
    title: 'Extend trial',
    path: 'extend-trial',
    summary: 'Move the end of the trial later; the first charge moves with it.',
    confirmLabel: 'Extend trial',
    toast: 'Trial extended',
    offerKinds: ['extend_trial'],
    fields: [
      {
        name: 'days',
        kind: 'number',
        label: 'Extra days',
        defaultValue: '7',
        when: (v) => !usingOffer(v),
      },
    ],
    body: (v) =>
      offerOr(v, () => {
        const days = int(v.days)
        return days ? { days } : 'Enter the number of extra days (1 to 730).'
      }),
  },
}

/**
 * Kinds the customer profile has used for the same actions (its placeholder list predates the
 * actions API); mapped so the buttons still open the right FocusView.
 */
const ALIASES: Record<string, ActionKind> = {
  apply_coupon: 'apply_discount',
  switch_price: 'change_plan',
}

export function specFor(kind: string): ActionSpec | undefined {
  return (ACTION_SPECS as Record<string, ActionSpec>)[ALIASES[kind] ?? kind]
}

export function initialValues(spec: ActionSpec): Values {
  const values: Values = {}
  for (const field of spec.fields) {
    if (field.kind === 'checkbox') values[field.name] = field.defaultValue ? 'true' : 'false'
    else if (field.defaultValue !== undefined) values[field.name] = field.defaultValue
  }
  return values
}
