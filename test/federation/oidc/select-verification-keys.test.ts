// Table tests for key selection: kid, kty/curve per algorithm, use/key_ops/alg, weak RSA and ROCA.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { exportJWK, generateKeyPair } from 'jose'
import type { JWK } from 'jose'
import { hasRocaFingerprint } from '../../../src/federation/oidc/detect-roca.js'
import { selectVerificationKeys } from '../../../src/federation/oidc/select-verification-keys.js'
import { corpus } from '../../support/requirements.js'

const rsa2048 = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)
const p256 = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)
const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey)

const picks = (
  keys: JWK[],
  kid: string | undefined,
  alg: 'RS256' | 'ES256' | 'ES384' | 'PS256',
) => {
  const selection = selectVerificationKeys(keys, kid, alg)
  return selection.ok ? selection.keys.length : selection.reason
}

const cases: [
  string,
  JWK[],
  string | undefined,
  'RS256' | 'ES256' | 'ES384' | 'PS256',
  number | string,
][] = [
  [
    'matching kid',
    [
      { ...rsa2048, kid: 'a' },
      { ...rsa2048, kid: 'b' },
    ],
    'a',
    'RS256',
    1,
  ],
  [
    'no kid in token: all compatible keys',
    [
      { ...rsa2048, kid: 'a' },
      { ...p256, kid: 'b' },
    ],
    undefined,
    'RS256',
    1,
  ],
  [
    'duplicate kid is ambiguous',
    [
      { ...rsa2048, kid: 'a' },
      { ...p256, kid: 'a' },
    ],
    'a',
    'RS256',
    'ambiguous',
  ],
  ['use sig', [{ ...rsa2048, use: 'sig' }], undefined, 'PS256', 1],
  ['use enc', [{ ...rsa2048, use: 'enc' }], undefined, 'RS256', 0],
  ['key_ops verify', [{ ...p256, key_ops: ['verify'] }], undefined, 'ES256', 1],
  ['key_ops encrypt', [{ ...p256, key_ops: ['encrypt'] }], undefined, 'ES256', 0],
  ['alg differs', [{ ...rsa2048, alg: 'RS512' }], undefined, 'RS256', 0],
  ['EC key for RS256', [p256], undefined, 'RS256', 0],
  ['P-256 key for ES384', [p256], undefined, 'ES384', 0],
  ['P-384 key for ES384', [p384], undefined, 'ES384', 1],
  ['oct key never', [{ kty: 'oct', k: 'c2VjcmV0' }], undefined, 'RS256', 0],
  ['RSA e = 1', [{ ...rsa2048, e: 'AQ' }], undefined, 'RS256', 0],
  ['RSA 1024-bit', [{ ...rsa2048, n: (rsa2048.n ?? '').slice(0, 171) }], undefined, 'RS256', 0],
]
for (const [name, keys, kid, alg, expected] of cases) {
  test(name, () => assert.equal(picks(keys, kid, alg), expected))
}

test('private members are dropped from the selected key', () => {
  const selection = selectVerificationKeys([{ ...rsa2048, d: 'secret', kid: 'a' }], 'a', 'RS256')
  assert.ok(selection.ok)
  assert.deepEqual(Object.keys(selection.keys[0] ?? {}).sort(), ['e', 'kid', 'kty', 'n'])
})

test('a frozen key gives the same frozen public part every call; its private members dropped', () => {
  const frozen = Object.freeze({ ...rsa2048, d: 'secret', kid: 'a' })
  const first = selectVerificationKeys([frozen], 'a', 'RS256')
  const again = selectVerificationKeys([frozen], 'a', 'RS256')
  assert.ok(first.ok && again.ok)
  assert.equal(again.keys[0], first.keys[0])
  assert.ok(Object.isFrozen(first.keys[0]))
  assert.deepEqual(Object.keys(first.keys[0] ?? {}).sort(), ['e', 'kid', 'kty', 'n'])
  // What is remembered is the key's strength, not the verdict on use, key_ops or alg.
  assert.equal(picks([Object.freeze({ ...rsa2048, use: 'enc' })], undefined, 'RS256'), 0)
  assert.equal(picks([frozen], 'a', 'ES256'), 0)
})

test('a weak frozen key stays refused call after call', () => {
  const weak = Object.freeze({ ...rsa2048, n: (rsa2048.n ?? '').slice(0, 171) })
  for (let i = 0; i < 3; i++) assert.equal(picks([weak], undefined, 'RS256'), 0)
})

test('ROCA fingerprint: the Wycheproof ROCA modulus is caught, a fresh key is not', (t) => {
  const { path: file, skip } = corpus('jose/json_web_key_test.json')
  const fresh = BigInt(`0x${Buffer.from(rsa2048.n ?? '', 'base64url').toString('hex')}`)
  assert.equal(hasRocaFingerprint(fresh), false)
  if (skip) {
    t.skip(skip)
    return
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    testGroups: { comment: string; public?: { keys: JWK[] } }[]
  }
  const roca = data.testGroups.find((g) => g.comment === 'jws_rsa_roca_key')?.public?.keys[0]
  assert.ok(roca?.n)
  assert.equal(
    hasRocaFingerprint(BigInt(`0x${Buffer.from(roca.n, 'base64url').toString('hex')}`)),
    true,
  )
  assert.equal(picks([roca], roca.kid, 'RS256'), 0)
})
