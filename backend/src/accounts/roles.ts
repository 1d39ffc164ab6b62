// Reads and writes the per-installation role overrides; the policy itself is pure
// (shared/src/roles/policy.ts).
import type { Scope } from '../kernel/scope'
import { and, eq } from 'drizzle-orm'
import {
  DEFAULT_ROLE_PERMISSIONS,
  PERMISSIONS,
  permissionsOf,
  permissionsOfRole,
  PermissionSchema,
  type Permission,
  type RoleOverrides,
} from '@holdfast/shared/roles/policy'
import type { Db } from '../db/client'
import { rolePolicies } from '../db/schema'

export async function loadRoleOverrides(db: Db, scope: Scope): Promise<RoleOverrides> {
  const rows = await db
    .select({ role: rolePolicies.role, permissions: rolePolicies.permissions })
    .from(rolePolicies)
    .where(
      and(eq(rolePolicies.accountId, scope.accountId), eq(rolePolicies.livemode, scope.livemode))
    )
  // A stored name this version no longer knows is dropped rather than trusted.
  return new Map(
    rows.map((r) => [
      r.role,
      (r.permissions as unknown[]).filter(
        (p): p is Permission => PermissionSchema.safeParse(p).success
      ),
    ])
  )
}

export async function permissionsOfCaller(
  db: Db,
  caller: Scope & { roles: readonly string[] }
): Promise<Permission[]> {
  return permissionsOf(caller.roles, await loadRoleOverrides(db, caller))
}

/** Every role with a default or an override, and what it may do here. */
export async function describeRolePolicy(db: Db, scope: Scope) {
  const overrides = await loadRoleOverrides(db, scope)
  const roles = [
    ...new Set([
      ...Object.keys(DEFAULT_ROLE_PERMISSIONS),
      'view_only',
      'analyst',
      ...overrides.keys(),
    ]),
  ]
  return roles.map((role) => ({
    role,
    permissions: permissionsOfRole(role, overrides),
    overridden: overrides.has(role),
  }))
}

export async function setRoleOverride(
  db: Db,
  scope: Scope,
  role: string,
  permissions: readonly Permission[],
  updatedBy: string,
  now: Date
) {
  const ordered = PERMISSIONS.filter((p) => permissions.includes(p))
  await db
    .insert(rolePolicies)
    .values({ ...scope, role, permissions: ordered, updatedBy, updatedAt: now })
    .onConflictDoUpdate({
      target: [rolePolicies.accountId, rolePolicies.livemode, rolePolicies.role],
      set: { permissions: ordered, updatedBy, updatedAt: now },
    })
}

export async function clearRoleOverride(db: Db, scope: Scope, role: string) {
  await db
    .delete(rolePolicies)
    .where(
      and(
        eq(rolePolicies.accountId, scope.accountId),
        eq(rolePolicies.livemode, scope.livemode),
        eq(rolePolicies.role, role)
      )
    )
}
