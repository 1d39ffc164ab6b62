// Settings this feature keeps in `accounts.settings` (jsonb shared with other features, so writes
// merge one key and never replace the object): `stageMapping` and `identity`; the offer guardrails
// (actions/guardrails.ts) keep `offerGuardrails` here too.
import type { Scope } from '../kernel/scope'
import { and, eq, sql } from 'drizzle-orm'
import { IdentitySetting } from '@holdfast/shared/api/stages'
import { DEFAULT_STAGE_MAPPING, StageMapping } from '@holdfast/shared/stages/stages'
import type { Db } from '../db/client'
import { accounts } from '../db/schema'
import { AppError } from '../errors'

export type FeatureSettings = { stageMapping: StageMapping; identity: IdentitySetting }

/** The account's settings object as stored (each feature parses its own key). */
export async function readSettingsObject(db: Db, scope: Scope): Promise<Record<string, unknown>> {
  const [row] = await db
    .select({ settings: accounts.settings })
    .from(accounts)
    .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
  return (row?.settings ?? {}) as Record<string, unknown>
}

export async function readFeatureSettings(db: Db, scope: Scope): Promise<FeatureSettings> {
  const settings = await readSettingsObject(db, scope)
  const mapping = StageMapping.safeParse(settings.stageMapping)
  const identity = IdentitySetting.safeParse(settings.identity)
  return {
    stageMapping: mapping.success ? mapping.data : DEFAULT_STAGE_MAPPING,
    identity: identity.success ? identity.data : { kind: 'email' },
  }
}

/** Sets one key of the account's settings; 404 when the account is not installed here. */
export async function writeFeatureSetting(
  db: Db,
  scope: Scope,
  key: keyof FeatureSettings | 'offerGuardrails',
  value: unknown
): Promise<void> {
  const updated = await db
    .update(accounts)
    .set({
      settings: sql`${accounts.settings} || jsonb_build_object(cast(${key} as text), cast(${JSON.stringify(value)} as jsonb))`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(accounts.accountId, scope.accountId), eq(accounts.livemode, scope.livemode)))
    .returning({ accountId: accounts.accountId })
  if (updated.length === 0)
    throw new AppError('not_found', `Holdfast is not installed on ${scope.accountId} in this mode`)
}
