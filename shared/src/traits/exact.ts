// Exact rational arithmetic on bigints, so `unit_amount_decimal` strings, percentages and the
// 52/12 week factor never pick up float error before the single rounding step.

export type Exact = { n: bigint; d: bigint }

const ZERO: Exact = { n: 0n, d: 1n }

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a
  b = b < 0n ? -b : b
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

function normalise(n: bigint, d: bigint): Exact {
  if (d === 0n) throw new RangeError('division by zero')
  if (d < 0n) [n, d] = [-n, -d]
  const g = gcd(n, d)
  return g > 1n ? { n: n / g, d: d / g } : { n, d }
}

/** Parses "12", "-0.125", "1e-7", "3.5E+2" (the forms String(number) and Stripe decimals take). */
export function parseExact(text: string | number): Exact {
  const s = String(text).trim()
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s)
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal: ${s}`)
  const sign = m[1] === '-' ? -1n : 1n
  const frac = m[3] ?? ''
  const exp = Number(m[4] ?? 0) - frac.length
  let n = BigInt((m[2] || '0') + frac) * sign
  let d = 1n
  if (exp >= 0) n *= 10n ** BigInt(exp)
  else d = 10n ** BigInt(-exp)
  return normalise(n, d)
}

export const exact = (value: number | bigint): Exact =>
  typeof value === 'bigint' ? { n: value, d: 1n } : parseExact(value)

export const ratio = (n: number | bigint, d: number | bigint): Exact =>
  normalise(BigInt(n), BigInt(d))

export const add = (a: Exact, b: Exact): Exact => normalise(a.n * b.d + b.n * a.d, a.d * b.d)
export const sub = (a: Exact, b: Exact): Exact => normalise(a.n * b.d - b.n * a.d, a.d * b.d)
export const mul = (a: Exact, b: Exact): Exact => normalise(a.n * b.n, a.d * b.d)
export const div = (a: Exact, b: Exact): Exact => normalise(a.n * b.d, a.d * b.n)
export const max = (a: Exact, b: Exact): Exact => (compare(a, b) >= 0 ? a : b)
export const compare = (a: Exact, b: Exact): number => {
  const diff = a.n * b.d - b.n * a.d
  return diff === 0n ? 0 : diff > 0n ? 1 : -1
}
export const sum = (xs: Exact[]): Exact => xs.reduce(add, ZERO)
export const zero = (): Exact => ZERO

/** Rounds half away from zero to an integer (minor units). */
export function roundHalfUp(x: Exact): number {
  const neg = x.n < 0n
  const n = neg ? -x.n : x.n
  const q = (2n * n + x.d) / (2n * x.d)
  return Number(neg ? -q : q)
}

export function floorExact(x: Exact): bigint {
  const q = x.n / x.d
  return x.n < 0n && q * x.d !== x.n ? q - 1n : q
}

export function ceilExact(x: Exact): bigint {
  const q = x.n / x.d
  return x.n > 0n && q * x.d !== x.n ? q + 1n : q
}

export const toNumber = (x: Exact): number => Number(x.n) / Number(x.d)
