// The tenant scope every query of an account's data filters on: one installation's account in one
// mode (docs/style.md: every row from Stripe carries account_id and livemode).
export type Scope = { accountId: string; livemode: boolean }
