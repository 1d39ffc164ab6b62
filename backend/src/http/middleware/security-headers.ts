// Security headers on every answer, errors and 404s included (hono/secure-headers), and
// Cache-Control: no-store unless a route chose otherwise: answers carry merchant data.
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../context'

export function securityHeaders(publicUrl: string): MiddlewareHandler<AppEnv> {
  const headers = secureHeaders({
    // Our only HTML (operator page, sign-in, OAuth result) uses inline styles and posts forms to us.
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    // HSTS only means something over https (a browser ignores it on http).
    strictTransportSecurity: publicUrl.startsWith('https:') ? 'max-age=31536000' : false,
    // The Stripe App calls /api/* from another origin (its sandboxed iframe), through CORS.
    crossOriginResourcePolicy: false,
  })
  return async (c, next) => {
    await headers(c, next)
    if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store')
  }
}
