// Dates the actions compute: when a paused collection resumes, when an extended trial ends.
// Pure: `now` comes in, unix seconds go out.

const DAY = 86_400

/** Adds calendar months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime())
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d
}

export type Duration = { months: number } | { days: number }

/** `resumes_at` for a collection pause of this length from now (unix seconds). */
export function resumesAt(now: Date, duration: Duration): number {
  if ('months' in duration) return Math.floor(addMonths(now, duration.months).getTime() / 1000)
  return Math.floor(now.getTime() / 1000) + duration.days * DAY
}

/** The new `trial_end`: the current one moved by N days, or a given date. */
export function extendedTrialEnd(
  currentTrialEnd: number,
  extension: { days: number } | { until: number }
): number {
  return 'days' in extension ? currentTrialEnd + extension.days * DAY : extension.until
}
