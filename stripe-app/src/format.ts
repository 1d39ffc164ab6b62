// Display formatting in Stripe's Dashboard style: "Jan 3, 2021", "3:25 PM", "$49.00".
import { formatMoney } from '@holdfast/shared/money'

export function formatDate(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return date.toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  })
}

export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const time = date.toLocaleTimeString('en-US', {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
  })
  return `${formatDate(value)}, ${time}`
}

export function formatAmount(amount: number, currency: string): string {
  return formatMoney({ amount, currency })
}

/** Per-currency totals ({usd: 4900, eur: 1000}) → "$49.00 · €10.00"; never added together. */
export function formatTotals(totals: Record<string, number>): string {
  const parts = Object.entries(totals)
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => formatAmount(amount, currency))
  return parts.length ? parts.join(' · ') : formatAmount(0, 'usd')
}

export function humanize(value: string): string {
  const text = value.replace(/[_.]/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
