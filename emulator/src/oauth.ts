// OAuth for Stripe Apps: authorize (no browser), code exchange, refresh-token rotation, revocation.
import type { Credential, KeyRing } from './auth'
import type { Random } from './random'
import type { Mode } from './state'

const CODE_TTL = 5 * 60
const ACCESS_TTL = 60 * 60
const REFRESH_TTL = 365 * 86_400

type Grant = { accountId: string; mode: Mode; clientId: string; expiresAt: number; used: boolean }
type RefreshToken = {
  accountId: string
  mode: Mode
  clientId: string
  expiresAt: number
  valid: boolean
}

export type TokenResponse = {
  access_token: string
  refresh_token: string
  token_type: 'bearer'
  scope: 'stripe_apps'
  livemode: boolean
  stripe_user_id: string
  stripe_publishable_key: string
}

export class OAuthError extends Error {
  constructor(
    readonly error:
      'invalid_grant' | 'invalid_request' | 'invalid_client' | 'unsupported_grant_type',
    readonly description: string,
    readonly status = 400
  ) {
    super(description)
  }

  body() {
    return { error: this.error, error_description: this.description }
  }
}

export class OAuthServer {
  private codes = new Map<string, Grant>()
  private refreshTokens = new Map<string, RefreshToken>()
  private accessTokens: Credential[] = []

  constructor(
    private readonly keys: KeyRing,
    private readonly random: Random,
    private readonly publishableKey: (accountId: string, mode: Mode) => string
  ) {}

  issueCode(accountId: string, mode: Mode, clientId: string, now: number): string {
    const code = `ac_${this.random.chars(32)}`
    this.codes.set(code, { accountId, mode, clientId, expiresAt: now + CODE_TTL, used: false })
    return code
  }

  exchangeCode(code: string, mode: Mode, now: number): TokenResponse {
    const grant = this.codes.get(code)
    if (!grant || grant.mode !== mode) {
      throw new OAuthError('invalid_grant', `Authorization code does not exist: ${code}`)
    }
    if (grant.used)
      throw new OAuthError('invalid_grant', `Authorization code has already been used: ${code}`)
    if (now >= grant.expiresAt)
      throw new OAuthError('invalid_grant', `Authorization code expired: ${code}`)
    grant.used = true
    return this.issueTokens(grant.accountId, grant.mode, grant.clientId, now)
  }

  refresh(refreshToken: string, mode: Mode, now: number): TokenResponse {
    const token = this.refreshTokens.get(refreshToken)
    if (!token || token.mode !== mode || !token.valid || now >= token.expiresAt) {
      throw new OAuthError('invalid_grant', `Invalid refresh token: ${refreshToken}`)
    }
    token.valid = false // refresh tokens rotate: the old one stops working
    return this.issueTokens(token.accountId, token.mode, token.clientId, now)
  }

  /** Revokes every token of the install (uninstall). Returns how many were live. */
  revoke(accountId: string, mode: Mode): number {
    let n = 0
    for (const t of this.refreshTokens.values()) {
      if (t.accountId === accountId && t.mode === mode && t.valid) {
        t.valid = false
        n++
      }
    }
    for (const c of this.accessTokens) {
      if (c.accountId === accountId && c.mode === mode && !c.revoked) {
        c.revoked = true
        n++
      }
    }
    return n
  }

  private issueTokens(accountId: string, mode: Mode, clientId: string, now: number): TokenResponse {
    const access = `ek_${mode}_${this.random.chars(48)}`
    const refresh = `rt_${this.random.chars(48)}`
    const credential = this.keys.add({
      key: access,
      kind: 'oauth',
      accountId,
      mode,
      expiresAt: now + ACCESS_TTL,
    })
    this.accessTokens.push(credential)
    this.refreshTokens.set(refresh, {
      accountId,
      mode,
      clientId,
      expiresAt: now + REFRESH_TTL,
      valid: true,
    })
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'bearer',
      scope: 'stripe_apps',
      livemode: mode === 'live',
      stripe_user_id: accountId,
      stripe_publishable_key: this.publishableKey(accountId, mode),
    }
  }
}
