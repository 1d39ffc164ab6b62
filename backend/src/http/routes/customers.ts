// GET /customers/:id — the customer panel: traits, segments with explanations, stage, timeline.
import { Hono } from 'hono'
import { CustomerProfileQuery } from '@holdfast/shared/api/customers'
import { loadCustomerProfile } from '../../traits/customer-profile'
import type { AppDeps, Caller } from '../../kernel/deps'
import type { AppEnv } from '../context'

export const scopeOf = (caller: Caller) => ({
  accountId: caller.accountId,
  livemode: caller.livemode,
})

export function customerRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/customers/:id', async (c) => {
    const query = CustomerProfileQuery.parse(c.req.query())
    const profile = await loadCustomerProfile(
      deps,
      scopeOf(c.get('caller')),
      c.req.param('id'),
      query
    )
    return c.json(profile)
  })
}
