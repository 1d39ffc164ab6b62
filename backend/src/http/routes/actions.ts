// Retention actions on a subscription, the change-plan preview, and the audit list + summary.
// Account, user and mode come only from the verified Stripe App signature (`caller`).
import { Hono, type Context } from 'hono'
import {
  ActionListQuery,
  ApplyDiscountRequest,
  CancelRequest,
  ChangePlanPreviewRequest,
  ChangePlanRequest,
  ExtendTrialRequest,
  PauseCollectionRequest,
  PauseSubscriptionRequest,
  ReactivateRequest,
  ResumeCollectionRequest,
  ResumeSubscriptionRequest,
} from '@holdfast/shared/api/actions'
import { applyDiscount, checkApplyDiscount } from '../../actions/apply-discount'
import { cancelSubscription } from '../../actions/cancel'
import { changePlan, previewPlanChange } from '../../actions/change-plan'
import { extendTrial } from '../../actions/extend-trial'
import { listActions, summarizeActions } from '../../actions/outcomes'
import { pauseCollection } from '../../actions/pause-collection'
import { pauseSubscription, resumeSubscription } from '../../actions/pause-subscription'
import { reactivate } from '../../actions/reactivate'
import { resumeCollection } from '../../actions/resume-collection'
import type { ActionAnswer } from '../../actions/run-action'
import { AppError } from '../../errors'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { jsonBody } from '../json-body'

/** The click's idempotency key: `Idempotency-Key` header or `clientKey` in the body. */
function clientKeyOf(c: Context<AppEnv>, body: { clientKey?: string }): string {
  const header = c.req.header('idempotency-key')?.trim()
  if (header && body.clientKey && header !== body.clientKey)
    throw new AppError(
      'bad_request',
      'The Idempotency-Key header and clientKey in the body differ; send one key.'
    )
  const key = header || body.clientKey
  if (!key)
    throw new AppError(
      'bad_request',
      'Send an Idempotency-Key header (or clientKey in the body), one per click, so a repeated click applies once.'
    )
  if (key.length > 200)
    throw new AppError('bad_request', 'The idempotency key is over 200 characters.')
  return key
}

function answer(c: Context<AppEnv>, { result, replayed }: ActionAnswer) {
  if (replayed) c.header('idempotent-replayed', 'true')
  return c.json(result)
}

export function actionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .post('/subscriptions/:id/pause-collection', async (c) => {
      const input = PauseCollectionRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await pauseCollection(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .post('/subscriptions/:id/resume-collection', async (c) => {
      const input = ResumeCollectionRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      return answer(
        c,
        await resumeCollection(deps, c.get('caller'), {
          subscriptionId: c.req.param('id'),
          clientKey,
        })
      )
    })
    .post('/subscriptions/:id/pause-subscription', async (c) => {
      const input = PauseSubscriptionRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await pauseSubscription(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .post('/subscriptions/:id/resume-subscription', async (c) => {
      const input = ResumeSubscriptionRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await resumeSubscription(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .post('/subscriptions/:id/apply-discount', async (c) => {
      const input = ApplyDiscountRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await applyDiscount(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .post('/subscriptions/:id/apply-discount/check', async (c) => {
      const input = ApplyDiscountRequest.parse(await jsonBody(c))
      return c.json(
        await checkApplyDiscount(deps, c.get('caller'), {
          ...input,
          subscriptionId: c.req.param('id'),
        })
      )
    })
    .post('/subscriptions/:id/change-plan/preview', async (c) => {
      const input = ChangePlanPreviewRequest.parse(await jsonBody(c))
      return c.json(
        await previewPlanChange(deps, c.get('caller'), {
          ...input,
          subscriptionId: c.req.param('id'),
        })
      )
    })
    .post('/subscriptions/:id/change-plan', async (c) => {
      const input = ChangePlanRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await changePlan(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .post('/subscriptions/:id/cancel', async (c) => {
      const input = CancelRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await cancelSubscription(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .post('/subscriptions/:id/reactivate', async (c) => {
      const input = ReactivateRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      return answer(
        c,
        await reactivate(deps, c.get('caller'), { subscriptionId: c.req.param('id'), clientKey })
      )
    })
    .post('/subscriptions/:id/extend-trial', async (c) => {
      const input = ExtendTrialRequest.parse(await jsonBody(c))
      const clientKey = clientKeyOf(c, input)
      const subscriptionId = c.req.param('id')
      return answer(
        c,
        await extendTrial(deps, c.get('caller'), { ...input, subscriptionId, clientKey })
      )
    })
    .get('/actions/summary', async (c) => {
      const caller = c.get('caller')
      return c.json(
        await summarizeActions(deps, { accountId: caller.accountId, livemode: caller.livemode })
      )
    })
    .get('/actions', async (c) => {
      const caller = c.get('caller')
      const query = ActionListQuery.parse(c.req.query())
      return c.json(
        await listActions(deps, { accountId: caller.accountId, livemode: caller.livemode }, query)
      )
    })
}
