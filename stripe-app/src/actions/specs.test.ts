// Each action spec sends a body the backend's contract accepts, and its toasts fit Stripe's limit.
import { describe, expect, test } from 'vitest'
import {
  ApplyDiscountRequest,
  CancelRequest,
  ChangePlanRequest,
  ExtendTrialRequest,
  PauseCollectionRequest,
  PauseSubscriptionRequest,
  ReactivateRequest,
  ResumeCollectionRequest,
  ResumeSubscriptionRequest,
} from '@holdfast/shared/api/actions'
import {
  ACTION_SPECS,
  initialValues,
  specFor,
  wordingOf,
  type ActionKind,
  type Values,
} from './specs'

const CONTRACT: Record<ActionKind, { safeParse(v: unknown): { success: boolean } }> = {
  pause_collection: PauseCollectionRequest,
  resume_collection: ResumeCollectionRequest,
  apply_discount: ApplyDiscountRequest,
  change_plan: ChangePlanRequest,
  cancel: CancelRequest,
  reactivate: ReactivateRequest,
  extend_trial: ExtendTrialRequest,
  pause_subscription: PauseSubscriptionRequest,
  resume_subscription: ResumeSubscriptionRequest,
}

const OFFER = '7f1f7c5e-3d2a-4d52-9a0f-0c1e2d3f4a5b'

test.each(Object.values(ACTION_SPECS).map((s) => [s.kind, s]))(
  '%s: toasts fit in 30 characters',
  (_, spec) => {
    expect(spec.toast.length).toBeLessThanOrEqual(30)
    for (const when of ['now', 'period_end'])
      expect(wordingOf(spec, { when }).toast.length).toBeLessThanOrEqual(30)
    expect(`${spec.title} failed`.slice(0, 30).length).toBeLessThanOrEqual(30)
  }
)

describe('bodies the backend accepts', () => {
  const cases: [ActionKind, Values][] = [
    ['pause_collection', {}],
    ['pause_collection', { behavior: 'void', months: '3' }],
    ['pause_collection', { offerId: OFFER }],
    ['resume_collection', {}],
    ['apply_discount', { couponId: 'SUMMER' }],
    ['apply_discount', { promotionCode: 'WELCOME10' }],
    ['apply_discount', { offerId: OFFER }],
    ['change_plan', { priceId: 'price_123', prorationBehavior: 'always_invoice' }],
    ['change_plan', { priceId: 'price_123', itemId: 'si_123' }],
    ['change_plan', { offerId: OFFER }],
    ['cancel', {}],
    ['cancel', { when: 'now', prorate: 'true', invoiceNow: 'false', reason: 'unused' }],
    ['cancel', { when: 'period_end', comment: ' too pricey ' }],
    ['reactivate', {}],
    ['extend_trial', {}],
    ['extend_trial', { days: '14' }],
    ['extend_trial', { offerId: OFFER }],
    ['pause_subscription', {}],
    ['pause_subscription', { creditUnusedTime: 'false' }],
    ['resume_subscription', {}],
    ['resume_subscription', { billingCycleAnchor: 'unchanged', prorationBehavior: 'none' }],
    // A proration choice left over from "unchanged" is not sent with "now".
    ['resume_subscription', { billingCycleAnchor: 'now', prorationBehavior: 'always_invoice' }],
  ]
  test.each(cases)('%s %j', (kind, values) => {
    const spec = ACTION_SPECS[kind]
    const body = spec.body({ ...initialValues(spec), ...values })
    expect(typeof body, String(body)).toBe('object')
    expect(CONTRACT[kind].safeParse({ ...(body as object), clientKey: 'k1' }).success).toBe(true)
  })
})

test.each([
  ['apply_discount', {}, 'Pick an offer, a coupon or a promotion code.'],
  [
    'apply_discount',
    { couponId: 'A', promotionCode: 'B' },
    'Give a coupon or a promotion code, not both.',
  ],
  ['change_plan', {}, 'Pick an offer or choose the new plan.'],
  ['pause_collection', { months: 'two' }, 'Enter the pause length as whole months.'],
  ['extend_trial', { days: '' }, 'Enter the number of extra days (1 to 730).'],
] as [ActionKind, Values, string][])(
  '%s %j is refused before sending: %s',
  (kind, values, message) => {
    const spec = ACTION_SPECS[kind]
    expect(spec.body({ ...initialValues(spec), ...values })).toBe(message)
  }
)

test('the profile kinds apply_coupon and switch_price open the discount and plan sheets', () => {
  expect(specFor('apply_coupon')?.kind).toBe('apply_discount')
  expect(specFor('switch_price')?.kind).toBe('change_plan')
  expect(specFor('nonsense')).toBeUndefined()
})

test('cancel now and cancel at period end read differently, and neither sits beside a "Cancel"', () => {
  const cancel = ACTION_SPECS.cancel
  const later = wordingOf(cancel, { when: 'period_end' })
  const now = wordingOf(cancel, { when: 'now' })
  expect(later).toMatchObject({
    confirmLabel: 'Schedule cancellation',
    toast: 'Cancellation scheduled',
  })
  expect(now).toMatchObject({ confirmLabel: 'Cancel immediately', toast: 'Subscription canceled' })
  expect(now.summary).toContain('cannot be undone')
  expect(later.summary).toContain('stays active')
  // The form opens on the reversible choice.
  expect(wordingOf(cancel, initialValues(cancel))).toEqual(later)
})

test('the two pauses say plainly what happens to access, invoices and the renewal date', () => {
  const collection = wordingOf(ACTION_SPECS.pause_collection, {}).summary
  expect(collection).toMatch(/keeps access/)
  expect(collection).toMatch(/Invoices are still created/)
  expect(collection).toMatch(/renewal date does not move/)
  const pause = ACTION_SPECS.pause_subscription
  const paused = wordingOf(pause, initialValues(pause)).summary
  expect(paused).toMatch(/loses access/)
  expect(paused).toMatch(/No invoices are created/)
  expect(paused).toMatch(/renewal date is set again/)
  expect(paused).toMatch(/credited/)
  expect(wordingOf(pause, { creditUnusedTime: 'false' }).summary).toMatch(/not credited/)
  const resume = ACTION_SPECS.resume_subscription
  expect(wordingOf(resume, initialValues(resume)).summary).toMatch(/today becomes the renewal date/)
  expect(
    wordingOf(resume, { billingCycleAnchor: 'unchanged', prorationBehavior: 'always_invoice' })
      .summary
  ).toMatch(/renewal date stays.*charged now/)
})
