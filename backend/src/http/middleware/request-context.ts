// Gives every request an id (or keeps the caller's), logs it, and scopes log lines to it.
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { withLogContext, type Logger } from '../../log'
import type { AppEnv } from '../context'

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : `req_${randomUUID()}`
    c.set('requestId', requestId)
    c.header('x-request-id', requestId)
    const started = performance.now()
    await withLogContext({ requestId }, async () => {
      await next()
      const ms = Math.round((performance.now() - started) * 10) / 10
      log.debug('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms })
    })
  }
}
