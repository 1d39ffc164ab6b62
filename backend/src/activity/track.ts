// Activity from the merchant's product: find the customer (by id, email, a metadata value, or
// the merchant's own user id through the identity setting), move `last_activity_at` forward and
// refresh everything derived from it (activity trait, slipping segments).
import type { Scope } from '../kernel/scope'
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm'
import type { IdentitySetting, TrackRequest } from '@holdfast/shared/api/stages'
import type { Db } from '../db/client'
import { customerTraits, stripeCustomers } from '../db/schema'
import { AppError } from '../errors'
import { refreshCustomer, type RefreshCustomerDeps } from '../traits/on-customer-changed'

export async function resolveTrackedCustomer(
  db: Db,
  scope: Scope,
  identity: IdentitySetting,
  body: TrackRequest
): Promise<string> {
  const base = [
    eq(stripeCustomers.accountId, scope.accountId),
    eq(stripeCustomers.livemode, scope.livemode),
    isNull(stripeCustomers.deletedAt),
  ]
  const by = (what: string, where: SQL) =>
    db
      .select({ id: stripeCustomers.id })
      .from(stripeCustomers)
      .where(and(...base, where))
      .limit(2)
      .then((rows) => {
        if (rows.length === 0) throw new AppError('not_found', `No synced customer with ${what}`)
        return rows[0]!.id
      })
  const metadata = (key: string, value: string) =>
    by(
      `metadata ${key} = ${JSON.stringify(value)}`,
      sql`${stripeCustomers.data} -> 'metadata' ->> ${key} = ${value}`
    )
  if (body.customerId) return by(`id ${body.customerId}`, eq(stripeCustomers.id, body.customerId))
  if (body.email) return by(`email ${body.email}`, eq(stripeCustomers.email, body.email))
  if (body.metadata) return metadata(body.metadata.key, body.metadata.value)
  const userId = body.userId!
  return identity.kind === 'email'
    ? by(`email ${userId}`, eq(stripeCustomers.email, userId))
    : metadata(identity.key, userId)
}

/** Records activity at `at` (never moving it backwards) and refreshes the customer. */
export async function recordActivity(
  deps: RefreshCustomerDeps,
  scope: Scope,
  customerId: string,
  at: Date
): Promise<Date> {
  const [row] = await deps.db
    .insert(customerTraits)
    .values({ ...scope, customerId, traits: {}, lastActivityAt: at })
    .onConflictDoUpdate({
      target: [customerTraits.accountId, customerTraits.livemode, customerTraits.customerId],
      set: {
        lastActivityAt: sql`greatest(${customerTraits.lastActivityAt}, excluded.last_activity_at)`,
      },
    })
    .returning({ lastActivityAt: customerTraits.lastActivityAt })
  await refreshCustomer(deps, scope, customerId)
  return row?.lastActivityAt ?? at
}
