import { describe, expect, test } from 'vitest'
import type { OutboundTargetPolicy } from '../kernel/deps'
import { blockedAddressClass, checkOutboundTarget } from './target-guard'

describe('blockedAddressClass', () => {
  test.each([
    ['169.254.169.254', 'link-local / cloud metadata (169.254.0.0/16)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private (10.0.0.0/8)'],
    ['172.16.0.1', 'private (172.16.0.0/12)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['192.168.1.1', 'private (192.168.0.0/16)'],
    ['100.64.0.1', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.127.255.255', 'carrier-grade NAT (100.64.0.0/10)'],
    ['0.0.0.0', '"this network" (0.0.0.0)'],
    ['255.255.255.255', 'reserved (240.0.0.0/4, broadcast included)'],
    ['224.0.0.1', 'multicast'],
    ['::', 'unspecified (::)'],
    ['fc00::1', 'unique-local IPv6 (fc00::/7)'],
    ['fd12:3456::1', 'unique-local IPv6 (fc00::/7)'],
    ['fe80::1', 'link-local IPv6 (fe80::/10)'],
    ['fe80::1%eth0', 'link-local IPv6 (fe80::/10)'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local / cloud metadata (169.254.0.0/16)'],
    ['::ffff:10.0.0.1', 'private (10.0.0.0/8)'],
    ['64:ff9b::a9fe:a9fe', 'link-local / cloud metadata (169.254.0.0/16)'],
    ['2002:7f00:1::', 'loopback'],
    ['::127.0.0.1', 'IPv4-compatible IPv6'],
    ['ff02::1', 'multicast'],
  ])('%s is %s', (address, what) => {
    expect(blockedAddressClass(address)).toBe(what)
  })

  test.each([
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::',
  ])('%s is public', (address) => {
    expect(blockedAddressClass(address)).toBeNull()
  })
})

describe('checkOutboundTarget', () => {
  const dns: Record<string, string[]> = {
    'hooks.example.com': ['93.184.215.14'],
    'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
    'inside.example.com': ['fd00::7'],
  }
  const policy = (allowLoopback = false): OutboundTargetPolicy => ({
    allowLoopback,
    resolve: async (host) => {
      const found = dns[host]
      if (!found)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
      return found
    },
  })
  const check = (url: string, allowLoopback = false, unresolved: 'accept' | 'refuse' = 'refuse') =>
    checkOutboundTarget(policy(allowLoopback), new URL(url), { unresolved })

  test.each([
    ['https://hooks.example.com/h', { ok: true, address: '93.184.215.14' }],
    ['http://[2606:4700::1111]/h', { ok: true, address: '2606:4700::1111' }],
    [
      'https://mixed.example.com/h',
      { ok: false, reason: 'mixed.example.com resolves to a private (10.0.0.0/8) address' },
    ],
    [
      'https://inside.example.com/h',
      {
        ok: false,
        reason: 'inside.example.com resolves to a unique-local IPv6 (fc00::/7) address',
      },
    ],
    [
      'http://169.254.169.254/latest/meta-data',
      {
        ok: false,
        reason: '169.254.169.254 is a link-local / cloud metadata (169.254.0.0/16) address',
      },
    ],
    [
      'http://metadata.google.internal/computeMetadata/v1',
      {
        ok: false,
        reason: 'metadata.google.internal is an internal name (cloud metadata, private DNS)',
      },
    ],
    ['http://localhost:8787/', { ok: false, reason: 'localhost is a loopback address' }],
    ['http://LOCALHOST./', { ok: false, reason: 'localhost is a loopback address' }],
    ['http://2130706433/', { ok: false, reason: '127.0.0.1 is a loopback address' }],
    ['http://0x7f.1/', { ok: false, reason: '127.0.0.1 is a loopback address' }],
    ['http://[::ffff:127.0.0.1]/', { ok: false, reason: '::ffff:7f00:1 is a loopback address' }],
    ['http://0.0.0.0:22/', { ok: false, reason: '0.0.0.0 is a "this network" (0.0.0.0) address' }],
    [
      'https://nowhere.example.com/h',
      { ok: false, reason: 'nowhere.example.com does not resolve' },
    ],
  ])('%s', async (url, expected) => {
    expect(await check(url)).toEqual(expected)
  })

  test('the loopback allowance lets loopback through, and nothing else', async () => {
    expect(await check('http://127.0.0.1:9/h', true)).toEqual({ ok: true, address: '127.0.0.1' })
    expect(await check('http://[::1]:9/h', true)).toEqual({ ok: true, address: '::1' })
    expect((await check('http://10.0.0.1/h', true)).ok).toBe(false)
    expect((await check('http://169.254.169.254/', true)).ok).toBe(false)
  })

  test('a name that does not resolve yet may be registered; delivery checks it again', async () => {
    expect(await check('https://nowhere.example.com/h', false, 'accept')).toEqual({
      ok: true,
      address: null,
    })
  })
})
