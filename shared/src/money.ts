// Money in minor units plus a currency, never a float. Totals across currencies are kept apart
// (`MoneyByCurrency`) because adding them needs an FX rate we don't have.

export type Money = { amount: number; currency: string }

/** Minor-unit totals keyed by lowercase ISO currency code, e.g. `{ usd: 4900, eur: 1200 }`. */
export type MoneyByCurrency = Record<string, number>

/**
 * Currencies whose Stripe amounts are whole units (¥100 is `100`).
 * @see https://docs.stripe.com/currencies#zero-decimal
 */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
])

/** Currencies with three decimals (1.000 BHD is `1000`). @see https://docs.stripe.com/currencies#three-decimal */
export const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bhd',
  'jod',
  'kwd',
  'omr',
  'tnd',
])

/** Number of decimals Stripe's minor unit has for this currency (ISK/HUF/TWD keep 2 in the API). */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase()
  if (ZERO_DECIMAL_CURRENCIES.has(c)) return 0
  if (THREE_DECIMAL_CURRENCIES.has(c)) return 3
  return 2
}

/** Minor units → major units as a number, for display only. */
export function toMajorUnits(money: Money): number {
  return money.amount / 10 ** currencyExponent(money.currency)
}

/** `{ amount: 1999, currency: 'usd' }` → `$19.99` (locale defaults to en-US). */
export function formatMoney(money: Money, locale = 'en-US'): string {
  const digits = currencyExponent(money.currency)
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(toMajorUnits(money))
}

/** Adds `amount` to the `currency` bucket of `totals` (mutates and returns it). */
export function addToTotals(totals: MoneyByCurrency, money: Money): MoneyByCurrency {
  const c = money.currency.toLowerCase()
  totals[c] = (totals[c] ?? 0) + money.amount
  return totals
}
