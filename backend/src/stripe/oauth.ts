// Stripe Apps OAuth token endpoint (POST /v1/oauth/token), authenticated with our own platform
// secret key of the same mode. stripe.oauth.token() targets Connect OAuth, so we use rawRequest.
// @see https://docs.stripe.com/stripe-apps/api-authentication/oauth
import { z } from 'zod'
import { AppError } from '../errors'
import type { StripeFactory } from './client'
import type { Mode } from './mode'

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  scope: z.string().optional(),
  livemode: z.boolean(),
  stripe_user_id: z.string().startsWith('acct_'),
})

export type OAuthGrant = {
  accountId: string
  livemode: boolean
  accessToken: string
  refreshToken: string
  scope: string | undefined
}

export async function requestOAuthToken(
  stripe: StripeFactory,
  mode: Mode,
  params:
    | { grant_type: 'authorization_code'; code: string }
    | { grant_type: 'refresh_token'; refresh_token: string }
): Promise<OAuthGrant> {
  const platform = stripe.platform(mode)
  if (!platform) {
    throw new AppError(
      'unavailable',
      `Holdfast is not set up for ${mode} mode: set STRIPE_SECRET_KEY_${mode.toUpperCase()}.`
    )
  }
  const raw: unknown = await platform.rawRequest('POST', '/v1/oauth/token', params)
  const body = TokenResponse.parse(raw)
  if (body.livemode !== (mode === 'live')) {
    throw new AppError(
      'bad_request',
      `Stripe granted a ${body.livemode ? 'live' : 'test'} token to a ${mode}-mode install.`
    )
  }
  return {
    accountId: body.stripe_user_id,
    livemode: body.livemode,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    scope: body.scope,
  }
}
