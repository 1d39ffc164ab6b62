// GET / — the operator page (plain HTML), and GET /operator.json with the same data.
// Open on a loopback-only service; anywhere else it needs OPERATOR_TOKEN (Bearer, or ?token=).
import { timingSafeEqual } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { AppError } from '../../errors'
import { loadOperatorOverview, type OperatorOverview } from '../../operator/overview'
import type { AppDeps, AppEnv } from '../context'

export function operatorRoutes(deps: AppDeps) {
  const guard = (c: Context<AppEnv>) => {
    const token = deps.config.operatorToken
    if (!token) {
      if (['127.0.0.1', 'localhost', '::1'].includes(deps.config.host)) return
      throw new AppError('forbidden', 'The operator page is off: set OPERATOR_TOKEN to turn it on.')
    }
    const given =
      c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? c.req.query('token') ?? ''
    const a = Buffer.from(given)
    const b = Buffer.from(token)
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new AppError(
        'unauthorized',
        'The operator page needs OPERATOR_TOKEN (Authorization: Bearer … or ?token=…).'
      )
    }
  }
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      guard(c)
      return c.html(renderOperatorPage(await loadOperatorOverview(deps)))
    })
    .get('/operator.json', async (c) => {
      guard(c)
      return c.json(await loadOperatorOverview(deps))
    })
}

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

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
