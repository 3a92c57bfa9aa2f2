// Walks the Wycheproof JWS and JWK-set vectors (../shared/corpora/jose, C2SP/wycheproof
// dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166) through decode -> algorithm -> signature, the same steps
// a web identity token takes, with the group's key (or key set) prepared as the JWKS cache prepares
// an issuer's.
//
// Deviations, decided explicitly:
// - Valid vectors whose `alg` is HS256 (including tcId 372/373, whose `?` inside a segment only a
//   lenient base64url decoder accepts) must be rejected: HMAC is never on our allowlist, and we
//   accept only canonical base64url. Each is asserted to fail with InvalidIdentityToken at the algorithm or
//   decoding step, not merely "somewhere".
// - tcId 346/347/350/351 (RFC 7520 figures) are marked valid, but the key's `alg` member (PS256,
//   "ES521") differs from the header's (PS384, ES512). The corpus README itself asks that a key's
//   `alg` match the header's, and RFC 7517 4.4 makes `alg` the algorithm the key is meant for, so we
//   refuse them; the test proves the signature is otherwise good by verifying with `alg` removed.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { JWK } from 'jose'
import { AwsError } from '../../../src/core/errors.js'
import { KEY_NOT_RETRIEVED, NOT_A_JWT } from '../../../src/federation/oidc/aws-messages.js'
import { checkAlgorithm } from '../../../src/federation/oidc/check-algorithm.js'
import { decodeJws } from '../../../src/federation/oidc/decode-token.js'
import { prepareVerificationKeys } from '../../../src/federation/oidc/prepare-verification-keys.js'
import { checkSignature } from '../../../src/federation/oidc/verify-signature.js'
import { corpus } from '../../support/requirements.js'

interface Vector {
  tcId: number
  comment: string
  jws: string
  result: 'valid' | 'invalid' | 'acceptable'
  flags: string[]
}
interface Group {
  comment: string
  private?: JWK | { keys: JWK[] }
  public?: JWK | { keys: JWK[] }
  tests: Vector[]
}

const KEY_ALG_MISMATCH = new Set([346, 347, 350, 351])

const keysOf = (group: Group): JWK[] => {
  const material = group.public ?? group.private
  if (material === undefined) return []
  return 'keys' in material ? material.keys : [material]
}

/** Runs the token steps; resolves to the verified payload or rejects with the AwsError. */
async function verifyVector(jws: string, keys: JWK[]): Promise<Uint8Array> {
  const decoded = decodeJws(jws)
  const alg = checkAlgorithm(decoded.header)
  return (await checkSignature(decoded, alg, prepareVerificationKeys(keys))).payload
}

/** The payload segment's bytes, decoded by Node rather than by the code under test. */
const payloadOf = (jws: string) => [...Buffer.from(jws.split('.')[1] ?? '', 'base64url')]

const headerAlg = (jws: string): unknown => {
  try {
    return JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')).alg
  } catch {
    return undefined
  }
}

for (const file of ['json_web_signature_test.json', 'json_web_key_test.json']) {
  const { path, skip } = corpus(`jose/${file}`)
  if (skip) {
    test(`jose corpus ${file}`, { skip }, () => {})
    continue
  }
  const data = JSON.parse(readFileSync(path, 'utf8')) as { testGroups: Group[] }
  describe(`Wycheproof ${file}`, () => {
    let valid = 0
    let invalid = 0
    let hmac = 0
    for (const group of data.testGroups) {
      for (const vector of group.tests) {
        const name = `tcId ${vector.tcId} ${group.comment} ${vector.comment} (${vector.result})`
        const alg = headerAlg(vector.jws)
        const isHmac = typeof alg === 'string' && alg.startsWith('HS')
        test(name, async () => {
          const outcome = verifyVector(vector.jws, keysOf(group))
          if (vector.result === 'valid' && isHmac) {
            hmac++
            // Allowlist (or, for 372/373, the strict decoder) must refuse it before any key is used.
            assert.throws(
              () => checkAlgorithm(decodeJws(vector.jws).header),
              (e: unknown) =>
                e instanceof AwsError &&
                e.code === 'InvalidIdentityToken' &&
                e.message === NOT_A_JWT,
            )
            await assert.rejects(outcome, AwsError)
          } else if (vector.result === 'valid' && KEY_ALG_MISMATCH.has(vector.tcId)) {
            valid++
            await assert.rejects(
              outcome,
              (e: unknown) => e instanceof AwsError && e.message === KEY_NOT_RETRIEVED,
            )
            const withoutAlg = keysOf(group).map(({ alg: _alg, ...rest }) => rest)
            assert.deepEqual(
              [...(await verifyVector(vector.jws, withoutAlg))],
              payloadOf(vector.jws),
            )
          } else if (vector.result === 'valid') {
            valid++
            assert.deepEqual([...(await outcome)], payloadOf(vector.jws))
          } else if (vector.result === 'invalid') {
            invalid++
            await assert.rejects(
              outcome,
              (e: unknown) => e instanceof AwsError && e.code === 'InvalidIdentityToken',
            )
          } else {
            await outcome.catch(() => undefined)
          }
        })
      }
    }
    const total = data.testGroups.reduce((n, g) => n + g.tests.length, 0)
    test('every vector was walked', () => {
      assert.equal(valid + invalid + hmac, total)
      assert.ok(valid > 0 && invalid > 0 && hmac > 0)
    })
  })
}
