// GET / — the operator page (plain HTML), and GET /operator.json with the same data.
// Off unless OPERATOR_TOKEN is set, whatever HOST is: a reverse proxy on the same host makes a
// loopback-only service public. Sign-in: Authorization: Bearer, or the cookie POST /login or a
// one-time /login/<code> link sets. Never ?token=: URLs land in logs, history and Referer headers.
import { Hono, type Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../../errors'
import { loadOperatorOverview, type OperatorOverview } from '../../operator/overview'
import {
  OPERATOR_COOKIE,
  OPERATOR_COOKIE_MAX_AGE_S,
  operatorCookieValue,
  readOperatorLoginCode,
  sameSecret,
} from '../../operator/session'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'

export function operatorRoutes(deps: AppDeps) {
  const tokenOrOff = () => {
    const token = deps.config.operatorToken
    if (!token)
      throw new AppError('forbidden', 'The operator page is off: set OPERATOR_TOKEN to turn it on.')
    return token
  }
  const signedIn = (c: Context<AppEnv>) => {
    const token = tokenOrOff()
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1]
    if (bearer !== undefined) return sameSecret(bearer, token)
    const cookie = getCookie(c, OPERATOR_COOKIE)
    return cookie !== undefined && sameSecret(cookie, operatorCookieValue(token))
  }
  const signIn = (c: Context<AppEnv>, token: string) => {
    setCookie(c, OPERATOR_COOKIE, operatorCookieValue(token), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: deps.config.publicUrl.startsWith('https:'),
      path: '/',
      maxAge: OPERATOR_COOKIE_MAX_AGE_S,
    })
    return c.redirect('/', 303)
  }
  // One-time codes already used, until they expire (per process; the demo runs one).
  const usedCodes = new Map<string, number>()

  return new Hono<AppEnv>()
    .get('/', async (c) => {
      if (!signedIn(c)) return c.html(renderSignIn(), 401)
      return c.html(renderOperatorPage(await loadOperatorOverview(deps)))
    })
    .get('/operator.json', async (c) => {
      if (!signedIn(c)) {
        throw new AppError(
          'unauthorized',
          'The operator page needs OPERATOR_TOKEN: send Authorization: Bearer …, or sign in at /login.'
        )
      }
      return c.json(await loadOperatorOverview(deps))
    })
    .get('/login', (c) => {
      tokenOrOff()
      return c.html(renderSignIn())
    })
    .post('/login', async (c) => {
      const token = tokenOrOff()
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const given = typeof form.token === 'string' ? form.token : ''
      if (!sameSecret(given, token)) return c.html(renderSignIn('That is not OPERATOR_TOKEN.'), 401)
      return signIn(c, token)
    })
    .get('/login/:code', (c) => {
      const token = tokenOrOff()
      const now = deps.now()
      for (const [nonce, expiresAt] of usedCodes)
        if (expiresAt <= now.getTime()) usedCodes.delete(nonce)
      const code = readOperatorLoginCode(token, c.req.param('code'), now)
      if (!code || usedCodes.has(code.nonce)) {
        return c.html(renderSignIn('This sign-in link has expired or was already used.'), 401)
      }
      usedCodes.set(code.nonce, code.expiresAt)
      return signIn(c, token)
    })
}

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function renderSignIn(problem?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Holdfast operator: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:4rem auto;padding:0 1rem;color:#1a1f36}input{font:inherit;width:100%;margin:.5rem 0}</style>
</head><body><h1>Holdfast operator</h1>${problem ? `<p role="alert">${esc(problem)}</p>` : ''}
<form method="post" action="/login"><label for="token">OPERATOR_TOKEN</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></body></html>`
}

function renderOperatorPage(o: OperatorOverview): string {
  const accountRows = o.accounts
    .map(
      (a) => `<tr>
  <td><code>${esc(a.accountId)}</code></td><td>${esc(a.mode)}</td>
  <td><span class="badge ${esc(a.status)}">${esc(a.status)}</span></td><td>${esc(a.connection)}</td>
  <td class="num">${a.customers.toLocaleString('en-US')}</td>
  <td>${a.lastSync ? `${esc(a.lastSync.kind)}: <span class="badge ${esc(a.lastSync.state)}">${esc(a.lastSync.state)}</span>${a.lastSync.error ? ` <small>${esc(a.lastSync.error)}</small>` : ''}` : '<small>never</small>'}</td>
  <td>${a.lastWebhookAt ? esc(a.lastWebhookAt.replace('T', ' ').slice(0, 19)) : '<small>none yet</small>'}</td>
</tr>`
    )
    .join('')
  const queueRows = o.queues
    .map((q) => `<tr><td>${esc(q.name)}</td><td class="num">${q.depth}</td></tr>`)
    .join('')
  const failureRows = o.failures
    .map(
      (f) =>
        `<tr><td>${esc(f.at.replace('T', ' ').slice(0, 19))}</td><td>${esc(f.kind)}</td><td><code>${esc(f.accountId)}</code></td><td>${esc(f.what)}</td><td>${esc(f.error)}</td></tr>`
    )
    .join('')
  const w = o.webhooks
  const ms = (v: number | null) => (v === null ? '–' : `${v} ms`)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Holdfast operator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1f36}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e3e8ee}th{color:#697386;font-weight:600}
.num{text-align:right}.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #e3e8ee;border-radius:8px;padding:.7rem 1rem;min-width:10rem}
.card b{display:block;font-size:1.3rem}.badge{padding:.05rem .45rem;border-radius:4px;background:#e3e8ee}
.active,.done{background:#d7f7c2}.needs_reauth,.failed{background:#ffe7f2}.uninstalled{background:#f5f5f5}.running{background:#cff5f6}
small{color:#697386}
</style></head><body>
<h1>Holdfast operator</h1><p><small>Generated ${esc(o.generatedAt)}</small></p>
<div class="cards">
  <div class="card"><small>Accounts</small><b id="accounts-count">${o.accounts.length}</b></div>
  <div class="card"><small>Webhooks waiting</small><b id="webhooks-waiting">${w.unprocessed}</b></div>
  <div class="card"><small>Webhook lag p50 / max (1 h)</small><b id="webhook-lag">${ms(w.lagP50Ms)} / ${ms(w.lagMaxMs)}</b></div>
  <div class="card"><small>Webhooks applied (1 h)</small><b>${w.lastHour.toLocaleString('en-US')}</b></div>
</div>
<h2>Accounts</h2>
<table id="accounts"><thead><tr><th>Account</th><th>Mode</th><th>Status</th><th>Connection</th><th class="num">Customers</th><th>Last sync</th><th>Last webhook (UTC)</th></tr></thead>
<tbody>${accountRows || '<tr><td colspan="7"><small>No account has installed Holdfast yet.</small></td></tr>'}</tbody></table>
<h2>Queues</h2><table id="queues"><thead><tr><th>Queue</th><th class="num">Jobs waiting or running</th></tr></thead><tbody>${queueRows}</tbody></table>
<h2>Recent failures</h2>
<table id="failures"><thead><tr><th>When (UTC)</th><th>Kind</th><th>Account</th><th>What</th><th>Error</th></tr></thead>
<tbody>${failureRows || '<tr><td colspan="5"><small>No failures.</small></td></tr>'}</tbody></table>
</body></html>`
}
