// The HTTP side: auth, rate limits, latency, injected faults, idempotency, permissions, routing.
import { Hono, type Context } from 'hono'
import { authenticate, checkPermission, keyFromHeader, type Caller } from './auth'
import type { Route } from './context'
import type { Emulator } from './emulator'
import { StripeApiError, apiError, rateLimited, unknownRoute } from './errors'
import { parseForm, type FormObject } from './form'
import { checkExpand, checkParams } from './validate'
import { expandOf } from './resources/shared'
import { OAuthError } from './oauth'
import { accountRoutes } from './resources/account'
import { customerRoutes } from './resources/customers'
import { paymentMethodRoutes } from './resources/payment-methods'
import { productRoutes } from './resources/products'
import { priceRoutes } from './resources/prices'
import { couponRoutes } from './resources/coupons'
import { subscriptionRoutes } from './resources/subscriptions'
import { invoiceRoutes } from './resources/invoices'
import { eventRoutes } from './resources/events'
import { API_VERSION } from './events'

export const ROUTES: Route[] = [
  ...accountRoutes,
  ...customerRoutes,
  ...paymentMethodRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...couponRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...eventRoutes,
]

const IDEMPOTENCY_TTL = 24 * 3600

type Reply = { status: number; body: unknown; headers?: Record<string, string> }

export function buildApp(em: Emulator): Hono {
  const app = new Hono()

  app.get('/oauth/v2/authorize', (c) => {
    const q = c.req.query()
    try {
      const location = em.authorizeByClientId({
        clientId: q.client_id ?? '',
        accountId: q.account,
        redirectUri: q.redirect_uri ?? '',
        state: q.state ?? '',
        deny: q.deny === 'true' || q.deny === '1',
      })
      return c.redirect(location, 302)
    } catch (err) {
      return c.json({ error: 'invalid_request', error_description: (err as Error).message }, 400)
    }
  })

  for (const path of ['/v1/oauth/token', '/oauth/token']) {
    app.post(path, async (c) => {
      const requestId = em.requestId()
      const params = parseForm(await c.req.text())
      try {
        const body = em.oauthToken(keyFromHeader(c.req.header('authorization')), params)
        return c.json(body, 200, { 'request-id': requestId })
      } catch (err) {
        if (err instanceof OAuthError)
          return c.json(err.body(), err.status as 400, { 'request-id': requestId })
        throw err
      }
    })
  }

  for (const r of ROUTES) {
    app.on(r.method, r.path, (c) => send(c, handle(em, c, r)))
  }

  app.all('*', (c) => {
    const err = unknownRoute(c.req.method, new URL(c.req.url).pathname)
    const requestId = em.requestId()
    return c.json(err.body(requestId), 404, { 'request-id': requestId })
  })

  return app
}

async function send(c: Context, reply: Promise<Reply>): Promise<Response> {
  const r = await reply
  return new Response(typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2), {
    status: r.status,
    headers: { 'content-type': 'application/json', ...r.headers },
  })
}

async function handle(em: Emulator, c: Context, r: Route): Promise<Reply> {
  const requestId = em.requestId()
  const baseHeaders: Record<string, string> = {
    'request-id': requestId,
    'stripe-version': API_VERSION,
  }
  const endpoint = `${r.method} ${r.path}`
  const url = new URL(c.req.url)
  em.faults.countRequest(endpoint)
  const fail = (err: StripeApiError, extra: Record<string, string> = {}): Reply => ({
    status: err.status,
    body: err.body(requestId),
    headers: { ...baseHeaders, ...extra },
  })

  let caller: Caller
  try {
    caller = authenticate(
      em.keys,
      c.req.header('authorization'),
      c.req.header('stripe-account'),
      em.now(),
      (platformId, accountId) => em.isConnected(platformId, accountId)
    )
  } catch (err) {
    if (err instanceof StripeApiError) return fail(err)
    throw err
  }

  const limited = em.faults.takeRateLimit(caller.accountId, caller.mode, endpoint)
  if (limited) return fail(rateLimited(), { 'stripe-rate-limited-reason': limited })

  const latency = em.faults.latencyMs()
  if (latency > 0) await sleep(latency)

  const rule = em.faults.match(r.method, url.pathname, caller.accountId)
  if (rule?.timeout) {
    await sleep(rule.timeoutMs ?? 30_000)
    return fail(apiError(504))
  }
  if (rule && !rule.afterExecuting)
    return fail(apiError(rule.status ?? 500), { 'stripe-should-retry': 'true' })

  const query = parseForm(url.search.slice(1))
  const body = r.method === 'POST' ? parseForm(await c.req.text()) : {}
  const params: FormObject = { ...query, ...body }
  const state = em.account(caller.accountId, caller.mode)

  const idempotencyKey = c.req.header('idempotency-key') ?? null
  // Stripe: keys on GET and DELETE have no effect (docs/stripe-rules.md §5).
  const idemKey = idempotencyKey && r.method === 'POST' ? idempotencyKey : null
  const fingerprint = JSON.stringify([r.method, url.pathname, params])
  if (idempotencyKey) state.sentWithKey.set(idempotencyKey, fingerprint)
  if (idemKey) {
    const saved = state.idempotency.get(idemKey)
    if (saved && saved.createdAt + IDEMPOTENCY_TTL > em.now()) {
      if (saved.fingerprint !== fingerprint) {
        return fail(
          new StripeApiError(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`
          )
        )
      }
      return {
        status: saved.status,
        body: saved.body,
        headers: {
          ...baseHeaders,
          'idempotent-replayed': 'true',
          'original-request': saved.requestId,
        },
      }
    }
  }

  let reply: Reply
  try {
    if (r.resource) checkPermission(caller, r.resource, r.access ?? 'read')
    checkParams(endpoint, params)
    checkExpand(endpoint, expandOf(params))
    const ctx = em.context(state, {
      caller,
      params,
      path: c.req.param(),
      requestId,
      idempotencyKey,
    })
    const result = r.handler(ctx)
    reply = { status: 200, body: result, headers: baseHeaders }
  } catch (err) {
    if (!(err instanceof StripeApiError)) throw err
    reply = fail(err)
  }
  const executed = reply.status < 400 || reply.status === 402
  if (rule?.afterExecuting && executed) reply = fail(apiError(rule.status ?? 500))
  // Stripe saves results once an endpoint starts executing, a 500 included; validation failures
  // are not saved (docs/stripe-rules.md §5).
  if (idemKey && executed) {
    state.idempotency.set(idemKey, {
      method: r.method,
      path: url.pathname,
      fingerprint,
      status: reply.status,
      body: JSON.stringify(reply.body, null, 2),
      createdAt: em.now(),
      requestId,
    })
  }
  return reply
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
