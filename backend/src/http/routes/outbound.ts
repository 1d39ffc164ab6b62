// Downstream webhook endpoints (secret shown once, sealed at rest) and their delivery log.
import { and, desc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import {
  OutboundEndpointCreate,
  OutboundEndpointUpdate,
  type OutboundEndpoint,
} from '@holdfast/shared/api/outbound'
import { outboundDeliveries, outboundEndpoints } from '../../db/schema'
import { AppError } from '../../errors'
import { createEndpointSecret } from '../../outbound/sign'
import { checkOutboundTarget } from '../../outbound/target-guard'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'
import { jsonBody } from '../json-body'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function view(row: typeof outboundEndpoints.$inferSelect): OutboundEndpoint {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes as OutboundEndpoint['eventTypes'],
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
  }
}

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

  async function find(scope: { accountId: string; livemode: boolean }, id: string) {
    const [row] = UUID.test(id)
      ? await deps.db
          .select()
          .from(outboundEndpoints)
          .where(
            and(
              eq(outboundEndpoints.id, id),
              eq(outboundEndpoints.accountId, scope.accountId),
              eq(outboundEndpoints.livemode, scope.livemode)
            )
          )
      : []
    if (!row) throw new AppError('not_found', `No webhook endpoint ${id} here`)
    return row
  }

  return new Hono<AppEnv>()
    .get('/outbound/endpoints', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const rows = await deps.db
        .select()
        .from(outboundEndpoints)
        .where(
          and(
            eq(outboundEndpoints.accountId, scope.accountId),
            eq(outboundEndpoints.livemode, scope.livemode)
          )
        )
        .orderBy(outboundEndpoints.createdAt)
      return c.json({ endpoints: rows.map(view) })
    })
    .post('/outbound/endpoints', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const input = OutboundEndpointCreate.parse(await jsonBody(c))
      await assertAllowedTarget(input.url, scope.livemode)
      const secret = createEndpointSecret()
      const [row] = await deps.db
        .insert(outboundEndpoints)
        .values({
          ...scope,
          url: input.url,
          eventTypes: [...new Set(input.eventTypes)],
          secretEnc: deps.secretBox.seal(secret),
        })
        .returning()
      return c.json({ ...view(row!), secret }, 201)
    })
    .patch('/outbound/endpoints/:id', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const row = await find(scope, c.req.param('id'))
      const input = OutboundEndpointUpdate.parse(await jsonBody(c))
      if (input.url !== undefined) await assertAllowedTarget(input.url, scope.livemode)
      const [updated] = await deps.db
        .update(outboundEndpoints)
        .set({
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.eventTypes !== undefined ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        })
        .where(eq(outboundEndpoints.id, row.id))
        .returning()
      return c.json(view(updated!))
    })
    .delete('/outbound/endpoints/:id', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const row = await find(scope, c.req.param('id'))
      await deps.db.delete(outboundEndpoints).where(eq(outboundEndpoints.id, row.id))
      return c.json({ id: row.id, deleted: true })
    })
    .get('/outbound/endpoints/:id/deliveries', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const row = await find(scope, c.req.param('id'))
      const deliveries = await deps.db
        .select()
        .from(outboundDeliveries)
        .where(
          and(
            eq(outboundDeliveries.endpointId, row.id),
            eq(outboundDeliveries.accountId, scope.accountId),
            eq(outboundDeliveries.livemode, scope.livemode)
          )
        )
        .orderBy(desc(outboundDeliveries.createdAt))
        .limit(100)
      return c.json({
        deliveries: deliveries.map((d) => ({
          id: d.id,
          eventType: d.eventType,
          state: d.state,
          attempts: d.attempts,
          lastStatus: d.lastStatus,
          lastError: d.lastError,
          createdAt: d.createdAt.toISOString(),
          deliveredAt: d.deliveredAt?.toISOString() ?? null,
          payload: d.payload,
        })),
      })
    })
}
