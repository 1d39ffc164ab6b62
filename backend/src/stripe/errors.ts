// The only place that inspects Stripe's error classes: keeps Stripe's message and request id.
import Stripe from 'stripe'
import { AppError } from '../errors'

export type StripeErrorSummary = {
  type: string
  code?: string
  message: string
  statusCode?: number
  requestId?: string
}

export function describeStripeError(err: unknown): StripeErrorSummary | undefined {
  if (!(err instanceof Stripe.errors.StripeError)) return undefined
  return {
    type: err.type,
    code: err.code,
    message: err.message,
    statusCode: err.statusCode,
    requestId: err.requestId,
  }
}

/** Maps a Stripe error to what our API answers; anything else is rethrown unchanged. */
export function toAppError(err: unknown): AppError {
  if (!(err instanceof Stripe.errors.StripeError)) throw err
  const details = { stripeRequestId: err.requestId, stripeCode: err.code }
  if (err instanceof Stripe.errors.StripeCardError) {
    return new AppError('payment_required', err.message, details)
  }
  if (err instanceof Stripe.errors.StripeRateLimitError) {
    return new AppError(
      'unavailable',
      'Stripe is rate limiting this account; try again in a few seconds.',
      details
    )
  }
  if (err instanceof Stripe.errors.StripePermissionError) {
    return new AppError('forbidden', `Stripe refused: ${err.message}`, details)
  }
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    return new AppError(
      'unauthorized',
      `Stripe did not accept our credentials: ${err.message}`,
      details
    )
  }
  if (err instanceof Stripe.errors.StripeInvalidRequestError) {
    return new AppError('unprocessable', err.message, details)
  }
  return new AppError('unavailable', `Stripe did not answer properly: ${err.message}`, details)
}

export const isRateLimit = (err: unknown): boolean =>
  err instanceof Stripe.errors.StripeRateLimitError ||
  (err instanceof Stripe.errors.StripeError && err.code === 'rate_limit')
