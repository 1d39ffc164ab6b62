// GET /subscriptions/:id — the traits of one subscription (its own, not "the" customer's).
// GET /subscriptions/:id/plan-options — its items and the synced prices a plan change can pick.
// GET /subscriptions/:id/discount-options — a page of the synced coupons or promotion codes a
// discount can apply to it (shared/src/plans/discount-options.ts says which).
import { Hono } from 'hono'
import { DiscountOptionsQuery } from '@holdfast/shared/api/actions'
import { discountOptionsOf } from '../../actions/discount-options'
import { planOptionsOf } from '../../actions/plan-options'
import { AppError } from '../../errors'
import { subscriptionTraitsOf } from '../../traits/subscription-traits'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'

/** The answer, or 404 when the subscription is not synced for the caller's account and mode. */
function found<T>(id: string, answer: T | null): T {
  if (answer === null) throw new AppError('not_found', `No synced subscription ${id} here`)
  return answer
}

export function subscriptionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/subscriptions/:id/discount-options', async (c) => {
      const query = DiscountOptionsQuery.parse(c.req.query())
      const id = c.req.param('id')
      const scope = scopeOf(c.get('caller'))
      return c.json(found(id, await discountOptionsOf(deps, scope, id, query)))
    })
    .get('/subscriptions/:id/plan-options', async (c) => {
      const id = c.req.param('id')
      return c.json(found(id, await planOptionsOf(deps, scopeOf(c.get('caller')), id)))
    })
    .get('/subscriptions/:id', async (c) => {
      const id = c.req.param('id')
      return c.json(found(id, await subscriptionTraitsOf(deps, scopeOf(c.get('caller')), id)))
    })
}
