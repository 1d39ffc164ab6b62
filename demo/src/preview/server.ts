// The preview server: serves the Dashboard-like frame (host.tsx, bundled at start) and signs the
// views' requests the way Stripe does for fetchStripeSignature, with the demo's app secret, for the
// one preview user on the demo merchant. It listens on loopback only; the backend knows nothing of it.
// @see https://docs.stripe.com/stripe-apps/build-backend
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Stripe from 'stripe'
import { z } from 'zod'
import { bundlePreview } from './bundle'

const here = dirname(fileURLToPath(import.meta.url))

export type PreviewOptions = {
  /** The Holdfast service the views call (`constants.API_BASE`). */
  serviceUrl: string
  accountId: string
  accountName: string
  /** The app signing secret the service verifies (`STRIPE_APP_SECRET`). */
  appSecret: string
  port?: number
  userId?: string
  userName?: string
  /** The signing clock (tests pass the emulator's); defaults to the wall clock. */
  now?: () => Date
}

export type PreviewServer = { url: string; close(): Promise<void> }

/** What the frame asks to have signed: the views' fetchStripeSignature extra payload. */
const SignRequest = z.strictObject({
  userId: z.string(),
  extra: z.record(z.string(), z.unknown()),
})

const MAX_BODY_BYTES = 16 * 1024

export async function startPreviewServer(options: PreviewOptions): Promise<PreviewServer> {
  const config = {
    serviceUrl: options.serviceUrl.replace(/\/$/, ''),
    accountId: options.accountId,
    accountName: options.accountName,
    userId: options.userId ?? 'usr_preview_agent',
    userName: options.userName ?? 'Avery Agent',
  }
  const script = await bundlePreview()
  const css = readFileSync(join(here, 'preview.css'), 'utf8')
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Holdfast preview · ${escapeHtml(config.accountName)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/preview/preview.css"></head>
<body><div id="root"></div><script type="module" src="/preview/host.js"></script></body></html>`
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ${config.serviceUrl}`,
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')

  let origins: string[] = []
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, 'text/plain', 'preview error'))
  })
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://preview').pathname
    res.setHeader('Content-Security-Policy', csp)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('Cache-Control', 'no-store')
    if (req.method === 'GET' && (path === '/' || path === '/preview')) {
      res.writeHead(302, { location: '/preview/' }).end()
    } else if (req.method === 'GET' && path === '/preview/') {
      send(res, 200, 'text/html; charset=utf-8', page)
    } else if (req.method === 'GET' && path === '/preview/host.js') {
      send(res, 200, 'text/javascript; charset=utf-8', script)
    } else if (req.method === 'GET' && path === '/preview/preview.css') {
      send(res, 200, 'text/css; charset=utf-8', css)
    } else if (req.method === 'GET' && path === '/preview/config.json') {
      send(res, 200, 'application/json', JSON.stringify(config))
    } else if (req.method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204).end()
    } else if (path === '/preview/sign') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only')
      // Only this page may ask: a cross-site form or fetch carries another Origin (or no JSON).
      const fromPage =
        origins.includes(req.headers.origin ?? '') &&
        origins.includes(`http://${req.headers.host ?? ''}`) &&
        req.headers['content-type']?.startsWith('application/json')
      if (!fromPage) return send(res, 403, 'text/plain', 'signing is for the preview page only')
      const body = await readBody(req)
      if (body === null) return send(res, 413, 'text/plain', 'body too large')
      let parsed
      try {
        parsed = SignRequest.safeParse(JSON.parse(body))
      } catch {
        parsed = null
      }
      if (!parsed?.success) return send(res, 400, 'text/plain', 'expected {userId, extra}')
      if (parsed.data.userId !== config.userId)
        return send(res, 403, 'text/plain', `the preview signs only for ${config.userId}`)
      // Stripe puts the extra keys first, then the signed-in user and account.
      const payload = JSON.stringify({
        ...parsed.data.extra,
        user_id: config.userId,
        account_id: config.accountId,
      })
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: options.appSecret,
        timestamp: Math.floor((options.now?.() ?? new Date()).getTime() / 1000),
      })
      send(res, 200, 'application/json', JSON.stringify({ signature }))
    } else {
      send(res, 404, 'text/plain', 'not found')
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
  return {
    url: `http://127.0.0.1:${port}/preview/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'content-type': type }).end(body)
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        resolve(null)
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )
}
