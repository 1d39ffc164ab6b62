// After an action: everything derived from the customer's synced data, from the updated copy:
// traits → segment memberships (entered/left) → lifecycle stage → outbound webhooks.
import type { Scope } from '../kernel/scope'
import type { AppDeps } from '../kernel/deps'
import { refreshCustomer } from '../traits/on-customer-changed'

export async function refreshAfterAction(
  deps: AppDeps,
  scope: Scope,
  customerId: string
): Promise<void> {
  if (!customerId) return
  await refreshCustomer(deps, scope, customerId)
}
