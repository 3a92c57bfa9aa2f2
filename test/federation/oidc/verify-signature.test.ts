// Signature checks with imported keys remembered per frozen JWK: a key seen before still has its
// `use`, `key_ops` and `alg` weighed on every call, and a remembered key verifies nothing it did not sign.
import { test, describe, before } from 'node:test'
import assert from 'node:assert/strict'
import { CompactSign, exportJWK, generateKeyPair } from 'jose'
import type { JWK } from 'jose'
import { AwsError } from '../../../src/core/errors.js'
import { KEY_NOT_RETRIEVED, SIGNATURE_INVALID } from '../../../src/federation/oidc/aws-messages.js'
import type { AllowedAlgorithm } from '../../../src/federation/oidc/check-algorithm.js'
import { checkAlgorithm } from '../../../src/federation/oidc/check-algorithm.js'
import { decodeJws } from '../../../src/federation/oidc/decode-token.js'
import { checkSignature } from '../../../src/federation/oidc/verify-signature.js'

const refusedWith = (message: string) => (e: unknown) =>
  e instanceof AwsError && e.code === 'InvalidIdentityToken' && e.message === message

const ALGORITHMS: AllowedAlgorithm[] = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512']

/** The members a public JWK of its type is verified with. */
const publicMembers = ({ n, e, crv, x, y }: JWK) =>
  Object.fromEntries(Object.entries({ n, e, crv, x, y }).filter(([, v]) => v !== undefined))

describe('checkSignature', () => {
  const keys = new Map<AllowedAlgorithm, { jwk: JWK; token: string; other: string }>()

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
      })
    }
  })

  // A refusal becomes a rejection, as the pipeline that awaits it sees it.
  const verify = async (token: string, jwks: JWK[]) => {
    const decoded = decodeJws(token)
    return checkSignature(decoded, checkAlgorithm(decoded.header), jwks)
  }

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
    test(`${alg}: one frozen key, as issuers hand it out, verifies again and again; another key's token never`, async () => {
      const { jwk, token, other } = keys.get(alg)!
      const frozen = Object.freeze({ ...jwk, use: 'sig' })
      for (let i = 0; i < 3; i++) {
        const verified = await verify(token, [frozen])
        assert.deepEqual(verified, { kty: jwk.kty, kid: alg, ...publicMembers(jwk) })
        assert.ok(Object.isFrozen(verified))
        await assert.rejects(verify(other, [frozen]), refusedWith(SIGNATURE_INVALID))
      }
      // Another frozen key with the same kid is weighed on its own.
      const stranger = keys.get(alg === 'RS256' ? 'PS256' : 'RS256')!.jwk
      await assert.rejects(
        verify(token, [Object.freeze({ ...stranger, kid: alg })]),
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
    assert.equal((await verify(token, [{ ...jwk, use: 'sig', key_ops: ['verify'] }])).kid, 'RS256')
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
})
