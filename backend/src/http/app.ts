// Hono app factory: middleware, routes, and the one place errors become HTTP answers.
import { Hono } from 'hono'
import { ZodError } from 'zod'
import { AppError } from '../errors'
import type { WebhookSecret } from '../sync/webhook-endpoints'
import type { AppDeps } from '../kernel/deps'
import type { AppEnv } from './context'
import { requestContext } from './middleware/request-context'
import { bodyLimits } from './middleware/body-limits'
import { describeDataError, isDataError } from '../db/errors'
import { cors } from 'hono/cors'
import { extensionHeaders, verifyExtensionSignature } from './middleware/extension-auth'
import { enforceRolePolicy } from './middleware/role-policy'
import { securityHeaders } from './middleware/security-headers'
import { accountRoutes } from './routes/account'
import { actionRoutes } from './routes/actions'
import { healthRoutes } from './routes/health'
import { operatorRoutes } from './routes/operator'
import { oauthRoutes } from './routes/oauth'
import { offerRoutes } from './routes/offers'
import { webhookRoutes } from './routes/webhooks'
import { customerRoutes } from './routes/customers'
import { openApiRoutes } from './routes/openapi'
import { outboundRoutes } from './routes/outbound'
import { roleRoutes } from './routes/roles'
import { segmentRoutes } from './routes/segments'
import { stageRoutes } from './routes/stages'
import { syncRoutes } from './routes/sync'
import { subscriptionRoutes } from './routes/subscriptions'
import { ingestSettingsRoutes, trackRoutes } from './routes/track'

export type AppWiring = {
  webhookSecrets: () => Promise<WebhookSecret[]>
  onEventStored: () => void
}

export function createApp(deps: AppDeps, wiring: AppWiring) {
  const app = new Hono<AppEnv>()
  app.use('*', requestContext(deps.log))
  app.use('*', securityHeaders(deps.config.publicUrl))
  app.use('*', bodyLimits())
  app.route('/', healthRoutes(deps))
  app.route('/', operatorRoutes(deps))
  app.route('/', oauthRoutes(deps))
  app.route('/', webhookRoutes(deps, wiring.webhookSecrets, wiring.onEventStored))
  app.route('/', openApiRoutes(deps))
  app.route('/', trackRoutes(deps))

  // The Stripe App runs in a sandboxed iframe whose origin is "null": CORS must allow any origin.
  app.use(
    '/api/*',
    cors({
      origin: '*',
      allowHeaders: [
        'Stripe-Signature',
        'Content-Type',
        'Idempotency-Key',
        ...Object.values(extensionHeaders),
      ],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      maxAge: 600,
    })
  )
  app.use('/api/*', verifyExtensionSignature(deps))
  app.use('/api/*', enforceRolePolicy(deps))
  app.route('/api/v1', accountRoutes(deps))
  app.route('/api/v1', customerRoutes(deps))
  app.route('/api/v1', subscriptionRoutes(deps))
  app.route('/api/v1', segmentRoutes(deps))
  app.route('/api/v1', stageRoutes(deps))
  app.route('/api/v1', syncRoutes(deps))
  app.route('/api/v1', ingestSettingsRoutes(deps))
  app.route('/api/v1', outboundRoutes(deps))
  app.route('/api/v1', actionRoutes(deps))
  app.route('/api/v1', offerRoutes(deps))
  app.route('/api/v1', roleRoutes(deps))

  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } },
      404
    )
  )

  app.onError((err, c) => {
    const requestId = c.get('requestId')
    if (err instanceof AppError) {
      if (err.status >= 500) deps.log.error(err.message, { code: err.code })
      return c.json(
        { error: { code: err.code, message: err.message, ...err.details, requestId } },
        err.status
      )
    }
    if (err instanceof ZodError) {
      const fields = err.issues.map((issue) => ({
        field: issue.path.join('.') || '(body)',
        message: issue.message,
      }))
      const message = `Invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`
      return c.json({ error: { code: 'bad_request', message, fields, requestId } }, 400)
    }
    // A value Postgres refused (NUL, out-of-range number or date) came from the client.
    if (isDataError(err)) {
      const message = describeDataError(err)
      deps.log.warn('value refused by the database', { path: c.req.path, message })
      return c.json({ error: { code: 'bad_request', message, requestId } }, 400)
    }
    deps.log.error('unhandled error', { err, path: c.req.path })
    return c.json(
      {
        error: {
          code: 'internal',
          message: `Something went wrong on our side. Quote request id ${requestId} to support.`,
          requestId,
        },
      },
      500
    )
  })
  return app
}

export type App = ReturnType<typeof createApp>
