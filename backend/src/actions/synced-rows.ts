// Filter for rows synced from Stripe: this scope's account and mode, not deleted at Stripe.
import { and, eq, isNull } from 'drizzle-orm'
import type { Scope } from '../kernel/scope'

export const mineIn =
  (scope: Scope) =>
  <T extends { accountId: unknown; livemode: unknown; deletedAt: unknown }>(t: T) =>
    and(
      eq(t.accountId as never, scope.accountId),
      eq(t.livemode as never, scope.livemode),
      isNull(t.deletedAt as never)
    )
