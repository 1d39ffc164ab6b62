import { Hono } from 'hono'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'

export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/healthz', async (c) => {
    const db = await deps.database.ping()
    return c.json({ ok: db, db }, db ? 200 : 503)
  })
}
