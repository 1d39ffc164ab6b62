// GET /v1/account: the account the key acts for (a restricted key needs no extra permission here).
import type Stripe from 'stripe'
import { route, type Ctx, type Route } from '../context'

function accountObject(ctx: Ctx): Stripe.Account {
  return {
    id: ctx.state.accountId,
    object: 'account',
    business_profile: null,
    business_type: null,
    charges_enabled: true,
    controller: { type: 'account' },
    country: 'US',
    created: 1_700_000_000,
    default_currency: 'usd',
    details_submitted: true,
    email: null,
    payouts_enabled: true,
    settings: null,
    type: 'standard',
  } as Stripe.Account
}

export const accountRoutes: Route[] = [
  route('GET', '/v1/account', null, (ctx) => accountObject(ctx)),
]
