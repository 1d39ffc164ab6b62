// The only place the Stripe App talks to the backend: every request carries a fresh signature
// from Stripe over {livemode, stripe_roles, user_id, account_id} and that signed payload itself;
// the backend verifies it with the app's secret and takes account, mode and roles only from it.
// @see https://docs.stripe.com/stripe-apps/build-backend
import { fetchStripeSignature } from '@stripe/ui-extension-sdk/utils'
import {
  SIGNED_PAYLOAD_HEADER,
  signatureExtra,
  signedPayloadOf,
  type DashboardRole,
} from '@holdfast/shared/api/extension-signature'

export type ApiCaller = {
  userId: string
  accountId: string
  mode: 'test' | 'live'
  /** The user's Dashboard roles (`userContext.roles`); Stripe signs only roles the user holds. */
  roles: readonly DashboardRole[]
}

/** Anything with a zod-style `parse` (the shared/api schemas). */
export type Parser<T> = { parse(data: unknown): T }

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the backend could not be reached at all. */
    readonly status: number,
    message: string,
    readonly body: unknown,
    /** The backend's error code (`not_found`, `unauthorized`, …), or `unreachable`. */
    readonly code: string = 'unknown'
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type ApiClient = {
  get<T>(path: string, schema?: Parser<T>): Promise<T>
  post<T>(
    path: string,
    body?: unknown,
    options?: { idempotencyKey?: string; schema?: Parser<T> }
  ): Promise<T>
  patch<T>(path: string, body: unknown, options?: { schema?: Parser<T> }): Promise<T>
  put<T>(path: string, body: unknown, options?: { schema?: Parser<T> }): Promise<T>
  delete<T>(path: string, options?: { schema?: Parser<T> }): Promise<T>
}

export type ApiClientOptions = {
  /** Returns a fresh `t=…,v1=…` signature over `extra`; defaults to fetchStripeSignature. */
  sign?: (extra: ReturnType<typeof signatureExtra>) => Promise<string>
  /** Defaults to the global fetch (the Dashboard allows only connect-src URLs). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>
}

export function createApiClient(
  baseUrl: string,
  caller: ApiCaller,
  options: ApiClientOptions = {}
): ApiClient {
  const sign = options.sign ?? ((extra) => fetchStripeSignature(extra))
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init))
  const identity = {
    userId: caller.userId,
    accountId: caller.accountId,
    livemode: caller.mode === 'live',
    roles: caller.roles,
  }
  const signedPayload = base64url(signedPayloadOf(identity))

  async function request<T>(
    method: string,
    path: string,
    body: unknown,
    schema: Parser<T> | undefined,
    idempotencyKey?: string
  ): Promise<T> {
    let signature: string
    try {
      signature = await sign(signatureExtra(identity))
    } catch {
      throw new ApiError(
        0,
        'Stripe could not sign the request to Holdfast. Reload the page and try again.',
        null,
        'signature_unavailable'
      )
    }
    const headers: Record<string, string> = {
      'Stripe-Signature': signature,
      [SIGNED_PAYLOAD_HEADER]: signedPayload,
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey
    let res: Response
    try {
      res = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(
        0,
        'Holdfast is unreachable right now. Check your connection and retry.',
        null,
        'unreachable'
      )
    }
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = text
    }
    if (!res.ok) {
      const error = (parsed as { error?: { message?: string; code?: string } } | undefined)?.error
      const message =
        error?.message ??
        (res.status >= 500
          ? `Holdfast had a problem (HTTP ${res.status}). Retry in a minute.`
          : `Holdfast refused the request (HTTP ${res.status}).`)
      throw new ApiError(res.status, message, parsed, error?.code ?? `http_${res.status}`)
    }
    return schema ? schema.parse(parsed) : (parsed as T)
  }

  return {
    get: (path, schema) => request('GET', path, undefined, schema),
    post: (path, body, opts) =>
      request('POST', path, body ?? {}, opts?.schema, opts?.idempotencyKey),
    patch: (path, body, opts) => request('PATCH', path, body, opts?.schema),
    put: (path, body, opts) => request('PUT', path, body, opts?.schema),
    delete: (path, opts) => request('DELETE', path, undefined, opts?.schema),
  }
}

/** UTF-8 bytes as unpadded base64url: header-safe even for non-ASCII custom role names. */
function base64url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A person-readable message for any failure (ApiError, zod parse error, anything else). */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err && typeof err === 'object' && 'issues' in err) {
    return 'Holdfast answered in an unexpected shape. Update the app or contact support.'
  }
  return err instanceof Error ? err.message : 'Something went wrong. Retry in a minute.'
}
