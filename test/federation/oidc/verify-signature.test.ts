// Signature checks through jose's compactVerify with keys prepared once per key set: a prepared
// key still has its `use`, `key_ops` and `alg` weighed on every call, verifies nothing it did not
// sign, and jose's refusals come back in AWS's words.
import { test, describe, before } from 'node:test'
import assert from 'node:assert/strict'
import { CompactSign, FlattenedSign, compactVerify, errors, exportJWK, generateKeyPair } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import { AwsError } from '../../../src/core/errors.js'
import {
  KEY_NOT_RETRIEVED,
  NOT_A_JWT,
  SIGNATURE_INVALID,
} from '../../../src/federation/oidc/aws-messages.js'
import type { AllowedAlgorithm } from '../../../src/federation/oidc/check-algorithm.js'
import { checkAlgorithm } from '../../../src/federation/oidc/check-algorithm.js'
import { decodeJws } from '../../../src/federation/oidc/decode-token.js'
import { prepareVerificationKeys } from '../../../src/federation/oidc/prepare-verification-keys.js'
import type { VerificationKey } from '../../../src/federation/oidc/prepare-verification-keys.js'
import { checkSignature, tokenRefusal } from '../../../src/federation/oidc/verify-signature.js'

const refusedWith = (message: string) => (e: unknown) =>
  e instanceof AwsError && e.code === 'InvalidIdentityToken' && e.message === message

const ALGORITHMS: AllowedAlgorithm[] = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512']

/** The members a public JWK of its type is verified with. */
const publicMembers = ({ n, e, crv, x, y }: JWK) =>
  Object.fromEntries(Object.entries({ n, e, crv, x, y }).filter(([, v]) => v !== undefined))

describe('checkSignature', () => {
  const keys = new Map<
    AllowedAlgorithm,
    { jwk: JWK; token: string; other: string; privateKey: CryptoKey }
  >()

  before(async () => {
    for (const alg of ALGORITHMS) {
      const pair = await generateKeyPair(alg, { extractable: true })
      const stranger = await generateKeyPair(alg)
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: alg }
      const sign = (key: typeof pair.privateKey) =>
        new CompactSign(new TextEncoder().encode('{"iss":"x"}'))
          .setProtectedHeader({ alg, kid: alg })
          .sign(key)
      keys.set(alg, {
        jwk,
        token: await sign(pair.privateKey),
        other: await sign(stranger.privateKey),
        privateKey: pair.privateKey,
      })
    }
  })

  const verifyWith = (token: string, prepared: readonly VerificationKey[]) => {
    const decoded = decodeJws(token)
    return checkSignature(decoded, checkAlgorithm(decoded.header), prepared)
  }
  // A refusal becomes a rejection, as the pipeline that awaits it sees it.
  const verify = async (token: string, jwks: JWK[]) =>
    (await verifyWith(token, prepareVerificationKeys(jwks))).key

  for (const alg of ALGORITHMS) {
    test(`${alg}: fresh copies of one key verify again and again; another key's token never`, async () => {
      const { jwk, token, other } = keys.get(alg)!
      for (let i = 0; i < 3; i++) {
        const verified = await verify(token, [structuredClone(jwk)])
        assert.equal(verified.kid, alg)
        await assert.rejects(verify(other, [structuredClone(jwk)]), refusedWith(SIGNATURE_INVALID))
      }
      // A signature cut short or grown is refused, not misread.
      const [head, body, signature] = token.split('.') as [string, string, string]
      const bytes = Buffer.from(signature, 'base64url')
      for (const changed of [bytes.subarray(1), Buffer.concat([bytes, Buffer.from([0])])]) {
        const forged = `${head}.${body}.${changed.toString('base64url')}`
        await assert.rejects(verify(forged, [jwk]), refusedWith(SIGNATURE_INVALID))
      }
    })
  }

  for (const alg of ALGORITHMS) {
    test(`${alg}: one prepared key set, as issuers keep it, verifies again and again; another key's token never`, async () => {
      const { jwk, token, other } = keys.get(alg)!
      const prepared = prepareVerificationKeys([{ ...jwk, use: 'sig' }])
      for (let i = 0; i < 3; i++) {
        const verified = await verifyWith(token, prepared)
        assert.deepEqual(verified.key, { kty: jwk.kty, kid: alg, ...publicMembers(jwk) })
        assert.ok(Object.isFrozen(verified.key))
        assert.equal(verified.key, prepared[0]?.usable?.publicJwk)
        assert.equal(Buffer.from(verified.payload).toString(), '{"iss":"x"}')
        await assert.rejects(verifyWith(other, prepared), refusedWith(SIGNATURE_INVALID))
      }
      // Another key with the same kid is weighed on its own.
      const stranger = keys.get(alg === 'RS256' ? 'PS256' : 'RS256')!.jwk
      await assert.rejects(
        verify(token, [{ ...stranger, kid: alg }]),
        refusedWith(alg.startsWith('ES') ? KEY_NOT_RETRIEVED : SIGNATURE_INVALID),
      )
    })
  }

  test('a key verified before is still refused for use enc, other key_ops or another alg', async () => {
    const { jwk, token } = keys.get('RS256')!
    await verify(token, [jwk])
    for (const variant of [
      { ...jwk, use: 'enc' },
      { ...jwk, key_ops: ['encrypt'] },
      { ...jwk, alg: 'RS384' },
    ]) {
      await assert.rejects(verify(token, [variant]), refusedWith(KEY_NOT_RETRIEVED))
    }
    const allowed = await verify(token, [{ ...jwk, use: 'sig', key_ops: ['verify'] }])
    assert.equal(allowed.kid, 'RS256')
  })

  test('an RSA key verified before does not verify the same token re-labelled PS256', async () => {
    const { jwk, token } = keys.get('RS256')!
    await verify(token, [jwk])
    const [, body, signature] = token.split('.') as [string, string, string]
    const header = Buffer.from(JSON.stringify({ alg: 'PS256', kid: 'RS256' })).toString('base64url')
    await assert.rejects(
      verify(`${header}.${body}.${signature}`, [jwk]),
      refusedWith(SIGNATURE_INVALID),
    )
  })

  test('an EC key of another curve with the same kid is not used', async () => {
    const p256 = keys.get('ES256')!
    const p384 = keys.get('ES384')!
    await assert.rejects(
      verify(p384.token, [{ ...p256.jwk, kid: 'ES384' }]),
      refusedWith(KEY_NOT_RETRIEVED),
    )
  })

  test("two keys with the token's kid are ambiguous, even when one of them verifies", async () => {
    const { jwk, token } = keys.get('ES256')!
    const twin = { ...keys.get('ES384')!.jwk, kid: 'ES256' }
    await assert.rejects(verify(token, [jwk, twin]), refusedWith(KEY_NOT_RETRIEVED))
  })

  test('without a kid every fitting key is tried until one verifies', async () => {
    const { jwk, privateKey } = keys.get('ES256')!
    const token = await new CompactSign(new TextEncoder().encode('{"iss":"x"}'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey)
    const decoy = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'd' }
    assert.equal((await verify(token, [decoy, jwk])).kid, 'ES256')
    await assert.rejects(verify(token, [decoy]), refusedWith(SIGNATURE_INVALID))
  })

  test('an RFC 7797 unencoded payload, which jose would verify, is refused', async () => {
    const { jwk, privateKey } = keys.get('ES256')!
    // jose's CompactSign will not write one; its flattened form, put in compact order, is one.
    const flat = await new FlattenedSign(new TextEncoder().encode('abcd'))
      .setProtectedHeader({ alg: 'ES256', kid: 'ES256', b64: false, crit: ['b64'] })
      .sign(privateKey)
    const token = `${flat.protected}.abcd.${flat.signature}`
    // jose alone accepts it, with the payload signed as is...
    const direct = await compactVerify(token, prepareVerificationKeys([jwk])[0]!.usable!.key)
    assert.equal(Buffer.from(direct.payload).toString(), 'abcd')
    // ...but what the signature covers is no longer what the payload decodes to.
    await assert.rejects(verify(token, [jwk]), refusedWith(NOT_A_JWT))
  })

  test("jose's refusals of the token itself are AWS's not-a-JWT; a key that fails is left to the next", () => {
    for (const error of [
      new errors.JWSInvalid('x'),
      new errors.JOSEAlgNotAllowed('x'),
      new errors.JOSENotSupported('x'),
    ]) {
      assert.equal(tokenRefusal(error), NOT_A_JWT, error.name)
    }
    for (const error of [
      new errors.JWSSignatureVerificationFailed(),
      new TypeError('RS256 requires key modulusLength to be 2048 bits or larger'),
      new Error('anything else'),
    ]) {
      assert.equal(tokenRefusal(error), undefined, error.message)
    }
  })
})
