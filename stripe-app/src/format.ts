// Display formatting in Stripe's Dashboard style ("Jan 3, 2021", "3:25 PM", "$49.00"), in the
// Dashboard user's locale (userContext.locale) and time zone. The SDK gives no account time zone,
// so times show in the zone of the browser the Dashboard runs in: the user's own.
// @see https://docs.stripe.com/stripe-apps/reference/extensions-sdk-api (userContext.locale)
import { formatMoney } from '@holdfast/shared/money'

export type DisplayLocale = { locale: string; timeZone: string }

/** en-US in the runtime's time zone: what a component rendered outside a view uses. */
export function runtimeLocale(locale = 'en-US'): DisplayLocale {
  return { locale: supportedLocale(locale), timeZone: runtimeTimeZone() }
}

function runtimeTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC'
}

/** The locale if Intl knows it ("en", "de-DE"), else en-US: a bad tag must not break the view. */
function supportedLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale])[0] ?? 'en-US'
  } catch {
    return 'en-US'
  }
}

type DateInput = string | number | null | undefined

/** Unix seconds or an ISO string → Date; a bare "2026-01-03" is a calendar day, not an instant. */
function toDate(value: string | number): { date: Date; calendarDay: boolean } {
  if (typeof value === 'number') return { date: new Date(value * 1000), calendarDay: false }
  return { date: new Date(value), calendarDay: /^\d{4}-\d{2}-\d{2}$/.test(value) }
}

export function formatDate(value: DateInput, where: DisplayLocale = runtimeLocale()): string {
  if (value === null || value === undefined || value === '') return '—'
  const { date, calendarDay } = toDate(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return date.toLocaleDateString(where.locale, {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    timeZone: calendarDay ? 'UTC' : where.timeZone,
  })
}

export function formatDateTime(value: DateInput, where: DisplayLocale = runtimeLocale()): string {
  if (value === null || value === undefined || value === '') return '—'
  const { date } = toDate(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const time = date.toLocaleTimeString(where.locale, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: where.timeZone,
  })
  return `${formatDate(value, where)}, ${time}`
}

export function formatAmount(
  amount: number,
  currency: string,
  where: DisplayLocale = runtimeLocale()
): string {
  return formatMoney({ amount, currency }, where.locale)
}

/**
 * Per-currency totals ({usd: 4900, eur: 1000}) → "$49.00 · €10.00"; never added together. No
 * amount at all is "—": a $0.00 would claim a currency the account may not use.
 */
export function formatTotals(
  totals: Record<string, number>,
  where: DisplayLocale = runtimeLocale()
): string {
  const parts = Object.entries(totals)
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => formatAmount(amount, currency, where))
  return parts.length ? parts.join(' · ') : '—'
}

/** The formatters bound to one locale, as `useFormat()` hands them to components. */
export type Format = {
  where: DisplayLocale
  date: (value: DateInput) => string
  dateTime: (value: DateInput) => string
  amount: (amount: number, currency: string) => string
  totals: (totals: Record<string, number>) => string
}

export function formatFor(where: DisplayLocale): Format {
  return {
    where,
    date: (value) => formatDate(value, where),
    dateTime: (value) => formatDateTime(value, where),
    amount: (amount, currency) => formatAmount(amount, currency, where),
    totals: (totals) => formatTotals(totals, where),
  }
}

export function humanize(value: string): string {
  const text = value.replace(/[_.]/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
