// API keys, restricted keys and OAuth access tokens → (account, mode, permissions).
import { forbidden, unauthenticated } from './errors'
import type { Mode } from './state'

export const PERMISSION_RESOURCES = [
  'customers',
  'subscriptions',
  'products',
  'prices',
  'coupons',
  'promotion_codes',
  'invoices',
  'charges',
  'payment_methods',
  'events',
  'webhook_endpoints',
] as const
export type PermissionResource = (typeof PERMISSION_RESOURCES)[number]
export type Access = 'read' | 'write'
export type Permissions = Partial<Record<PermissionResource, Access | 'none'>>

/** Stripe's own permission names, used in the 403 message. */
const STRIPE_PERMISSION_NAME: Record<PermissionResource, string> = {
  customers: 'customer',
  subscriptions: 'subscription',
  products: 'product',
  prices: 'plan',
  coupons: 'coupon',
  promotion_codes: 'promotion_code',
  invoices: 'invoice',
  charges: 'charge',
  payment_methods: 'payment_method',
  events: 'event',
  webhook_endpoints: 'webhook',
}

export type KeyKind = 'secret' | 'publishable' | 'restricted' | 'oauth'

export type Credential = {
  key: string
  kind: KeyKind
  accountId: string
  mode: Mode
  permissions?: Permissions
  /** OAuth access tokens only (unix seconds). */
  expiresAt?: number
  revoked?: boolean
}

export type Caller = {
  credential: Credential
  /** The account acted on: the key's own, or the `Stripe-Account` one. */
  accountId: string
  mode: Mode
}

export class KeyRing {
  private byKey = new Map<string, Credential>()

  add(credential: Credential): Credential {
    this.byKey.set(credential.key, credential)
    return credential
  }

  get(key: string): Credential | undefined {
    return this.byKey.get(key)
  }

  all(): Credential[] {
    return Array.from(this.byKey.values())
  }
}

export function redact(key: string): string {
  const prefix = key.slice(0, key.indexOf('_', key.indexOf('_') + 1) + 1) || key.slice(0, 3)
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - 4))}${key.slice(-4)}`
}

/** Reads `Authorization: Bearer <key>` or HTTP Basic (`key:`). */
export function keyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined
  const [scheme, value] = header.split(' ', 2)
  if (!value) return undefined
  if (scheme?.toLowerCase() === 'bearer') return value.trim()
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    return decoded.split(':')[0]
  }
  return undefined
}

export function authenticate(
  keys: KeyRing,
  header: string | undefined,
  stripeAccount: string | undefined,
  now: number,
  isConnected: (platformId: string, accountId: string) => boolean
): Caller {
  const key = keyFromHeader(header)
  if (!key) {
    throw unauthenticated(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
    )
  }
  const credential = keys.get(key)
  if (!credential || credential.revoked) {
    throw unauthenticated(`Invalid API Key provided: ${redact(key)}`, 'api_key_invalid')
  }
  if (credential.kind === 'publishable') {
    throw unauthenticated(
      'This API call cannot be made with a publishable API key. Please use a secret API key.',
      'secret_key_required'
    )
  }
  if (credential.expiresAt !== undefined && now >= credential.expiresAt) {
    throw unauthenticated(`Expired API Key provided: ${redact(key)}`, 'api_key_expired')
  }
  let accountId = credential.accountId
  if (stripeAccount && stripeAccount !== credential.accountId) {
    if (credential.kind === 'oauth' || !isConnected(credential.accountId, stripeAccount)) {
      throw forbidden(
        `The provided key '${redact(key)}' does not have access to account '${stripeAccount}' (or that account does not exist). Application access may have been revoked.`,
        'account_invalid'
      )
    }
    accountId = stripeAccount
  }
  return { credential, accountId, mode: credential.mode }
}

export function checkPermission(
  caller: Caller,
  resource: PermissionResource,
  access: Access
): void {
  const { credential } = caller
  if (credential.kind !== 'restricted') return
  const granted = credential.permissions?.[resource] ?? 'none'
  if (granted === 'write' || granted === access) return
  const name = `rak_${STRIPE_PERMISSION_NAME[resource]}_${access}`
  throw forbidden(
    `The provided key '${redact(credential.key)}' does not have the required permissions for this endpoint on account '${caller.accountId}'. Having the '${name}' permission would allow this request to continue.`
  )
}
