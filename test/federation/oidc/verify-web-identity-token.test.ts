// The whole verification pipeline against a real issuer: an HTTPS server on 127.0.0.1 with a
// self-signed certificate made by openssl (trusted as the extra CA), real RSA/EC keys from jose,
// tokens signed with SignJWT, keys fetched through createHttpsFetch and cached by JwksCache.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { KeyObject, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose'
import type { CryptoKey, JWK, JWTPayload } from 'jose'
import { FixedClock } from '../../../src/core/clock.js'
import { AwsError } from '../../../src/core/errors.js'
import {
  INCORRECT_AUDIENCE,
  ISSUED_IN_FUTURE,
  KEY_NOT_RETRIEVED,
  NOT_A_JWT,
  NOT_YET_VALID,
  SIGNATURE_INVALID,
  THUMBPRINT_MISMATCH,
  noProviderFor,
  tokenExpired,
} from '../../../src/federation/oidc/aws-messages.js'
import { createHttpsFetch } from '../../../src/federation/oidc/https-fetch.js'
import { JwksCache } from '../../../src/federation/oidc/jwks-cache.js'
import { prepareVerificationKeys } from '../../../src/federation/oidc/prepare-verification-keys.js'
import type { OidcProvider } from '../../../src/federation/oidc/find-provider.js'
import { verifyWebIdentityToken } from '../../../src/federation/oidc/verify-web-identity-token.js'
import type { VerifyWebIdentityTokenOptions } from '../../../src/federation/oidc/verify-web-identity-token.js'

const ACCOUNT = '111122223333'
const CLIENT_ID = 'sts.amazonaws.com'
const NOW = new Date('2031-05-06T07:08:09Z')
const nowSeconds = Math.floor(NOW.getTime() / 1000)

/** A tiny issuer: discovery + JWKS, counting every request by path. */
class Issuer {
  jwks: JWK[] = []
  /** Replaces the discovery document, to serve a malformed one. */
  discovery: unknown = undefined
  hits = new Map<string, number>()
  server!: Server
  base = ''

  handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? ''
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1)
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (path === '/.well-known/openid-configuration') {
      send(this.discovery ?? { issuer: this.base, jwks_uri: `${this.base}/jwks` })
    } else if (path === '/jwks') {
      send({ keys: this.jwks })
    } else {
      res.writeHead(404).end()
    }
  }

  async listen(server: Server, scheme: string) {
    this.server = server
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    this.base = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  fetches = (path: string) => this.hits.get(path) ?? 0
  close = () => new Promise<void>((r) => this.server.close(() => r()))
}

const dir = mkdtempSync(join(tmpdir(), 'rolegate-oidc-'))
const certFile = join(dir, 'cert.pem')
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
)
const certPem = readFileSync(certFile, 'utf8')
const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8')
const certThumbprint = new X509Certificate(certPem).fingerprint.replaceAll(':', '')

const issuer = new Issuer()
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey }
let ec: { privateKey: CryptoKey; publicKey: CryptoKey }
let rsaJwk: JWK
let ecJwk: JWK

const provider = (thumbprints: string[] = []): OidcProvider => ({
  url: issuer.base.replace('https://', ''),
  arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.base.replace('https://', '')}`,
  clientIds: [CLIENT_ID, 'other-client'],
  thumbprints,
})

function setup(
  overrides: Partial<VerifyWebIdentityTokenOptions> & { thumbprints?: string[] } = {},
) {
  const clock = new FixedClock(NOW)
  const https = createHttpsFetch({ ca: certPem })
  const cache = new JwksCache({
    fetch: https.fetch,
    tlsThumbprint: https.tlsThumbprint,
    clock,
    minRefreshIntervalSeconds: 30,
  })
  const registered = provider(overrides.thumbprints)
  const options: VerifyWebIdentityTokenOptions = {
    accountId: ACCOUNT,
    clock,
    resolveKeys: cache.resolveKeys,
    lookupProvider: async (account, hostPath) =>
      account === ACCOUNT && hostPath === registered.url ? registered : undefined,
    ...overrides,
  }
  return { clock, cache, options, verify: (t: string) => verifyWebIdentityToken(t, options) }
}

const claims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: issuer.base,
  sub: 'repo:octo/app:ref:refs/heads/main',
  aud: CLIENT_ID,
  iat: nowSeconds - 10,
  exp: nowSeconds + 300,
  ...extra,
})

const sign = (payload: JWTPayload, alg = 'RS256', kid = 'rsa-1', key = rsa.privateKey) =>
  new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key)

async function rejectsWith(promise: Promise<unknown>, code: string, message: string) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.equal(e.message, message)
    assert.equal(e.status, 400)
    assert.equal(e.type, 'Sender')
    return true
  })
}

before(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true })
  ec = await generateKeyPair('ES256', { extractable: true })
  rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }
  ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }
  issuer.jwks = [rsaJwk, ecJwk]
  await issuer.listen(createHttpsServer({ cert: certPem, key: keyPem }, issuer.handler), 'https')
})

after(async () => {
  await issuer.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('verifyWebIdentityToken against a local HTTPS issuer', () => {
  test('a valid RS256 token yields claims, condition keys and session tags; keys are cached', async () => {
    const { verify } = setup()
    const before = issuer.fetches('/jwks')
    const token = await sign(
      claims({
        amr: ['pwd', 'mfa'],
        [`https://aws.amazon.com/tags`]: {
          principal_tags: { Project: ['Automation'], CostCenter: ['987654'] },
          transitive_tag_keys: ['Project'],
        },
      }),
    )
    const result = await verify(token)
    const url = provider().url
    assert.equal(result.subject, 'repo:octo/app:ref:refs/heads/main')
    assert.equal(result.audience, CLIENT_ID)
    assert.equal(result.algorithm, 'RS256')
    assert.equal(result.keyId, 'rsa-1')
    assert.equal(result.issuer, issuer.base)
    assert.deepEqual(result.expiresAt, new Date((nowSeconds + 300) * 1000))
    assert.deepEqual(result.conditionKeys, {
      'aws:FederatedProvider': provider().arn,
      [`${url}:aud`]: CLIENT_ID,
      [`${url}:oaud`]: CLIENT_ID,
      [`${url}:sub`]: 'repo:octo/app:ref:refs/heads/main',
      [`${url}:amr`]: ['pwd', 'mfa'],
    })
    assert.deepEqual(result.sessionTags, [
      { key: 'Project', value: 'Automation' },
      { key: 'CostCenter', value: '987654' },
    ])
    assert.deepEqual(result.transitiveTagKeys, ['Project'])
    assert.equal(issuer.fetches('/jwks'), before + 1)
    await verify(await sign(claims()))
    assert.equal(issuer.fetches('/jwks'), before + 1, 'second token served from the cache')
  })

  test('the JWKS cache imports each fetched key once and hands out the same prepared set', async () => {
    const { cache, clock } = setup()
    const first = await cache.resolveKeys(issuer.base, 'rsa-1', provider())
    const again = await cache.resolveKeys(issuer.base, 'ec-1', provider())
    assert.equal(again, first)
    assert.deepEqual(
      first.map((key) => key.jwk.kid),
      ['rsa-1', 'ec-1'],
    )
    assert.ok(first.every((key) => key.usable?.key instanceof KeyObject))
    assert.ok(first.every((key) => Object.isFrozen(key) && Object.isFrozen(key.jwk)))
    // A refetch after the TTL prepares the new set afresh.
    clock.advance(3600_000)
    const refetched = await cache.resolveKeys(issuer.base, 'rsa-1', provider())
    assert.notEqual(refetched[0]?.usable?.key, first[0]?.usable?.key)
    assert.deepEqual(refetched[0]?.usable?.publicJwk, first[0]?.usable?.publicJwk)
  })

  test('a valid ES256 token with azp and several audiences maps aud/oaud/azp as AWS does', async () => {
    const { verify } = setup()
    const token = await sign(
      claims({ aud: ['unrelated', CLIENT_ID], azp: 'other-client' }),
      'ES256',
      'ec-1',
      ec.privateKey,
    )
    const result = await verify(token)
    const url = provider().url
    assert.equal(result.audience, 'other-client')
    assert.equal(result.conditionKeys[`${url}:aud`], 'other-client')
    assert.deepEqual(result.conditionKeys[`${url}:oaud`], ['unrelated', CLIENT_ID])
    assert.equal(result.conditionKeys[`${url}:azp`], 'other-client')
  })

  test('wrong audience', async () => {
    const { verify } = setup()
    await rejectsWith(
      verify(await sign(claims({ aud: 'someone-else' }))),
      'InvalidIdentityToken',
      INCORRECT_AUDIENCE,
    )
    // azp present: it is the audience AWS checks, even when aud would match.
    await rejectsWith(
      verify(await sign(claims({ azp: 'someone-else' }))),
      'InvalidIdentityToken',
      INCORRECT_AUDIENCE,
    )
  })

  test('expired token is ExpiredTokenException with AWS wording', async () => {
    const { verify } = setup()
    const exp = nowSeconds - 61
    await rejectsWith(
      verify(await sign(claims({ exp, iat: exp - 600 }))),
      'ExpiredTokenException',
      tokenExpired(nowSeconds, exp),
    )
    assert.equal(
      tokenExpired(nowSeconds, exp),
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${exp}`,
    )
    // Within the 60 s skew it still passes.
    await verify(await sign(claims({ exp: nowSeconds - 59 })))
  })

  test('nbf in the future', async () => {
    const { verify } = setup()
    await rejectsWith(
      verify(await sign(claims({ nbf: nowSeconds + 61 }))),
      'InvalidIdentityToken',
      NOT_YET_VALID,
    )
    await verify(await sign(claims({ nbf: nowSeconds + 59 })))
  })

  test('iat beyond the skew', async () => {
    const { verify } = setup()
    await rejectsWith(
      verify(await sign(claims({ iat: nowSeconds + 61 }))),
      'InvalidIdentityToken',
      ISSUED_IN_FUTURE,
    )
    await verify(await sign(claims({ iat: nowSeconds + 60 })))
  })

  test('one flipped signature byte', async () => {
    const { verify } = setup()
    const token = await sign(claims())
    const [h, p, s] = token.split('.') as [string, string, string]
    const bytes = Buffer.from(s, 'base64url')
    bytes[10] = (bytes[10] ?? 0) ^ 0x01
    await rejectsWith(
      verify(`${h}.${p}.${bytes.toString('base64url')}`),
      'InvalidIdentityToken',
      SIGNATURE_INVALID,
    )
  })

  test('alg none is refused before any network call', async () => {
    const { verify } = setup()
    const before = issuer.fetches('/jwks')
    const token = new UnsecuredJWT(claims()).encode()
    await rejectsWith(verify(token), 'InvalidIdentityToken', NOT_A_JWT)
    await rejectsWith(verify(token.slice(0, -1) + 'c2ln'), 'InvalidIdentityToken', NOT_A_JWT)
    assert.equal(issuer.fetches('/jwks'), before)
  })

  test('HS256 signed with the RSA public key as the secret is refused', async () => {
    const { verify } = setup()
    const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey))
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .sign(secret)
    await rejectsWith(verify(token), 'InvalidIdentityToken', NOT_A_JWT)
  })

  test('JSON-serialised JWS and garbage are not JWTs', async () => {
    const { verify } = setup()
    const [h, p, s] = (await sign(claims())).split('.')
    await rejectsWith(
      verify(JSON.stringify({ protected: h, payload: p, signature: s })),
      'InvalidIdentityToken',
      NOT_A_JWT,
    )
    await rejectsWith(verify('not-a-jwt'), 'InvalidIdentityToken', NOT_A_JWT)
  })

  test('unknown kid triggers one refresh, then InvalidIdentityToken; refreshes are rate limited', async () => {
    const { verify, clock } = setup()
    await verify(await sign(claims())) // warm the cache; that fetch also starts the interval
    clock.advance(31_000)
    const before = issuer.fetches('/jwks')
    const rotated = await generateKeyPair('RS256', { extractable: true })
    const token = await sign(claims(), 'RS256', 'rsa-2', rotated.privateKey)
    await rejectsWith(verify(token), 'InvalidIdentityToken', KEY_NOT_RETRIEVED)
    assert.equal(issuer.fetches('/jwks'), before + 1, 'exactly one refresh')
    // The issuer publishes the new key, but within the interval we do not ask again.
    issuer.jwks = [
      rsaJwk,
      ecJwk,
      { ...(await exportJWK(rotated.publicKey)), kid: 'rsa-2', alg: 'RS256' },
    ]
    clock.advance(10_000)
    await rejectsWith(verify(token), 'InvalidIdentityToken', KEY_NOT_RETRIEVED)
    assert.equal(issuer.fetches('/jwks'), before + 1, 'rate limited: no second refresh')
    clock.advance(21_000)
    const result = await verify(token)
    assert.equal(result.keyId, 'rsa-2')
    assert.equal(issuer.fetches('/jwks'), before + 2)
    issuer.jwks = [rsaJwk, ecJwk]
  })

  test('a JWKS key marked use: enc never verifies', async () => {
    const { verify } = setup()
    issuer.jwks = [{ ...rsaJwk, use: 'enc' }, ecJwk]
    try {
      await rejectsWith(verify(await sign(claims())), 'InvalidIdentityToken', KEY_NOT_RETRIEVED)
    } finally {
      issuer.jwks = [rsaJwk, ecJwk]
    }
  })

  test('unreachable issuer', async () => {
    const dead = createHttpsServer({ cert: certPem, key: keyPem })
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
    const port = (dead.address() as AddressInfo).port
    await new Promise<void>((r) => dead.close(() => r()))
    const gone: OidcProvider = { ...provider(), url: `127.0.0.1:${port}` }
    const { verify } = setup({ lookupProvider: async () => gone })
    const token = await sign(claims({ iss: `https://127.0.0.1:${port}` }))
    await rejectsWith(verify(token), 'InvalidIdentityToken', KEY_NOT_RETRIEVED)
  })

  test('a malformed discovery document or JWKS', async () => {
    for (const [discovery, jwks] of [
      [{ issuer: issuer.base }, undefined],
      [{ issuer: issuer.base, jwks_uri: 'ftp://127.0.0.1/jwks' }, undefined],
      [['not', 'an', 'object'], undefined],
      [undefined, 'not-a-key-list'],
    ] as const) {
      issuer.discovery = discovery
      issuer.jwks = jwks === undefined ? [rsaJwk, ecJwk] : (jwks as unknown as JWK[])
      const { verify } = setup()
      try {
        await rejectsWith(verify(await sign(claims())), 'InvalidIdentityToken', KEY_NOT_RETRIEVED)
      } finally {
        issuer.discovery = undefined
        issuer.jwks = [rsaJwk, ecJwk]
      }
    }
  })

  test('thumbprints: a mismatch is refused, the served certificate matches', async () => {
    const mismatched = setup({ thumbprints: ['0123456789abcdef0123456789abcdef01234567'] })
    await rejectsWith(
      mismatched.verify(await sign(claims())),
      'InvalidIdentityToken',
      THUMBPRINT_MISMATCH,
    )
    const matching = setup({
      thumbprints: ['0123456789abcdef0123456789abcdef01234567', certThumbprint],
    })
    assert.equal((await matching.verify(await sign(claims()))).subject, claims().sub)
  })

  test('an issuer with no provider in the account', async () => {
    const { verify } = setup({ accountId: '999988887777' })
    await rejectsWith(
      verify(await sign(claims())),
      'InvalidIdentityToken',
      noProviderFor(issuer.base),
    )
  })

  test('an in-process key resolver needs no HTTP round trip', async () => {
    const before = [...issuer.hits.values()].reduce((a, b) => a + b, 0)
    const { verify } = setup({
      resolveKeys: async (iss, kid) =>
        iss === issuer.base && kid === 'ec-1' ? prepareVerificationKeys([ecJwk]) : [],
    })
    const result = await verify(await sign(claims(), 'ES256', 'ec-1', ec.privateKey))
    assert.equal(result.keyId, 'ec-1')
    assert.equal(
      [...issuer.hits.values()].reduce((a, b) => a + b, 0),
      before,
    )
  })
})

describe('plain-http issuers', () => {
  const local = new Issuer()
  before(() => local.listen(createHttpServer(local.handler), 'http'))
  after(() => local.close())

  test('are refused unless allowHttpIssuers, then allowed on loopback', async () => {
    local.jwks = [rsaJwk]
    const registered: OidcProvider = { ...provider(), url: local.base.replace('http://', '') }
    const clock = new FixedClock(NOW)
    const options = (allowHttpIssuers: boolean): VerifyWebIdentityTokenOptions => ({
      accountId: ACCOUNT,
      clock,
      lookupProvider: async () => registered,
      resolveKeys: new JwksCache({ fetch: createHttpsFetch().fetch, clock, allowHttpIssuers })
        .resolveKeys,
      allowHttpIssuers,
    })
    const token = await sign(claims({ iss: local.base }))
    await rejectsWith(
      verifyWebIdentityToken(token, options(false)),
      'InvalidIdentityToken',
      noProviderFor(local.base),
    )
    assert.equal(local.fetches('/jwks'), 0)
    const result = await verifyWebIdentityToken(token, options(true))
    assert.equal(result.issuer, local.base)
    assert.equal(local.fetches('/jwks'), 1)
  })
})
