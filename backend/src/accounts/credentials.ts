// Tokens and keys per installation: stored sealed, refreshed before expiry (one refresh at a time
// per account, across processes, by locking the credentials row), and turned into Stripe clients.
import { and, eq, sql } from 'drizzle-orm'
import Stripe from 'stripe'
import type { Db } from '../db/client'
import { accounts, credentials } from '../db/schema'
import { AppError } from '../errors'
import type { SecretBox } from '../crypto/secret-box'
import type { Logger } from '../log'
import type { StripeFactory } from '../stripe/client'
import { modeOf, type Mode } from '../stripe/mode'
import { requestOAuthToken, type OAuthGrant } from '../stripe/oauth'

/** Stripe Apps access tokens live one hour; we refresh when less than this is left. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000
const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000

export type CredentialDeps = {
  db: Db
  now: () => Date
  secretBox: SecretBox
  stripe: StripeFactory
  log: Logger
}

export type AccountKey = { accountId: string; livemode: boolean }

/** Records an OAuth install: the account (active) and its sealed tokens. */
export async function saveOAuthGrant(deps: CredentialDeps, grant: OAuthGrant): Promise<void> {
  const key = { accountId: grant.accountId, livemode: grant.livemode }
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(accounts)
      .values({ ...key, status: 'active', connection: 'oauth', scope: grant.scope })
      .onConflictDoUpdate({
        target: [accounts.accountId, accounts.livemode],
        set: {
          status: 'active',
          connection: 'oauth',
          scope: grant.scope,
          uninstalledAt: null,
          purgeAfter: null,
          updatedAt: deps.now(),
        },
      })
    await writeTokens(tx, deps, key, grant)
  })
}

/** Stores a restricted API key for an account (the settings view's "paste a key" path). */
export async function saveApiKey(deps: CredentialDeps, key: AccountKey, apiKey: string) {
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(accounts)
      .values({ ...key, status: 'active', connection: 'api_key' })
      .onConflictDoUpdate({
        target: [accounts.accountId, accounts.livemode],
        set: {
          status: 'active',
          connection: 'api_key',
          uninstalledAt: null,
          purgeAfter: null,
          updatedAt: deps.now(),
        },
      })
    const row = {
      kind: 'restricted_key',
      apiKeyEnc: deps.secretBox.seal(apiKey),
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessExpiresAt: null,
      updatedAt: deps.now(),
    }
    await tx
      .insert(credentials)
      .values({ ...key, ...row })
      .onConflictDoUpdate({ target: [credentials.accountId, credentials.livemode], set: row })
  })
}

/** Forgets every token and key of an installation at once (uninstall, disconnect). */
export async function deleteCredentials(deps: { db: Db }, key: AccountKey): Promise<void> {
  await deps.db
    .delete(credentials)
    .where(and(eq(credentials.accountId, key.accountId), eq(credentials.livemode, key.livemode)))
}

async function writeTokens(
  tx: Pick<Db, 'insert'>,
  deps: CredentialDeps,
  key: AccountKey,
  grant: Pick<OAuthGrant, 'accessToken' | 'refreshToken'>
) {
  const row = {
    kind: 'oauth',
    accessTokenEnc: deps.secretBox.seal(grant.accessToken),
    refreshTokenEnc: deps.secretBox.seal(grant.refreshToken),
    apiKeyEnc: null,
    accessExpiresAt: new Date(deps.now().getTime() + ACCESS_TOKEN_TTL_MS),
    updatedAt: deps.now(),
  }
  await tx
    .insert(credentials)
    .values({ ...key, ...row })
    .onConflictDoUpdate({ target: [credentials.accountId, credentials.livemode], set: row })
}

const refreshing = new Map<string, Promise<string>>()

/** A Stripe client acting for the account, with a fresh access token or its API key. */
export async function stripeForAccount(deps: CredentialDeps, key: AccountKey): Promise<Stripe> {
  return deps.stripe.forKey(await currentApiKey(deps, key))
}

export async function currentApiKey(deps: CredentialDeps, key: AccountKey): Promise<string> {
  const [row] = await deps.db
    .select()
    .from(credentials)
    .where(and(eq(credentials.accountId, key.accountId), eq(credentials.livemode, key.livemode)))
  if (!row) {
    throw new AppError(
      'unauthorized',
      `Holdfast has no credentials for ${key.accountId} in ${modeOf(key.livemode)} mode; install the app or save an API key.`
    )
  }
  if (row.kind === 'restricted_key' && row.apiKeyEnc) return deps.secretBox.open(row.apiKeyEnc)
  if (row.accessTokenEnc && row.accessExpiresAt) {
    const fresh = row.accessExpiresAt.getTime() - deps.now().getTime() > REFRESH_MARGIN_MS
    if (fresh) return deps.secretBox.open(row.accessTokenEnc)
  }
  // One refresh per account in this process; the row lock below covers other processes.
  const mapKey = `${key.accountId}:${key.livemode}`
  let pending = refreshing.get(mapKey)
  if (!pending) {
    pending = refreshAccessToken(deps, key).finally(() => refreshing.delete(mapKey))
    refreshing.set(mapKey, pending)
  }
  return pending
}

async function refreshAccessToken(deps: CredentialDeps, key: AccountKey): Promise<string> {
  const mode: Mode = modeOf(key.livemode)
  const outcome = await deps.db.transaction(async (tx) => {
    // Row lock: another process refreshing the same account waits here, then sees fresh tokens.
    const [row] = await tx
      .select()
      .from(credentials)
      .where(and(eq(credentials.accountId, key.accountId), eq(credentials.livemode, key.livemode)))
      .for('update')
    if (!row?.refreshTokenEnc) return { revoked: true as const }
    if (
      row.accessTokenEnc &&
      row.accessExpiresAt &&
      row.accessExpiresAt.getTime() - deps.now().getTime() > REFRESH_MARGIN_MS
    ) {
      return { token: deps.secretBox.open(row.accessTokenEnc) }
    }
    try {
      const grant = await requestOAuthToken(deps.stripe, mode, {
        grant_type: 'refresh_token',
        refresh_token: deps.secretBox.open(row.refreshTokenEnc),
      })
      // Refresh tokens rotate: the old one is dead now, so the new pair is written in this transaction.
      await writeTokens(tx, deps, key, grant)
      deps.log.info('access token refreshed', { accountId: key.accountId, mode })
      return { token: grant.accessToken }
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidGrantError) {
        return { revoked: true as const }
      }
      throw err
    }
  })
  if (!('revoked' in outcome)) return outcome.token
  await markNeedsReauth(deps, key)
  throw new AppError(
    'unauthorized',
    `Stripe revoked Holdfast's access to ${key.accountId}; reinstall the app from the Stripe App Marketplace.`,
    { accountStatus: 'needs_reauth' }
  )
}

export async function markNeedsReauth(deps: CredentialDeps, key: AccountKey) {
  await deps.db
    .update(accounts)
    .set({ status: 'needs_reauth', updatedAt: deps.now() })
    .where(
      and(
        eq(accounts.accountId, key.accountId),
        eq(accounts.livemode, key.livemode),
        sql`${accounts.status} <> 'uninstalled'`
      )
    )
  deps.log.warn('account needs re-authorisation', { accountId: key.accountId })
}
