// The role policy in settings: what each Dashboard role may do in this installation. Anyone may
// read it (the app hides what the caller cannot run); only administrators change it
// (`manage_roles`, checked by middleware/role-policy.ts).
import { Hono } from 'hono'
import { RoleIdSchema, RoleOverrideRequest } from '@holdfast/shared/roles/policy'
import {
  clearRoleOverride,
  describeRolePolicy,
  permissionsOfCaller,
  setRoleOverride,
} from '../../accounts/roles'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'
import { jsonBody } from '../json-body'

export function roleRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/settings/roles', async (c) => {
      const caller = c.get('caller')
      return c.json({
        you: { roles: caller.roles, permissions: await permissionsOfCaller(deps.db, caller) },
        roles: await describeRolePolicy(deps.db, scopeOf(caller)),
      })
    })
    .put('/settings/roles/:role', async (c) => {
      const caller = c.get('caller')
      const role = RoleIdSchema.parse(c.req.param('role'))
      const { permissions } = RoleOverrideRequest.parse(await jsonBody(c))
      await setRoleOverride(deps.db, scopeOf(caller), role, permissions, caller.userId, deps.now())
      return c.json({ roles: await describeRolePolicy(deps.db, scopeOf(caller)) })
    })
    .delete('/settings/roles/:role', async (c) => {
      const caller = c.get('caller')
      const role = RoleIdSchema.parse(c.req.param('role'))
      await clearRoleOverride(deps.db, scopeOf(caller), role)
      return c.json({ roles: await describeRolePolicy(deps.db, scopeOf(caller)) })
    })
}
