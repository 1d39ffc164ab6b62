import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { createSecretBox } from './secret-box'

const box = createSecretBox(randomBytes(32))

test('sealed secrets open to the original and never contain it', () => {
  const token = 'rk_test_51AbCdEf_secret_value'
  const sealed = box.seal(token)
  expect(sealed).not.toContain('secret_value')
  expect(sealed.startsWith('v1.')).toBe(true)
  expect(box.open(sealed)).toBe(token)
})

test('the same plaintext seals differently each time (random IV)', () => {
  expect(box.seal('x')).not.toBe(box.seal('x'))
})

test('a tampered or foreign-key secret does not open', () => {
  const sealed = box.seal('token')
  const parts = sealed.split('.')
  const flipped = Buffer.from(parts[3]!, 'base64url')
  flipped[0] = flipped[0]! ^ 1
  parts[3] = flipped.toString('base64url')
  expect(() => box.open(parts.join('.'))).toThrow()
  expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow()
  expect(() => box.open('plaintext')).toThrow('not a sealed secret')
})
