// Size limits on every request body, checked before any route reads it: a Content-Length above
// the limit is refused unread, and a streamed (chunked) body is cut off once it passes the limit.
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError } from '../../errors'
import type { AppEnv } from '../context'

/**
 * Stripe's events are far smaller (lists inside an event are cut at 10 items), so 2 MB leaves a
 * wide margin; JSON API bodies are small (the largest, a segment rule, is tens of KB).
 */
export const BODY_LIMITS = { webhook: 2 * 1024 * 1024, api: 256 * 1024 } as const

function limitTo(maxSize: number, what: string): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: (c) => {
      // The rest of the body is never read: the client must not send its next request on
      // this connection, and Node closes it instead of reading the remainder to discard it.
      c.header('connection', 'close')
      throw new AppError(
        'payload_too_large',
        `The request body is over the ${maxSize / 1024} KB limit for ${what}.`
      )
    },
  })
}

export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const webhook = limitTo(BODY_LIMITS.webhook, 'Stripe webhooks')
  const api = limitTo(BODY_LIMITS.api, 'this API')
  return (c, next) => (c.req.path === '/webhooks/stripe' ? webhook : api)(c, next)
}
