// The hash primitives SigV4 takes, on whichever Node line runs the tests (CI runs 20 and 24):
// SHA-256 against FIPS 180-2's examples and HMAC-SHA256 against RFC 4231's test cases, for text
// and for bytes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nodeCrypto } from '../../src/core/node-crypto.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

test('SHA-256: FIPS 180-2 appendix B examples, as text and as bytes', () => {
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
  assert.equal(nodeCrypto.sha256Hex('abc'), abc)
  assert.equal(nodeCrypto.sha256Hex(new TextEncoder().encode('abc')), abc)
  assert.equal(
    nodeCrypto.sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  )
  assert.equal(
    nodeCrypto.sha256Hex(''),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  )
})

test('HMAC-SHA256: RFC 4231 test cases 1 and 2, keys as bytes and as text', () => {
  assert.equal(
    hex(nodeCrypto.hmacSha256(new Uint8Array(20).fill(0x0b), 'Hi There')),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  )
  assert.equal(
    hex(nodeCrypto.hmacSha256('Jefe', 'what do ya want for nothing?')),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  )
})
