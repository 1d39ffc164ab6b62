// POST /v1/track (the merchant's product, authenticated by an ingest key), and under /api/v1 the
// settings behind it: the ingest key (create/rotate, shown once) and the identity key.
import { Hono } from 'hono'
import { IdentitySetting, TrackRequest } from '@holdfast/shared/api/stages'
import { currentIngestKey, rotateIngestKey, scopeOfIngestKey } from '../../activity/ingest-keys'
import { recordActivity, resolveTrackedCustomer } from '../../activity/track'
import { AppError } from '../../errors'
import { readFeatureSettings, writeFeatureSetting } from '../../stages/settings'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'
import { jsonBody } from '../json-body'

/** Activity stamped further ahead than this is clamped to now (a client clock running fast). */
const FUTURE_SLACK_MS = 5 * 60_000

export function trackRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post('/v1/track', async (c) => {
    const header = c.req.header('authorization') ?? ''
    const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    if (!key)
      throw new AppError(
        'unauthorized',
        'Send your Holdfast ingest key as "Authorization: Bearer hf_ik_…" (create one in Settings)'
      )
    const scope = await scopeOfIngestKey(deps.db, key)
    if (!scope)
      throw new AppError(
        'unauthorized',
        'This ingest key is unknown or was rotated; use the current one'
      )
    const body = TrackRequest.parse(await jsonBody(c))
    const settings = await readFeatureSettings(deps.db, scope)
    const customerId = await resolveTrackedCustomer(deps.db, scope, settings.identity, body)
    const now = deps.now()
    let at =
      body.timestamp === undefined
        ? now
        : typeof body.timestamp === 'number'
          ? new Date(body.timestamp * 1000)
          : new Date(body.timestamp)
    if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) at = now
    const last = await recordActivity(deps, scope, customerId, at)
    return c.json({ customerId, lastActivityAt: last.toISOString() }, 202)
  })
}

export function ingestSettingsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/settings/ingest-key', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const [key, settings] = await Promise.all([
        currentIngestKey(deps.db, scope),
        readFeatureSettings(deps.db, scope),
      ])
      return c.json({
        exists: key !== null,
        createdAt: key?.createdAt.toISOString() ?? null,
        identity: settings.identity,
      })
    })
    .post('/settings/ingest-key', async (c) => {
      const scope = scopeOf(c.get('caller'))
      // Only an installed account gets a key.
      await writeFeatureSetting(
        deps.db,
        scope,
        'identity',
        (await readFeatureSettings(deps.db, scope)).identity
      )
      const created = await rotateIngestKey(deps.db, scope, deps.now())
      return c.json({ key: created.key, createdAt: created.createdAt.toISOString() }, 201)
    })
    .put('/settings/identity', async (c) => {
      const identity = IdentitySetting.parse(await jsonBody(c))
      await writeFeatureSetting(deps.db, scopeOf(c.get('caller')), 'identity', identity)
      return c.json(identity)
    })
}
