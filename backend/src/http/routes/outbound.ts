// Downstream webhook endpoints (secret shown once, sealed at rest) and their delivery log.
import { Hono } from 'hono'
import { OutboundEndpointCreate, OutboundEndpointUpdate } from '@holdfast/shared/api/outbound'
import { AppError } from '../../errors'
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listDeliveries,
  listEndpoints,
  updateEndpoint,
} from '../../outbound/endpoints'
import { createEndpointSecret } from '../../outbound/sign'
import { checkOutboundTarget } from '../../outbound/target-guard'
import type { AppDeps } from '../../kernel/deps'
import type { Scope } from '../../kernel/scope'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'
import { jsonBody } from '../json-body'

export function outboundRoutes(deps: AppDeps) {
  // A name that does not resolve yet may be registered: every delivery resolves and checks again.
  // Live payloads carry real customers' data, so live mode takes https only.
  async function assertAllowedTarget(url: string, livemode: boolean) {
    if (livemode && new URL(url).protocol !== 'https:')
      throw new AppError(
        'bad_request',
        'Live-mode webhook URLs must use https: the payloads carry customer data'
      )
    const check = await checkOutboundTarget(deps.outboundTargets, new URL(url), {
      unresolved: 'accept',
    })
    if (!check.ok)
      throw new AppError(
        'bad_request',
        `Webhook URLs must reach the public internet, and ${check.reason}; use a public URL`
      )
  }

  async function find(scope: Scope, id: string) {
    const endpoint = await findEndpoint(deps, scope, id)
    if (!endpoint) throw new AppError('not_found', `No webhook endpoint ${id} here`)
    return endpoint
  }

  return new Hono<AppEnv>()
    .get('/outbound/endpoints', async (c) => {
      const scope = scopeOf(c.get('caller'))
      return c.json({ endpoints: await listEndpoints(deps, scope) })
    })
    .post('/outbound/endpoints', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const input = OutboundEndpointCreate.parse(await jsonBody(c))
      await assertAllowedTarget(input.url, scope.livemode)
      const secret = createEndpointSecret()
      const endpoint = await insertEndpoint(deps, scope, {
        url: input.url,
        eventTypes: input.eventTypes,
        secretEnc: deps.secretBox.seal(secret),
      })
      return c.json({ ...endpoint, secret }, 201)
    })
    .patch('/outbound/endpoints/:id', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const endpoint = await find(scope, c.req.param('id'))
      const input = OutboundEndpointUpdate.parse(await jsonBody(c))
      if (input.url !== undefined) await assertAllowedTarget(input.url, scope.livemode)
      return c.json(await updateEndpoint(deps, scope, endpoint.id, input))
    })
    .delete('/outbound/endpoints/:id', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const endpoint = await find(scope, c.req.param('id'))
      await deleteEndpoint(deps, scope, endpoint.id)
      return c.json({ id: endpoint.id, deleted: true })
    })
    .get('/outbound/endpoints/:id/deliveries', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const endpoint = await find(scope, c.req.param('id'))
      return c.json({ deliveries: await listDeliveries(deps, scope, endpoint.id) })
    })
}
