import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { toHex } from '../../src/sigv4/crypto.js'
import type { Sigv4Crypto } from '../../src/sigv4/crypto.js'
import { SigningKeyCache, deriveSigningKey, signingKey } from '../../src/sigv4/signing-key.js'

const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'

test('deriveSigningKey matches the AWS General Reference example', () => {
  // "Examples of how to derive a signing key for Signature Version 4": 20120215/us-east-1/iam.
  const key = deriveSigningKey(nodeCrypto, secret, {
    date: '20120215',
    region: 'us-east-1',
    service: 'iam',
  })
  assert.equal(toHex(key), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d')
})

/** The real node hashes, counting HMAC calls. */
const counting = () => {
  let hmacs = 0
  const crypto: Sigv4Crypto = {
    sha256Hex: (data) => nodeCrypto.sha256Hex(data),
    hmacSha256: (key, data) => {
      hmacs++
      return nodeCrypto.hmacSha256(key, data)
    },
  }
  return { crypto, hmacs: () => hmacs }
}

test('the signing key cache skips the four HMACs for a repeated secret, day, region and service', () => {
  const { crypto, hmacs } = counting()
  const cache = new SigningKeyCache(crypto, 2)
  const scope = { date: '20150830', region: 'us-east-1', service: 'sts' }
  const first = cache.get(secret, scope)
  assert.equal(hmacs(), 4)
  assert.equal(cache.get(secret, scope), first)
  assert.equal(hmacs(), 4)

  const table: [what: string, secret: string, scope: typeof scope][] = [
    ['another day', secret, { ...scope, date: '20150831' }],
    ['another region', secret, { ...scope, region: 'eu-west-1' }],
    ['another service', secret, { ...scope, service: 'iam' }],
    ['another secret', secret + 'x', scope],
  ]
  for (const [what, s, sc] of table) {
    const before = hmacs()
    const key = cache.get(s, sc)
    assert.equal(hmacs() - before, 4, what)
    assert.notDeepEqual(key, first, what)
    assert.deepEqual(key, deriveSigningKey(nodeCrypto, s, sc), what)
  }
  assert.equal(cache.size, 2, 'bounded: the oldest entries were evicted')
})

test('the key handed out last is reused only when all four parts match', () => {
  const { crypto, hmacs } = counting()
  const cache = new SigningKeyCache(crypto, 10)
  const base = { date: '20150830', region: 'us-east-1', service: 'sts' }
  const variants: [what: string, secret: string, scope: typeof base][] = [
    ['another day', secret, { ...base, date: '20150831' }],
    ['another region', secret, { ...base, region: 'eu-west-1' }],
    ['another service', secret, { ...base, service: 'iam' }],
    ['another secret', secret + 'x', base],
  ]
  for (const [what, s, scope] of variants) {
    // The base key is the last one handed out, so only the one differing part tells them apart.
    assert.deepEqual(cache.get(secret, base), deriveSigningKey(nodeCrypto, secret, base), what)
    assert.deepEqual(cache.get(s, scope), deriveSigningKey(nodeCrypto, s, scope), what)
  }
  // Switching back and forth between cached keys derives nothing again.
  const derived = hmacs()
  for (const [what, s, scope] of variants) {
    assert.deepEqual(cache.get(s, scope), deriveSigningKey(nodeCrypto, s, scope), what)
    assert.deepEqual(cache.get(secret, base), deriveSigningKey(nodeCrypto, secret, base), what)
  }
  assert.equal(hmacs(), derived)
})

test('toHex writes every byte as two lowercase digits', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, byte) => byte)
  assert.equal(toHex(bytes), Buffer.from(bytes).toString('hex'))
  assert.equal(toHex(new Uint8Array()), '')
})

test('signingKey remembers keys only in the cache it is given', () => {
  const { crypto, hmacs } = counting()
  const scope = { date: '20150830', region: 'us-east-1', service: 'iam' }
  // No cache: each call derives the key (four HMACs) and keeps it nowhere.
  signingKey(crypto, secret, scope)
  signingKey(crypto, secret, scope)
  assert.equal(hmacs(), 8)
  // Two owners, two caches: one's derivation does not serve the other.
  const first = new SigningKeyCache(crypto)
  const second = new SigningKeyCache(crypto)
  const key = signingKey(crypto, secret, scope, first)
  assert.deepEqual(signingKey(crypto, secret, scope, first), key)
  assert.equal(hmacs(), 12)
  assert.deepEqual(signingKey(crypto, secret, scope, second), key)
  assert.equal(hmacs(), 16)
  assert.deepEqual([first.size, second.size], [1, 1])
})
