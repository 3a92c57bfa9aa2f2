// Keys and tokens of a built-in issuer: kids are RFC 7638 thumbprints, public JWKs carry no private
// member, tokens verify with jose, and service-account subjects get Kubernetes' claim layout.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import type { JWK } from 'jose'
import {
  builtInIssuerRef,
  discoveryDocument,
  generateIssuerKey,
  isPublished,
  kubernetesClaim,
  mintToken,
  planRotation,
  signingKey,
  stableUid,
} from '../../../src/federation/issuer/index.js'

const NOW = new Date('2026-11-01T00:00:00Z')
const ISSUER = 'https://rolegate.test/issuers/123456789012/ci'
const CI = { accountId: '123456789012', name: 'ci' }

for (const algorithm of ['RS256', 'ES256'] as const) {
  test(`${algorithm}: kid is the key's thumbprint; the public JWK has no private members`, async () => {
    const key = await generateIssuerKey(CI, algorithm, NOW)
    const publicJwk = JSON.parse(key.publicJwk) as JWK
    assert.equal(key.kid, await calculateJwkThumbprint(publicJwk, 'sha256'))
    assert.deepEqual(
      Object.keys(publicJwk).sort(),
      algorithm === 'RS256'
        ? ['alg', 'e', 'kid', 'kty', 'n', 'use']
        : ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
    )
    assert.ok((JSON.parse(key.privateJwk) as JWK).d)
    const minted = await mintToken(key, {
      issuerUrl: ISSUER,
      subject: 'repo:org/app:ref:refs/heads/main',
      audiences: ['sts.amazonaws.com'],
      ttlSeconds: 300,
      now: NOW,
    })
    assert.deepEqual(decodeProtectedHeader(minted.token), { alg: algorithm, kid: key.kid })
    const { payload } = await jwtVerify(minted.token, await importJWK(publicJwk, algorithm), {
      issuer: ISSUER,
      audience: 'sts.amazonaws.com',
      currentDate: NOW,
    })
    // A lone audience outside Kubernetes is the plain string most issuers send.
    assert.equal(payload.aud, 'sts.amazonaws.com')
    assert.equal(payload['kubernetes.io'], undefined)
    assert.equal(minted.expiresAt.toISOString(), '2026-11-01T00:05:00.000Z')
  })
}

test('service-account subjects get the kubernetes.io claim of a projected token', () => {
  const claim = kubernetesClaim(ISSUER, 'system:serviceaccount:kube-system:coredns', 'coredns-5d78')
  assert.deepEqual(claim, {
    namespace: 'kube-system',
    pod: { name: 'coredns-5d78', uid: stableUid(ISSUER, 'pod', 'kube-system', 'coredns-5d78') },
    serviceaccount: {
      name: 'coredns',
      uid: stableUid(ISSUER, 'serviceaccount', 'kube-system', 'coredns'),
    },
  })
  assert.deepEqual(kubernetesClaim(ISSUER, 'system:serviceaccount:ns:sa'), {
    namespace: 'ns',
    serviceaccount: { name: 'sa', uid: stableUid(ISSUER, 'serviceaccount', 'ns', 'sa') },
  })
  for (const subject of ['system:serviceaccount:ns', 'system:serviceaccount:a:b:c', 'user']) {
    assert.equal(kubernetesClaim(ISSUER, subject), undefined, subject)
  }
  assert.notEqual(
    stableUid(ISSUER, 'serviceaccount', 'ns', 'sa'),
    stableUid(ISSUER, 'serviceaccount', 'ns', 'sb'),
  )
})

test('several audiences are a list', async () => {
  const key = await generateIssuerKey(CI, 'ES256', NOW)
  const minted = await mintToken(key, {
    issuerUrl: ISSUER,
    subject: 'x',
    audiences: ['a', 'b'],
    ttlSeconds: 60,
    now: NOW,
    jti: 'fixed',
  })
  assert.deepEqual(minted.claims.aud, ['a', 'b'])
  assert.equal(minted.claims.jti, 'fixed')
})

describe('rotation plan', () => {
  test("the signer retires for 24 hours plus the verifiers' skew; expired keys go", async () => {
    const old = {
      ...(await generateIssuerKey(CI, 'ES256', NOW)),
      retireDate: new Date(NOW.getTime() - 1),
    }
    const current = await generateIssuerKey(CI, 'ES256', NOW)
    assert.equal(signingKey([current, old]), current)
    const plan = planRotation([current, old], NOW)
    assert.deepEqual(plan.expired, [old])
    assert.deepEqual(
      plan.retired.map((key) => key.retireDate?.toISOString()),
      ['2026-11-02T00:01:00.000Z'],
    )
    const [retired] = plan.retired
    assert.ok(retired)
    assert.equal(isPublished(retired, new Date('2026-11-02T00:00:59.999Z')), true)
    assert.equal(isPublished(retired, new Date('2026-11-02T00:01:00Z')), false)
  })
})

test('issuer URLs and names', () => {
  const ci = 'https://h:1/issuers/123456789012/ci'
  assert.deepEqual(builtInIssuerRef('https://h:1', ci), CI)
  assert.deepEqual(builtInIssuerRef('https://h:1/', ci), CI)
  for (const url of [
    'https://h:1/issuers/',
    'https://h:1/issuers/ci',
    'https://h:1/issuers/123456789012/',
    'https://h:1/issuers/123456789012/a/b',
    'https://h:1/issuers/12345678901/ci',
    'https://h:1/issuers/1234567890123/ci',
    'https://h:1/issuers/12345678901x/ci',
    'https://h:2/issuers/123456789012/ci',
    'https://h:1/issuers/123456789012/.x',
  ]) {
    assert.equal(builtInIssuerRef('https://h:1', url), undefined, url)
  }
  assert.deepEqual(discoveryDocument(ISSUER, ['RS256', 'ES256', 'RS256']), {
    issuer: ISSUER,
    jwks_uri: `${ISSUER}/keys`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    claims_supported: ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub', 'kubernetes.io'],
  })
})
