// The caller's installation row, and the two checks routes make before touching an account's data:
// connected (installed, not uninstalled) and active (Stripe reachable with its credentials).
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { accounts } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../kernel/deps'

type InstallationDeps = { db: Db }

export async function findInstallation(deps: InstallationDeps, caller: Caller) {
  const [account] = await deps.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.accountId, caller.accountId), eq(accounts.livemode, caller.livemode)))
  return account
}

/** The installation, or 404 when the app is not (or no longer) installed in the caller's mode. */
export async function connectedInstallation(deps: InstallationDeps, caller: Caller) {
  const account = await findInstallation(deps, caller)
  if (!account || account.status === 'uninstalled') {
    throw new AppError(
      'not_found',
      `Holdfast is not connected to ${caller.accountId} in ${caller.mode} mode.`
    )
  }
  return account
}

/** The installation, or 409 when it is connected but cannot reach Stripe. */
export async function activeInstallation(deps: InstallationDeps, caller: Caller) {
  const account = await connectedInstallation(deps, caller)
  if (account.status !== 'active') {
    throw new AppError(
      'conflict',
      `Holdfast cannot reach Stripe for ${caller.accountId} (${account.status}); reconnect the app first.`
    )
  }
  return account
}
