// Errors in Stripe's shape: `{ error: { type, code, message, param } }` plus an HTTP status.

export type StripeErrorType =
  | 'invalid_request_error'
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'authentication_error'

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly extra: Record<string, unknown> = {}
  ) {
    super(message)
  }

  body(requestId?: string) {
    const error: Record<string, unknown> = { type: this.type, message: this.message }
    if (this.code) error.code = this.code
    if (this.param) error.param = this.param
    if (this.code)
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`
    if (requestId) error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`
    return { error: { ...error, ...this.extra } }
  }
}

export function invalidRequest(message: string, param?: string, code = 'parameter_invalid_empty') {
  return new StripeApiError(400, 'invalid_request_error', message, param ? code : undefined, param)
}

export function missingParam(param: string) {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Missing required param: ${param}.`,
    'parameter_missing',
    param
  )
}

export function invalidParam(param: string, message: string) {
  return new StripeApiError(400, 'invalid_request_error', message, 'parameter_invalid', param)
}

/**
 * A value outside an enum: Stripe names the param and lists the values, with no error code
 * ("Invalid status: must be one of active, past_due, …, all, or ended", recorded from the API in
 * public emulators' tests; see docs/stripe-api-notes.md §9).
 */
export function invalidEnum(param: string, allowed: readonly string[]) {
  const list =
    allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')}, or ${allowed.at(-1)}` : allowed[0]
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Invalid ${param}: must be one of ${list}`,
    undefined,
    param
  )
}

export function notFound(kind: string, id: string, param = 'id') {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `No such ${kind}: '${id}'`,
    'resource_missing',
    param
  )
}

export function unknownRoute(method: string, path: string) {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`
  )
}

export function unauthenticated(message: string, code?: string) {
  return new StripeApiError(401, 'invalid_request_error', message, code)
}

export function forbidden(message: string, code?: string) {
  return new StripeApiError(403, 'invalid_request_error', message, code)
}

export function rateLimited() {
  return new StripeApiError(
    429,
    'invalid_request_error',
    'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    'rate_limit'
  )
}

export function apiError(status = 500) {
  return new StripeApiError(
    status,
    'api_error',
    'An unknown error occurred (injected by the emulator).'
  )
}

export function cardDeclined(charge: string, declineCode = 'generic_decline') {
  return new StripeApiError(
    402,
    'card_error',
    'Your card was declined.',
    'card_declined',
    undefined,
    {
      decline_code: declineCode,
      charge,
    }
  )
}
