// The only place the Stripe App talks to the backend: every request carries a fresh signature
// from Stripe over {user_id, account_id}, which the backend verifies with the app's secret.
import { fetchStripeSignature } from '@stripe/ui-extension-sdk/utils'

export type ApiCaller = {
  userId: string
  accountId: string
  mode: 'test' | 'live'
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type ApiClient = {
  get<T>(path: string): Promise<T>
  post<T>(path: string, body?: unknown, options?: { idempotencyKey?: string }): Promise<T>
}

export function createApiClient(
  baseUrl: string,
  caller: ApiCaller,
  sign: () => Promise<string> = () => fetchStripeSignature()
): ApiClient {
  async function request<T>(method: string, path: string, body?: unknown, idempotencyKey?: string) {
    const headers: Record<string, string> = {
      'Stripe-Signature': await sign(),
      'x-holdfast-user-id': caller.userId,
      'x-holdfast-account-id': caller.accountId,
      'x-holdfast-mode': caller.mode,
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey
    let res: Response
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(
        0,
        'Holdfast is unreachable right now. Check your connection and retry.',
        null
      )
    }
    const text = await res.text()
    const parsed: unknown = text ? JSON.parse(text) : undefined
    if (!res.ok) {
      const message =
        (parsed as { error?: { message?: string } } | undefined)?.error?.message ??
        `Holdfast answered ${res.status}.`
      throw new ApiError(res.status, message, parsed)
    }
    return parsed as T
  }
  return {
    get: (path) => request('GET', path),
    post: (path, body, options) => request('POST', path, body ?? {}, options?.idempotencyKey),
  }
}
