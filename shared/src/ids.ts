// Ids and mode shared by both sides. Brands stop a customer id from being passed as an account id;
// they cost nothing at runtime.

export type Mode = 'test' | 'live'

export type Brand<T, B extends string> = T & { readonly __brand: B }

export type AccountId = Brand<string, 'AccountId'>
export type CustomerId = Brand<string, 'CustomerId'>
export type SubscriptionId = Brand<string, 'SubscriptionId'>
export type SegmentId = Brand<string, 'SegmentId'>

export function modeFromLivemode(livemode: boolean): Mode {
  return livemode ? 'live' : 'test'
}

export function livemodeFromMode(mode: Mode): boolean {
  return mode === 'live'
}

export const accountId = (id: string) => id as AccountId
export const customerId = (id: string) => id as CustomerId
export const subscriptionId = (id: string) => id as SubscriptionId
export const segmentId = (id: string) => id as SegmentId
