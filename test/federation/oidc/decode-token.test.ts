// Table tests for step 1: compact decoding through jose, refusing non-canonical base64url, and the
// algorithm allowlist.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../../src/core/errors.js'
import { NOT_A_JWT } from '../../../src/federation/oidc/aws-messages.js'
import { ALLOWED_ALGORITHMS, checkAlgorithm } from '../../../src/federation/oidc/check-algorithm.js'
import { decodeJws, decodeToken } from '../../../src/federation/oidc/decode-token.js'

const b64 = (v: unknown) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const header = b64({ alg: 'RS256', kid: 'k' })
const payload = b64({ iss: 'https://issuer.example', sub: 's' })
const isNotAJwt = (e: unknown) =>
  e instanceof AwsError && e.code === 'InvalidIdentityToken' && e.message === NOT_A_JWT

test('a well-formed token decodes', () => {
  const token = decodeToken(`${header}.${payload}.c2ln`)
  assert.equal(token.issuer, 'https://issuer.example')
  assert.deepEqual(token.header, { alg: 'RS256', kid: 'k' })
})

const refused: [string, string][] = [
  ['empty string', ''],
  ['two segments', `${header}.${payload}`],
  ['four segments', `${header}.${payload}.c2ln.c2ln`],
  ['JSON serialisation', JSON.stringify({ protected: header, payload, signature: 'c2ln' })],
  ['padding', `${header}.${payload}.c2ln=`],
  ['standard base64 alphabet', `${header}.${payload}.c2+/`],
  ['space', `${header}.${payload}. c2ln`],
  ['modified unused bits', `${header}.${payload}.c2l`], // canonical form is c2k
  ['impossible length', `${header}.${payload}.c2lnc`],
  ['empty signature', `${header}.${payload}.`],
  ['header not JSON', `${b64('nope')}.${payload}.c2ln`],
  ['header an array', `${b64([1])}.${payload}.c2ln`],
  [
    'unencoded payload (b64)',
    `${b64({ alg: 'RS256', b64: false, crit: ['b64'] })}.${payload}.c2ln`,
  ],
  ['b64 without crit', `${b64({ alg: 'RS256', b64: true })}.${payload}.c2ln`],
  ['another critical extension', `${b64({ alg: 'RS256', crit: ['exp'], exp: 1 })}.${payload}.c2ln`],
  ['space inside the header', `${header.slice(0, 4)} ${header.slice(4)}.${payload}.c2ln`],
  ['space inside the payload', `${header}.${payload.slice(0, 4)}\n${payload.slice(4)}.c2ln`],
  ['payload not an object', `${header}.${b64('"x"')}.c2ln`],
  ['no iss', `${header}.${b64({ sub: 's' })}.c2ln`],
  ['iss not a string', `${header}.${b64({ iss: 1 })}.c2ln`],
  ['invalid UTF-8', `${header}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.c2ln`],
]
for (const [name, token] of refused) {
  test(`refused: ${name}`, () => assert.throws(() => decodeToken(token), isNotAJwt))
}

test('header and payload must be strict UTF-8, even inside a JSON string', () => {
  // Each of these would decode to U+FFFD with a lenient decoder, and the JSON would then parse.
  for (const bad of [
    [0xff], // never valid
    [0xc0, 0xaf], // overlong '/'
    [0xed, 0xa0, 0x80], // a UTF-16 surrogate
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xe2, 0x82], // cut short
  ]) {
    const inString = (prefix: string) =>
      Buffer.concat([Buffer.from(prefix), Buffer.from(bad), Buffer.from('"}')]).toString(
        'base64url',
      )
    const badPayload = inString('{"iss":"https://issuer.example/')
    const badHeader = inString('{"alg":"RS256","kid":"')
    assert.throws(() => decodeToken(`${header}.${badPayload}.c2ln`), isNotAJwt, String(bad))
    assert.throws(() => decodeToken(`${badHeader}.${payload}.c2ln`), isNotAJwt, String(bad))
  }
  // Valid multi-byte UTF-8 decodes to the same text.
  const iss = 'https://issuer.example/\u00e9\u4e2d\u{1f600}'
  assert.equal(decodeToken(`${header}.${b64({ iss })}.c2ln`).issuer, iss)
})

test('a byte order mark before the JSON is dropped, as a UTF-8 TextDecoder drops it', () => {
  const bom = (v: unknown) =>
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(v))]).toString(
      'base64url',
    )
  const token = decodeToken(`${bom({ alg: 'RS256' })}.${bom({ iss: 'https://i.example' })}.c2ln`)
  assert.deepEqual(token.header, { alg: 'RS256' })
  assert.equal(token.issuer, 'https://i.example')
  // Only one: a second mark is not white space to JSON.
  const twice = Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...Buffer.from('{"iss":"x"}')])
  assert.throws(() => decodeToken(`${header}.${twice.toString('base64url')}.c2ln`), isNotAJwt)
})

test('a decoded token carries exactly the compact JWS, its header and the claims', () => {
  const token = decodeToken(`${header}.${payload}.c2ln`)
  assert.deepEqual(Object.keys(token).sort(), ['claims', 'compact', 'header', 'issuer'])
  assert.equal(token.compact, `${header}.${payload}.c2ln`)
  assert.deepEqual(token.claims, { iss: 'https://issuer.example', sub: 's' })
})

test('a last character is accepted exactly when re-encoding the bytes gives it back', () => {
  // Every possible last character after one and two full characters (4 and 2 unused bits).
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  let accepted = 0
  for (const start of ['c', 'c2', 'c2lnc', 'c2lnc2']) {
    for (const last of alphabet) {
      const signature = start + last
      const canonical = Buffer.from(signature, 'base64url').toString('base64url') === signature
      const token = `${header}.${payload}.${signature}`
      if (canonical) {
        assert.equal(decodeJws(token).compact, token, signature)
        accepted++
      } else {
        assert.throws(() => decodeJws(token), isNotAJwt, signature)
      }
    }
  }
  // 4 of 64 characters leave 4 unused bits zero, 16 of 64 leave 2 unused bits zero.
  assert.equal(accepted, 2 * 4 + 2 * 16)
})

test('the canonical form of the same bytes decodes', () => {
  assert.doesNotThrow(() => decodeJws(`${header}.${payload}.c2k`))
})

test('decodeJws accepts an empty payload (JWS) that decodeToken refuses (JWT)', () => {
  assert.deepEqual(decodeJws(`${header}..c2ln`).header, { alg: 'RS256', kid: 'k' })
  assert.throws(() => decodeToken(`${header}..c2ln`), isNotAJwt)
})

test('the allowlist is exactly the asymmetric RS/PS/ES algorithms', () => {
  for (const alg of ALLOWED_ALGORITHMS) assert.equal(checkAlgorithm({ alg }), alg)
  for (const alg of [
    'none',
    'None',
    'HS256',
    'HS384',
    'HS512',
    'EdDSA',
    'RS1',
    'rs256',
    '',
    42,
    undefined,
  ]) {
    assert.throws(() => checkAlgorithm({ alg }), isNotAJwt, String(alg))
  }
})
