// Checks the caller's Dashboard roles against the role policy before a route runs, so a refused
// write never reaches its body parsing, Stripe or the database. Reads (GET, and the previews
// sent as POST) need no permission; any other write needs one, `manage_settings` unless named
// here, so a new write route is closed to View only and Analyst until someone decides otherwise.
import type { MiddlewareHandler } from 'hono'
import { refusalMessage, type Permission } from '@holdfast/shared/roles/policy'
import { permissionsOfCaller } from '../../accounts/roles'
import { AppError } from '../../errors'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const sub = '/api/v1/subscriptions/[^/]+'
const RULES: { method: string; path: RegExp; permission: Permission | null }[] = [
  { method: 'POST', path: new RegExp(`^${sub}/change-plan/preview$`), permission: null },
  { method: 'POST', path: new RegExp(`^${sub}/apply-discount/check$`), permission: null },
  { method: 'POST', path: /^\/api\/v1\/segments\/preview$/, permission: null },
  { method: 'POST', path: new RegExp(`^${sub}/pause-collection$`), permission: 'pause_collection' },
  {
    method: 'POST',
    path: new RegExp(`^${sub}/resume-collection$`),
    permission: 'resume_collection',
  },
  {
    method: 'POST',
    path: new RegExp(`^${sub}/pause-subscription$`),
    permission: 'pause_subscription',
  },
  {
    method: 'POST',
    path: new RegExp(`^${sub}/resume-subscription$`),
    permission: 'resume_subscription',
  },
  { method: 'POST', path: new RegExp(`^${sub}/apply-discount$`), permission: 'apply_discount' },
  { method: 'POST', path: new RegExp(`^${sub}/change-plan$`), permission: 'change_plan' },
  { method: 'POST', path: new RegExp(`^${sub}/cancel$`), permission: 'cancel' },
  { method: 'POST', path: new RegExp(`^${sub}/reactivate$`), permission: 'reactivate' },
  { method: 'POST', path: new RegExp(`^${sub}/extend-trial$`), permission: 'extend_trial' },
  { method: 'POST', path: /^\/api\/v1\/account\/disconnect$/, permission: 'disconnect' },
  { method: '*', path: /^\/api\/v1\/settings\/roles(\/|$)/, permission: 'manage_roles' },
]

/** The permission a request needs, or null for a read. */
export function requiredPermission(method: string, path: string): Permission | null {
  const normalized = path.replace(/\/+$/, '') || '/'
  for (const rule of RULES) {
    if ((rule.method === method || rule.method === '*') && rule.path.test(normalized)) {
      if (rule.permission === null || !READ_METHODS.has(method)) return rule.permission
    }
  }
  return READ_METHODS.has(method) ? null : 'manage_settings'
}

export function enforceRolePolicy(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const needed = requiredPermission(c.req.method, c.req.path)
    if (needed) {
      const caller = c.get('caller')
      const granted = await permissionsOfCaller(deps.db, caller)
      if (!granted.includes(needed))
        throw new AppError('forbidden', refusalMessage(needed, caller.roles), {
          permission: needed,
          roles: caller.roles,
        })
    }
    await next()
  }
}
