// Who may do what in Holdfast, from the Dashboard roles Stripe signed for the caller. Safe by
// default: a role we do not know, or no role at all, can read but not write. An administrator
// may override what a role can do per account and mode; only administrators manage roles.
// @see https://docs.stripe.com/stripe-apps/build-backend (stripe_roles in the signed payload)
import { z } from 'zod'
import { ActionKindSchema } from '../api/actions'

/** Each retention action is its own permission, named as the action. */
export const RETENTION_PERMISSIONS = ActionKindSchema.options

export const PERMISSIONS = [
  ...RETENTION_PERMISSIONS,
  /** Offers, segments, stages, identity, ingest keys, outbound webhooks, sync runs, API key. */
  'manage_settings',
  /** Disconnect Holdfast from the account (tokens deleted, data deleted after the grace). */
  'disconnect',
  /** Change this policy. Never granted by an override: administrators only. */
  'manage_roles',
] as const

export type Permission = (typeof PERMISSIONS)[number]
export const PermissionSchema = z.enum(PERMISSIONS)

/** Built-in Dashboard role ids with full rights (the SDK's RoleId). */
export const ADMIN_ROLES = ['admin', 'super_admin'] as const

/** The defaults for roles we name; every other role (view_only, analyst, …) only reads. */
export const DEFAULT_ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  admin: PERMISSIONS,
  super_admin: PERMISSIONS,
  support_specialist: RETENTION_PERMISSIONS,
}

/** Roles an administrator may override (administrators themselves keep everything). */
export const RoleOverrideRequest = z.object({
  permissions: z
    .array(PermissionSchema)
    .max(PERMISSIONS.length)
    .refine((list) => !list.includes('manage_roles'), {
      message: 'manage_roles stays with administrators',
    }),
})

export const RoleIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a Dashboard role id such as view_only or analyst')
  .refine((role) => !(ADMIN_ROLES as readonly string[]).includes(role), {
    message: 'administrators keep every permission',
  })

export type RoleOverrides = ReadonlyMap<string, readonly Permission[]>

/** What a role can do in this account: its override if an administrator set one, else the default. */
export function permissionsOfRole(role: string, overrides: RoleOverrides): readonly Permission[] {
  if ((ADMIN_ROLES as readonly string[]).includes(role)) return PERMISSIONS
  return overrides.get(role) ?? DEFAULT_ROLE_PERMISSIONS[role] ?? []
}

/** A caller holding several roles may do what any of them may. */
export function permissionsOf(roles: readonly string[], overrides: RoleOverrides): Permission[] {
  const granted = new Set<Permission>()
  for (const role of roles) for (const p of permissionsOfRole(role, overrides)) granted.add(p)
  return PERMISSIONS.filter((p) => granted.has(p))
}

export const PERMISSION_LABELS: Record<Permission, string> = {
  pause_collection: 'pause collection',
  resume_collection: 'resume collection',
  apply_discount: 'apply a discount',
  change_plan: 'change plan',
  cancel: 'cancel a subscription',
  reactivate: 'undo a scheduled cancellation',
  extend_trial: 'extend a trial',
  pause_subscription: 'pause a subscription',
  resume_subscription: 'resume a paused subscription',
  manage_settings: 'change Holdfast settings',
  disconnect: 'disconnect Holdfast',
  manage_roles: 'change what each role may do',
}

/** The 403 text: what was refused, for which roles, and who can change it. */
export function refusalMessage(permission: Permission, roles: readonly string[]): string {
  const who = roles.length ? `your role (${roles.join(', ')})` : 'a user without a Dashboard role'
  const fix =
    permission === 'manage_roles'
      ? 'Only an administrator can.'
      : 'An administrator can allow it in Holdfast settings → Roles.'
  return `Holdfast does not let ${who} ${PERMISSION_LABELS[permission]}. ${fix}`
}

/** GET /api/v1/settings/roles (and the answer to a change). */
export const RolePolicyAnswer = z.object({
  you: z.object({ roles: z.array(z.string()), permissions: z.array(PermissionSchema) }).optional(),
  roles: z.array(
    z.object({ role: z.string(), permissions: z.array(PermissionSchema), overridden: z.boolean() })
  ),
})
export type RolePolicyAnswer = z.infer<typeof RolePolicyAnswer>
