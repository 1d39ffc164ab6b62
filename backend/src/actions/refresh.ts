// After an action: the customer's traits (and, through them, segments) from the updated copy.
import type { AppDeps } from '../http/context'
import type { AccountScope } from '../sync/upsert-objects'
import { refreshCustomerTraits } from '../traits/refresh-traits'

export async function refreshAfterAction(
  deps: AppDeps,
  scope: AccountScope,
  customerId: string
): Promise<void> {
  if (!customerId) return
  await refreshCustomerTraits(deps, scope, customerId)
}
