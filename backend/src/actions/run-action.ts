// The one path every retention action takes:
//   idempotency key seen before? → answer as the first time (or finish the unfinished run)
//   subscription of this account + mode → preconditions (409) → audit row (pending)
//   → Stripe call with the run id as idempotency key → local copy, traits, segments
//   → audit row completed (succeeded, or failed with Stripe's message).
// The Stripe request is decided once and stored in the audit row, so re-running an unfinished
// run sends the very same request and Stripe's idempotency answers it.
import type { Scope } from '../kernel/scope'
import { and, eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { ActionKind } from '@holdfast/shared/actions/eligibility'
import type { ActionResult } from '@holdfast/shared/api/actions'
import type { MoneyByCurrency } from '@holdfast/shared/money'
import { computeSubscriptionMrr } from '@holdfast/shared/traits/mrr'
import { stripeForAccount } from '../accounts/credentials'
import { actionRuns, stripeSubscriptions } from '../db/schema'
import { AppError, type ErrorCode } from '../errors'
import type { AppDeps, Caller } from '../kernel/deps'
import { describeStripeError, toAppError } from '../stripe/errors'
import { upsertObjects } from '../sync/upsert-objects'
import type { StripeObject } from '../sync/stripe-objects'
import { loadStripeCustomerData } from '../traits/refresh-traits'
import { snapshotFromStripe } from '../traits/snapshot-from-stripe'
import { refreshAfterAction } from './refresh'
import { subscriptionFacts, subscriptionState, withDiscountIds } from './subscription-facts'

export type ActionDeps = AppDeps

/** A Stripe write, stored verbatim in the audit row. */
export type StripeCall =
  | { method: 'subscriptions.update'; params: Stripe.SubscriptionUpdateParams }
  | { method: 'subscriptions.cancel'; params: Stripe.SubscriptionCancelParams }
  | { method: 'subscriptions.pause'; params: Stripe.SubscriptionPauseParams }
  | { method: 'subscriptions.resume'; params: Stripe.SubscriptionResumeParams }

export type PlanContext = {
  sub: Stripe.Subscription
  facts: ReturnType<typeof subscriptionFacts>
  stripe: Stripe
  scope: Scope
  now: Date
}

export type ActionSpec = {
  kind: ActionKind
  subscriptionId: string
  clientKey: string
  /** The request as the agent sent it (audited). */
  request: Record<string, unknown>
  offerId?: string | null
  /** Preconditions (throw AppError 409) and the Stripe call to make. */
  plan(ctx: PlanContext): Promise<StripeCall> | StripeCall
  /** After success, before traits: anything else the local copy needs (e.g. new discounts). */
  afterStripe?(ctx: { stripe: Stripe; scope: Scope; sub: Stripe.Subscription }): Promise<void>
}

export type ActionAnswer = { result: ActionResult; replayed: boolean }

type RunRow = typeof actionRuns.$inferSelect
type StoredFailure = {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> }
}

const scopeOf = (caller: Caller): Scope => ({
  accountId: caller.accountId,
  livemode: caller.livemode,
})

/** The caller's synced subscription, or a 404 that says nothing about other accounts. */
export async function findSubscription(
  deps: Pick<AppDeps, 'db'>,
  scope: Scope,
  subscriptionId: string
): Promise<Stripe.Subscription> {
  const [row] = await deps.db
    .select({ data: stripeSubscriptions.data, deletedAt: stripeSubscriptions.deletedAt })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.accountId, scope.accountId),
        eq(stripeSubscriptions.livemode, scope.livemode),
        eq(stripeSubscriptions.id, subscriptionId)
      )
    )
  if (!row || row.deletedAt)
    throw new AppError(
      'not_found',
      `No subscription ${subscriptionId} in this account (${scope.livemode ? 'live' : 'test'} mode).`
    )
  return row.data as Stripe.Subscription
}

export function conflict(reason: string): never {
  throw new AppError('conflict', reason)
}

export async function runAction(
  deps: ActionDeps,
  caller: Caller,
  spec: ActionSpec
): Promise<ActionAnswer> {
  const scope = scopeOf(caller)
  const seen = await findRunByKey(deps, scope, spec.clientKey)
  if (seen) return replay(deps, scope, seen, spec)

  const sub = await findSubscription(deps, scope, spec.subscriptionId)
  const facts = subscriptionFacts(sub)
  const stripe = await stripeForAccount(deps, scope)
  const now = deps.now()
  const call = await spec.plan({ sub, facts, stripe, scope, now })
  const mrrBefore = await subscriptionMrr(deps, scope, facts.customerId, sub.id)

  const [run] = await deps.db
    .insert(actionRuns)
    .values({
      ...scope,
      userId: caller.userId,
      userRoles: caller.roles,
      clientKey: spec.clientKey,
      kind: spec.kind,
      customerId: facts.customerId,
      subscriptionId: sub.id,
      offerId: spec.offerId ?? null,
      params: { request: spec.request, stripe: call },
      state: 'pending',
      mrrBefore,
      startedAt: now,
    })
    .onConflictDoNothing({
      target: [actionRuns.accountId, actionRuns.livemode, actionRuns.clientKey],
    })
    .returning()
  if (!run) {
    // The same key won a race a moment ago (double click): answer as that run does.
    const other = await findRunByKey(deps, scope, spec.clientKey)
    if (!other) throw new Error(`action run for key ${spec.clientKey} vanished`)
    return replay(deps, scope, other, spec)
  }
  return { result: await execute(deps, scope, run, stripe, spec), replayed: false }
}

async function findRunByKey(deps: ActionDeps, scope: Scope, clientKey: string) {
  const [row] = await deps.db
    .select()
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.accountId, scope.accountId),
        eq(actionRuns.livemode, scope.livemode),
        eq(actionRuns.clientKey, clientKey)
      )
    )
  return row
}

async function findRunById(deps: ActionDeps, scope: Scope, id: string) {
  const [row] = await deps.db
    .select()
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.accountId, scope.accountId),
        eq(actionRuns.livemode, scope.livemode),
        eq(actionRuns.id, id)
      )
    )
  return row
}

const WAIT_FOR_PENDING_MS = 10_000
const PENDING_IS_LIVE_MS = 60_000

async function replay(
  deps: ActionDeps,
  scope: Scope,
  seen: RunRow,
  spec: ActionSpec
): Promise<ActionAnswer> {
  if (seen.kind !== spec.kind || seen.subscriptionId !== spec.subscriptionId) {
    throw new AppError(
      'conflict',
      `The idempotency key "${spec.clientKey}" was already used for ${seen.kind} on ${seen.subscriptionId}; send a new key for a new action.`
    )
  }
  let run = seen
  // A double click lands while the first click is still at Stripe: wait for its answer.
  if (
    run.state === 'pending' &&
    deps.now().getTime() - run.startedAt.getTime() < PENDING_IS_LIVE_MS
  ) {
    const deadline = Date.now() + WAIT_FOR_PENDING_MS
    while (run.state === 'pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      run = (await findRunById(deps, scope, run.id)) ?? run
    }
  }
  if (run.state === 'succeeded') return { result: run.result as ActionResult, replayed: true }
  if (run.state === 'failed') {
    const failure = run.result as StoredFailure | null
    // "Try again" failures (rate limit, Stripe unavailable) run again under the same Stripe key.
    if (failure?.error.code !== 'unavailable') {
      throw new AppError(
        failure?.error.code ?? 'unprocessable',
        failure?.error.message ?? run.error ?? 'This action failed.',
        failure?.error.details
      )
    }
  }
  // Unfinished (crashed, or still pending after the wait) or retryable: send the stored request
  // again; Stripe's idempotency on the run id makes sure it applies at most once.
  const stripe = await stripeForAccount(deps, scope)
  return { result: await execute(deps, scope, run, stripe, spec), replayed: true }
}

async function execute(
  deps: ActionDeps,
  scope: Scope,
  run: RunRow,
  stripe: Stripe,
  spec: ActionSpec
): Promise<ActionResult> {
  const call = (run.params as { stripe: StripeCall }).stripe
  const subscriptionId = run.subscriptionId!
  let sub: Stripe.Response<Stripe.Subscription>
  try {
    sub = await callStripe(stripe, subscriptionId, call, run.id)
  } catch (err) {
    const described = describeStripeError(err)
    if (!described) throw err // not Stripe's answer: the run stays pending; a retry resumes it
    const stripeError = toAppError(err)
    const appError = new AppError(stripeError.code, stripeError.message, {
      ...stripeError.details,
      actionId: run.id,
    })
    const failure: StoredFailure = {
      error: { code: appError.code, message: appError.message, details: appError.details },
    }
    await deps.db
      .update(actionRuns)
      .set({
        state: 'failed',
        error: described.message,
        stripeRequestId: described.requestId ?? null,
        result: failure,
        finishedAt: deps.now(),
      })
      .where(eq(actionRuns.id, run.id))
    deps.log.warn('retention action refused by Stripe', {
      actionId: run.id,
      kind: run.kind,
      stripeCode: described.code,
    })
    throw appError
  }

  // Our copy follows Stripe's answer at once; a later webhook with the same state changes nothing.
  const at = Math.floor(deps.now().getTime() / 1000)
  const stored = withDiscountIds(sub)
  await upsertObjects(deps.db, scope, 'subscription', [stored as unknown as StripeObject], {
    at,
    eventId: null,
    replaceSameSecond: true,
  })
  const items = (sub.items?.data ?? []).map((i) => ({ ...i, subscription: sub.id }))
  if (items.length > 0)
    await upsertObjects(deps.db, scope, 'subscription_item', items as unknown as StripeObject[], {
      at,
      eventId: null,
      replaceSameSecond: true,
    })
  try {
    await spec.afterStripe?.({ stripe, scope, sub })
  } catch (err) {
    // Extra reads only speed the local copy up; the webhooks bring the same objects shortly.
    deps.log.warn('after-action fetch failed', {
      actionId: run.id,
      err: describeStripeError(err) ?? String(err),
    })
  }
  const facts = subscriptionFacts(sub)
  await refreshAfterAction(deps, scope, facts.customerId)

  const finishedAt = deps.now()
  const result: ActionResult = {
    actionId: run.id,
    kind: run.kind as ActionKind,
    state: 'succeeded',
    customerId: facts.customerId,
    subscriptionId: sub.id,
    offerId: run.offerId,
    stripeRequestId: sub.lastResponse?.requestId ?? null,
    subscription: subscriptionState(stored),
    finishedAt: finishedAt.toISOString(),
  }
  await deps.db
    .update(actionRuns)
    .set({
      state: 'succeeded',
      stripeRequestId: result.stripeRequestId,
      result,
      error: null,
      finishedAt,
    })
    .where(eq(actionRuns.id, run.id))
  deps.log.info('retention action applied', { actionId: run.id, kind: run.kind })
  return result
}

function callStripe(
  stripe: Stripe,
  subscriptionId: string,
  call: StripeCall,
  idempotencyKey: string
): Promise<Stripe.Response<Stripe.Subscription>> {
  switch (call.method) {
    case 'subscriptions.update':
      return stripe.subscriptions.update(subscriptionId, call.params, { idempotencyKey })
    case 'subscriptions.cancel':
      // DELETE: stripe-node adds no idempotency key of its own, but sends the one we pass.
      return stripe.subscriptions.cancel(subscriptionId, call.params, { idempotencyKey })
    case 'subscriptions.pause':
      return stripe.subscriptions.pause(subscriptionId, call.params, { idempotencyKey })
    case 'subscriptions.resume':
      return stripe.subscriptions.resume(subscriptionId, call.params, { idempotencyKey })
    default:
      throw new Error(`unknown Stripe call ${(call as { method: string }).method}`)
  }
}

/** The subscription's MRR per currency as our synced copy has it ({} when it doesn't count). */
export async function subscriptionMrr(
  deps: Pick<AppDeps, 'db' | 'now'>,
  scope: Scope,
  customerId: string,
  subscriptionId: string
): Promise<MoneyByCurrency> {
  const data = await loadStripeCustomerData(deps.db, scope, customerId)
  if (!data) return {}
  const snapshot = snapshotFromStripe(data)
  const sub = snapshot.subscriptions.find((s) => s.id === subscriptionId)
  const mrr = sub ? computeSubscriptionMrr(sub, deps.now()) : null
  return mrr ? { [mrr.currency]: mrr.amount } : {}
}
