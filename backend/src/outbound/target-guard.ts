// Merchants choose where outbound webhooks go, so a URL must never reach our own network: cloud
// metadata (169.254.169.254), loopback, private and link-local ranges. A URL is checked when it is
// registered and again at every delivery, after DNS resolution, against every address the name
// has; the delivery then connects to the address that was checked (deliver.ts), so a name that
// resolves differently a second later (DNS rebinding) gains nothing.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { OutboundTargetPolicy, ResolveHost } from '../kernel/deps'

export const resolveWithSystemDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

type Range = { prefix: bigint; bits: number; what: string }

const v4 = (cidr: string, what: string): Range => {
  const [ip, bits] = cidr.split('/') as [string, string]
  return { prefix: ipv4ToBigInt(ip), bits: Number(bits), what }
}
const v6 = (cidr: string, what: string): Range => {
  const [ip, bits] = cidr.split('/') as [string, string]
  return { prefix: ipv6ToBigInt(ip), bits: Number(bits), what }
}

export const LOOPBACK = 'loopback'

// IANA's special-purpose registries, the parts an outbound request must never reach.
const BLOCKED_V4: Range[] = [
  v4('0.0.0.0/8', '"this network" (0.0.0.0)'),
  v4('10.0.0.0/8', 'private (10.0.0.0/8)'),
  v4('100.64.0.0/10', 'carrier-grade NAT (100.64.0.0/10)'),
  v4('127.0.0.0/8', LOOPBACK),
  v4('169.254.0.0/16', 'link-local / cloud metadata (169.254.0.0/16)'),
  v4('172.16.0.0/12', 'private (172.16.0.0/12)'),
  v4('192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'),
  v4('192.168.0.0/16', 'private (192.168.0.0/16)'),
  v4('198.18.0.0/15', 'benchmarking (198.18.0.0/15)'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved (240.0.0.0/4, broadcast included)'),
]
const BLOCKED_V6: Range[] = [
  v6('::/128', 'unspecified (::)'),
  v6('::1/128', LOOPBACK),
  v6('::/96', 'IPv4-compatible IPv6'),
  v6('100::/64', 'discard-only (100::/64)'),
  v6('fc00::/7', 'unique-local IPv6 (fc00::/7)'),
  v6('fe80::/10', 'link-local IPv6 (fe80::/10)'),
  v6('fec0::/10', 'site-local IPv6 (fec0::/10)'),
  v6('ff00::/8', 'multicast'),
]
// IPv6 forms that carry an IPv4 address a packet may end up at: judged by that address.
const EMBEDS_V4: Array<{ range: Range; shift: bigint }> = [
  { range: v6('::ffff:0:0/96', 'IPv4-mapped'), shift: 0n },
  { range: v6('64:ff9b::/96', 'NAT64'), shift: 0n },
  { range: v6('64:ff9b:1::/48', 'NAT64 (local)'), shift: 0n },
  { range: v6('2002::/16', '6to4'), shift: 80n },
]

function inRange(value: bigint, width: number, range: Range): boolean {
  const shift = BigInt(width - range.bits)
  return value >> shift === range.prefix >> shift
}

/** Why an IP address is off limits (e.g. `private (10.0.0.0/8)`, `loopback`), or null if public. */
export function blockedAddressClass(address: string): string | null {
  const family = isIP(address)
  if (family === 4) {
    const value = ipv4ToBigInt(address)
    return BLOCKED_V4.find((r) => inRange(value, 32, r))?.what ?? null
  }
  if (family === 6) {
    const value = ipv6ToBigInt(address)
    for (const { range, shift } of EMBEDS_V4)
      if (inRange(value, 128, range)) {
        const embedded = (value >> shift) & 0xffffffffn
        const ipv4 = [24n, 16n, 8n, 0n].map((s) => (embedded >> s) & 0xffn).join('.')
        return blockedAddressClass(ipv4)
      }
    return BLOCKED_V6.find((r) => inRange(value, 128, r))?.what ?? null
  }
  return 'not an IP address'
}

/** Names that are ours or the machine's whatever DNS says. */
function blockedNameClass(hostname: string): string | null {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return LOOPBACK
  if (hostname.endsWith('.internal') || hostname === 'metadata')
    return 'internal name (cloud metadata, private DNS)'
  if (hostname.endsWith('.local')) return 'link-local name (mDNS)'
  return null
}

/** `address` is the checked one to connect to; null: the name does not resolve (yet). */
export type TargetCheck = { ok: true; address: string | null } | { ok: false; reason: string }

/**
 * Resolves the URL's host and checks every address it has: one blocked address blocks the URL.
 * On success, `address` is the one to connect to. `unresolved` says whether a name that does not
 * resolve (yet) is acceptable: at registration it is (delivery checks again), at delivery not.
 */
export async function checkOutboundTarget(
  policy: OutboundTargetPolicy,
  url: URL,
  options: { unresolved: 'accept' | 'refuse' }
): Promise<TargetCheck> {
  // URL has already normalised 0x7f.1 and 2130706433 to 127.0.0.1; drop a trailing dot and [].
  const host = url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase()
  const refuse = (what: string, how: 'is' | 'resolves to') => {
    if (what === LOOPBACK && policy.allowLoopback) return null
    const kind = / name( |$)/.test(what) ? what : `${what} address`
    return {
      ok: false as const,
      reason: `${host} ${how} ${/^[aeio]/i.test(kind) ? 'an' : 'a'} ${kind}`,
    }
  }
  const byName = isIP(host) ? null : blockedNameClass(host)
  if (byName) {
    const refused = refuse(byName, 'is')
    if (refused) return refused
  }
  let addresses: string[]
  if (isIP(host)) addresses = [host]
  else {
    try {
      addresses = await policy.resolve(host)
    } catch {
      addresses = []
    }
    if (addresses.length === 0)
      return options.unresolved === 'accept'
        ? { ok: true, address: null }
        : { ok: false, reason: `${host} does not resolve` }
  }
  for (const address of addresses) {
    const what = blockedAddressClass(address)
    if (what) {
      const refused = refuse(what, isIP(host) ? 'is' : 'resolves to')
      if (refused) return refused
    }
  }
  return { ok: true, address: addresses[0]! }
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n)
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip.replace(/%.*$/, '') // zone id
  // A trailing dotted IPv4 (::ffff:1.2.3.4) is two groups.
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/)
  if (dotted) {
    const n = ipv4ToBigInt(dotted[1]!)
    text =
      text.slice(0, -dotted[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const groups = (s: string | undefined) => (s ? s.split(':') : [])
  const left = groups(head)
  const right = groups(tail)
  const all =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n)
}
