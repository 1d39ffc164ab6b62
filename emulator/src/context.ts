// What a resource handler gets: the account state acted on, the parsed params and a way to emit events.
import type Stripe from 'stripe'
import type { Access, Caller, PermissionResource } from './auth'
import type { Params } from './params'
import type { AccountState } from './state'

export type Ctx = {
  state: AccountState
  caller: Caller | null
  params: Params
  path: Record<string, string>
  requestId: string | null
  idempotencyKey: string | null
  now: number
  emit(type: string, object: unknown, previous?: Record<string, unknown>): Stripe.Event
}

export type HandlerResult = unknown | { status: number; body: unknown }

export type Route = {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  /** Restricted-key permission checked before the handler; null = none needed. */
  resource: PermissionResource | null
  access?: Access
  handler: (ctx: Ctx) => unknown
}

export function route(
  method: Route['method'],
  path: string,
  resource: PermissionResource | null,
  handler: Route['handler']
): Route {
  return { method, path, resource, access: method === 'GET' ? 'read' : 'write', handler }
}
