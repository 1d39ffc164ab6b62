// What a database error says about its cause. Postgres reports a value it refuses (a NUL
// character, a number or date out of range) with SQLSTATE class 22 "data exception": the
// statement reached the database and the value in it was wrong, so the caller's input is at fault.
// @see https://www.postgresql.org/docs/current/errcodes-appendix.html

/** The SQLSTATE of a driver error, looking through drizzle's wrapper (it keeps it as `cause`). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e = err, hops = 0; e instanceof Error && hops < 5; e = e.cause, hops++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
  }
  return undefined
}

/** SQLSTATE class 22: Postgres refused a value in the statement. */
export function isDataError(err: unknown): boolean {
  return sqlStateOf(err)?.startsWith('22') ?? false
}

const REFUSED_VALUE: Record<string, string> = {
  '22P05': 'a text value contains a character that cannot be stored (such as \\u0000)',
  '22021': 'a text value contains a character that cannot be stored (such as \\u0000)',
  '22003': 'a number is out of range',
  '22008': 'a date or time is out of range',
  '22007': 'a date or time is not valid',
  '22001': 'a text value is too long',
  '22P02': 'a value has the wrong format',
}

/** A sentence for the client saying which kind of value was refused (never the value itself). */
export function describeDataError(err: unknown): string {
  const state = sqlStateOf(err) ?? ''
  return `A value in the request cannot be stored: ${REFUSED_VALUE[state] ?? 'it is not valid'} (SQLSTATE ${state}).`
}
