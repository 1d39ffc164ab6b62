// Marketplace install: /oauth/install sends the merchant to Stripe with a signed single-use state;
// /oauth/callback checks it, exchanges the code, stores the tokens sealed, queues the first import.
import { Hono } from 'hono'
import { z } from 'zod'
import { createOAuthState, consumeOAuthState } from '../../accounts/oauth-state'
import { saveOAuthGrant } from '../../accounts/credentials'
import { AppError } from '../../errors'
import { requestOAuthToken } from '../../stripe/oauth'
import { modeOf } from '../../stripe/mode'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { queueImportAfterInstall } from '../../sync/backfill'
import { htmlPage } from '../html'

const InstallQuery = z.object({ mode: z.enum(['test', 'live']).default('test') })
const CallbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
})

export function oauthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/oauth/install', async (c) => {
      const { mode } = InstallQuery.parse(c.req.query())
      const clientId = deps.config.stripe.clientId[mode]
      if (!clientId || !deps.config.stripe.secretKey[mode]) {
        throw new AppError(
          'unavailable',
          `Installing in ${mode} mode is not set up: set STRIPE_CLIENT_ID_${mode.toUpperCase()} and STRIPE_SECRET_KEY_${mode.toUpperCase()}.`
        )
      }
      const url = new URL(deps.config.stripe.authorizeUrl)
      url.searchParams.set('client_id', clientId)
      url.searchParams.set('redirect_uri', `${deps.config.publicUrl}/oauth/callback`)
      url.searchParams.set(
        'state',
        await createOAuthState(deps, mode, deps.config.oauthPendingInstallsMax)
      )
      return c.redirect(url.toString(), 302)
    })
    .get('/oauth/callback', async (c) => {
      const parsed = CallbackQuery.safeParse(c.req.query())
      const query = parsed.success ? parsed.data : {}
      const fail = (message: string) => c.html(htmlPage('Holdfast was not installed', message), 400)

      if (!query.state)
        return fail('The install link is incomplete (no state). Start the install again.')
      const state = await consumeOAuthState(deps, query.state)
      if (!state.ok && state.why === 'used') {
        return fail(
          'This install link was already used: each link installs once. If Holdfast is not installed yet, start the install again from the Stripe App Marketplace.'
        )
      }
      if (!state.ok) {
        return fail(
          'This install link has expired or was already used. Start the install again from the Stripe App Marketplace.'
        )
      }
      const { mode } = state
      if (query.error) {
        const why =
          query.error === 'access_denied'
            ? 'You declined the permissions Holdfast asks for.'
            : (query.error_description ?? query.error)
        return fail(`${why} Nothing was installed; you can start again at any time.`)
      }
      if (!query.code) return fail('Stripe sent no authorization code. Start the install again.')

      let grant
      try {
        grant = await requestOAuthToken(deps.stripe, mode, {
          grant_type: 'authorization_code',
          code: query.code,
        })
      } catch (err) {
        if (err instanceof AppError && err.code !== 'bad_request') throw err
        deps.log.warn('oauth code exchange failed', { mode, err })
        return fail(
          'Stripe did not accept this install (the code is invalid or expired). Start the install again.'
        )
      }
      await saveOAuthGrant(deps, grant)
      await queueImportAfterInstall(deps, { accountId: grant.accountId, livemode: grant.livemode })
      deps.log.info('installed', { accountId: grant.accountId, mode: modeOf(grant.livemode) })
      const dashboard = `https://dashboard.stripe.com/${grant.livemode ? '' : 'test/'}apps/${deps.config.stripe.appId}`
      return c.html(
        htmlPage(
          'Holdfast is installed',
          `Account ${grant.accountId} is connected in ${mode} mode. Your Stripe data is being imported now.`,
          { href: dashboard, label: 'Back to the Stripe Dashboard' }
        ),
        200
      )
    })
}
