// Events (last 30 days) and webhook endpoints.
import type Stripe from 'stripe'
import { randomBytes } from 'node:crypto'
import { route, type Ctx, type Route } from '../context'
import { invalidParam, missingParam } from '../errors'
import { matchesType } from '../events'
import { paginate } from '../list'
import {
  mergeMetadata,
  optBool,
  optNullableString,
  optString,
  optStringArray,
  reqString,
} from '../params'
import { must, pathId, respond } from './shared'

const RETENTION = 30 * 86_400

function listEvents(ctx: Ctx): unknown {
  const p = ctx.params
  const type = optString(p, 'type')
  const types = optStringArray(p, 'types')
  if (type && types)
    throw invalidParam('types', 'You may only specify one of these parameters: type, types.')
  if (types && types.length > 20) throw invalidParam('types', 'You may pass at most 20 types.')
  const cutoff = ctx.now - RETENTION
  const page = paginate(
    ctx.state.events,
    p,
    '/v1/events',
    'event',
    (e) =>
      e.created >= cutoff &&
      (type === undefined || matchesType(e.type, type)) &&
      (types === undefined || types.some((t) => matchesType(e.type, t)))
  )
  return respond(ctx, page)
}

function retrieveEvent(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const event = must(ctx.state.events.get(id), 'event', id)
  if (event.created < ctx.now - RETENTION) must(undefined, 'event', id)
  return respond(ctx, event)
}

function createEndpoint(ctx: Ctx): unknown {
  const p = ctx.params
  const url = reqString(p, 'url')
  const enabled = optStringArray(p, 'enabled_events')
  if (!enabled?.length) throw missingParam('enabled_events')
  const endpoint: Stripe.WebhookEndpoint = {
    id: ctx.state.id('we'),
    object: 'webhook_endpoint',
    api_version: optString(p, 'api_version') ?? null,
    application: null,
    created: ctx.now,
    description: optString(p, 'description') ?? null,
    enabled_events: enabled,
    livemode: ctx.state.livemode,
    metadata: mergeMetadata({}, p),
    status: 'enabled',
    url,
  }
  const connect = optBool(p, 'connect') ?? false
  if (connect) ctx.state.connectEndpoints.add(endpoint.id)
  const secret = `whsec_${randomBytes(24).toString('hex')}`
  ctx.state.webhookEndpoints.insert(endpoint)
  ctx.state.webhookSecrets.set(endpoint.id, secret)
  return { ...(respond(ctx, endpoint) as object), secret }
}

function updateEndpoint(ctx: Ctx): unknown {
  const id = pathId(ctx)
  const endpoint = must(ctx.state.webhookEndpoints.get(id), 'webhook_endpoint', id)
  const p = ctx.params
  const url = optString(p, 'url')
  if (url) endpoint.url = url
  const enabled = optStringArray(p, 'enabled_events')
  if (enabled?.length) endpoint.enabled_events = enabled
  if (p.description !== undefined)
    endpoint.description = optNullableString(p, 'description') ?? null
  const disabled = optBool(p, 'disabled')
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled'
  endpoint.metadata = mergeMetadata(endpoint.metadata, p)
  return respond(ctx, endpoint)
}

function deleteEndpoint(ctx: Ctx): unknown {
  const id = pathId(ctx)
  must(ctx.state.webhookEndpoints.get(id), 'webhook_endpoint', id)
  ctx.state.webhookEndpoints.delete(id)
  ctx.state.webhookSecrets.delete(id)
  ctx.state.connectEndpoints.delete(id)
  return { id, object: 'webhook_endpoint', deleted: true }
}

export const eventRoutes: Route[] = [
  route('GET', '/v1/events', 'events', listEvents),
  route('GET', '/v1/events/:id', 'events', retrieveEvent),
  route('POST', '/v1/webhook_endpoints', 'webhook_endpoints', createEndpoint),
  route('GET', '/v1/webhook_endpoints', 'webhook_endpoints', (ctx) =>
    respond(
      ctx,
      paginate(ctx.state.webhookEndpoints, ctx.params, '/v1/webhook_endpoints', 'webhook_endpoint')
    )
  ),
  route('GET', '/v1/webhook_endpoints/:id', 'webhook_endpoints', (ctx) =>
    respond(ctx, must(ctx.state.webhookEndpoints.get(pathId(ctx)), 'webhook_endpoint', pathId(ctx)))
  ),
  route('POST', '/v1/webhook_endpoints/:id', 'webhook_endpoints', updateEndpoint),
  route('DELETE', '/v1/webhook_endpoints/:id', 'webhook_endpoints', deleteEndpoint),
]
