// Table tests for preparing a key set and selecting from it: kid, kty/curve per algorithm,
// use/key_ops/alg, weak RSA and ROCA.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { exportJWK, generateKeyPair } from 'jose'
import type { JWK } from 'jose'
import { KeyObject } from 'node:crypto'
import { hasRocaFingerprint } from '../../../src/federation/oidc/detect-roca.js'
import { prepareVerificationKeys } from '../../../src/federation/oidc/prepare-verification-keys.js'
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
  const selection = selectVerificationKeys(prepareVerificationKeys(keys), kid, alg)
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
  ['RSA even exponent', [{ ...rsa2048, e: 'AAEAAg' }], undefined, 'RS256', 0],
  ['RSA 1024-bit', [{ ...rsa2048, n: (rsa2048.n ?? '').slice(0, 171) }], undefined, 'RS256', 0],
  ['EC point not on the curve', [{ ...p256, y: p384.y ?? '' }], undefined, 'ES256', 0],
  [
    'kid counted before usability: an oct key shares it',
    [
      { ...rsa2048, kid: 'a' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'a' },
    ],
    'a',
    'RS256',
    'ambiguous',
  ],
]
for (const [name, keys, kid, alg, expected] of cases) {
  test(name, () => assert.equal(picks(keys, kid, alg), expected))
}

test('private members are dropped from the selected key', () => {
  const prepared = prepareVerificationKeys([{ ...rsa2048, d: 'secret', kid: 'a' }])
  const selection = selectVerificationKeys(prepared, 'a', 'RS256')
  assert.ok(selection.ok)
  assert.deepEqual(Object.keys(selection.keys[0]?.publicJwk ?? {}).sort(), ['e', 'kid', 'kty', 'n'])
})

test('a prepared set gives the same imported key every call; use, key_ops and alg weighed each time', () => {
  const prepared = prepareVerificationKeys([
    { ...rsa2048, d: 'secret', kid: 'a' },
    { ...p256, kid: 'b', alg: 'ES256' },
  ])
  const first = selectVerificationKeys(prepared, 'a', 'RS256')
  const again = selectVerificationKeys(prepared, 'a', 'RS256')
  assert.ok(first.ok && again.ok)
  assert.ok(first.keys[0]?.key instanceof KeyObject)
  assert.equal(again.keys[0]?.key, first.keys[0]?.key)
  assert.equal(again.keys[0]?.publicJwk, first.keys[0]?.publicJwk)
  assert.ok(Object.isFrozen(first.keys[0]?.publicJwk) && Object.isFrozen(prepared[0]?.jwk))
  // One imported key serves every algorithm of its family; the key's own alg still limits it.
  const pss = selectVerificationKeys(prepared, 'a', 'PS512')
  assert.ok(pss.ok && pss.keys[0]?.key === first.keys[0]?.key)
  assert.equal(picks([{ ...rsa2048, kid: 'a' }], 'a', 'ES256'), 0)
  assert.equal(picks([{ ...p256, kid: 'b', alg: 'ES256' }], 'b', 'ES384'), 0)
})

test('a weak key is judged once, when the set is prepared, and stays refused', () => {
  const prepared = prepareVerificationKeys([{ ...rsa2048, n: (rsa2048.n ?? '').slice(0, 171) }])
  assert.equal(prepared[0]?.usable, undefined)
  for (let i = 0; i < 3; i++) {
    const selection = selectVerificationKeys(prepared, undefined, 'RS256')
    assert.ok(selection.ok && selection.keys.length === 0)
  }
})

test('members of a key set that are not objects are skipped', () => {
  const prepared = prepareVerificationKeys([null, 'key', [rsa2048], { ...rsa2048, kid: 'a' }])
  assert.deepEqual(
    prepared.map((key) => key.jwk.kid),
    ['a'],
  )
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
