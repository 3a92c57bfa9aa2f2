// The webhook credential's parts: tokens of 256 random bits in base64url (RFC 4648 section 5, no
// padding, as a bearer token carries them), and the match among the clusters of one name, which
// compares every candidate and answers the account whose token it is, or none.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import {
  generateWebhookToken,
  matchWebhookToken,
  webhookTokenDigest,
} from '../../src/kubernetes/webhook-credential.js'

describe('webhook tokens', () => {
  test('32 bytes from the id source, in base64url without padding', () => {
    const asked: number[] = []
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 8 + 3))
    const token = generateWebhookToken({
      randomBytes: (size) => {
        asked.push(size)
        return bytes.subarray(0, size)
      },
    })
    assert.deepEqual(asked, [32])
    assert.equal(token.length, 43)
    assert.match(token, /^[A-Za-z0-9_-]+$/)
    assert.deepEqual(Buffer.from(token, 'base64url'), bytes)
  })

  test('the digest is SHA-256 of the UTF-8 text (FIPS 180-4 vector "abc")', () => {
    assert.equal(
      webhookTokenDigest('abc').toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  const candidates = [
    { accountId: '111122223333', digest: webhookTokenDigest('token-one') },
    { accountId: '444455556666', digest: webhookTokenDigest('token-two') },
  ]
  const CASES: Array<[string, string, typeof candidates, string | undefined]> = [
    ['the first account', 'token-one', candidates, '111122223333'],
    ['the second account', 'token-two', candidates, '444455556666'],
    ['neither', 'token-three', candidates, undefined],
    ['a prefix of a token', 'token-on', candidates, undefined],
    ['a token and more', 'token-one ', candidates, undefined],
    ['the empty token', '', candidates, undefined],
    ['no cluster of the name', 'token-one', [], undefined],
    ['the text hashed for a missing cluster', 'no cluster has this token', [], undefined],
    [
      'a digest given as the token',
      createHash('sha256').update('token-one').digest('hex'),
      candidates,
      undefined,
    ],
  ]
  for (const [name, token, among, expected] of CASES) {
    test(`match: ${name}`, () => {
      assert.equal(matchWebhookToken(token, among), expected)
    })
  }
})
