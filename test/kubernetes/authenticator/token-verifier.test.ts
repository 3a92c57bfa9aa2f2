// TokenVerifier beyond the upstream tables: tokens made as `aws eks get-token` makes them, signed
// with long-term keys and with session credentials, and a table of malformed and misdirected
// tokens, each refused with the authenticator's words (or STS's, for what only STS can tell).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { FixedClock } from '../../../src/core/clock.js'
import { nodeCrypto } from '../../../src/core/node-crypto.js'
import { TokenVerifier } from '../../../src/kubernetes/authenticator/index.js'
import type { TokenVerification } from '../../../src/kubernetes/authenticator/index.js'
import {
  FixedKeys,
  makeToken,
  presignedUrl,
  roleSessionCaller,
  tokenOf,
  userCaller,
} from './tokens.js'

const ENDPOINT = 'https://rolegate.example.test:8443'
const CLUSTER = 'prod'
const NOW = new Date('2026-03-04T05:06:07Z')
const FORMAT = 'input token was not properly formatted: '

const alice = {
  accessKeyId: 'AKIAALICEEXAMPLE0001',
  secretAccessKey: 'alice-secret',
  caller: userCaller('111122223333', 'alice', 'AKIAALICEEXAMPLE0001'),
}
const session = {
  accessKeyId: 'ASIASESSIONEXAMPLE01',
  secretAccessKey: 'session-secret',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE+token/with=chars',
  caller: roleSessionCaller(
    '111122223333',
    'OktaProdAdminRole',
    'jane@example.com',
    'ASIASESSIONEXAMPLE01',
  ),
}

interface Noted {
  keys: string[]
  roles: string[]
}

function verifierAt(now: Date, endpoints: readonly string[] = [ENDPOINT]) {
  const noted: Noted = { keys: [], roles: [] }
  const verifier = new TokenVerifier({
    credentials: [new FixedKeys([alice, session])],
    crypto: nodeCrypto,
    clock: new FixedClock(now),
    stsEndpoints: () => endpoints,
    usage: {
      noteAccessKey: (id) => noted.keys.push(id),
      noteRole: (id) => noted.roles.push(id),
    },
  })
  return { verifier, noted }
}

const aliceUrl = (overrides: Partial<Parameters<typeof presignedUrl>[0]> = {}) =>
  presignedUrl({
    endpoint: ENDPOINT,
    clusterName: CLUSTER,
    credentials: alice,
    date: NOW,
    ...overrides,
  })

const refusal = (result: TokenVerification): string => {
  assert.ok('error' in result, `expected a refusal, got ${JSON.stringify(result)}`)
  return result.error
}

describe('tokens that verify', () => {
  test("an IAM user's long-term key: the user, no session, the key noted as used", async () => {
    const { verifier, noted } = verifierAt(NOW)
    const result = await verifier.verify(tokenOf(aliceUrl()), CLUSTER)
    assert.deepEqual(result, {
      identity: {
        arn: 'arn:aws:iam::111122223333:user/alice',
        canonicalArn: 'arn:aws:iam::111122223333:user/alice',
        accountId: '111122223333',
        userId: 'AIDAEXAMPLEUSERID0001',
        sessionName: '',
        accessKeyId: alice.accessKeyId,
        stsEndpoint: 'rolegate.example.test:8443',
      },
    })
    assert.deepEqual(noted, { keys: [alice.accessKeyId], roles: [] })
  })

  test('session credentials with X-Amz-Security-Token: the role, its session name', async () => {
    const { verifier, noted } = verifierAt(new Date(NOW.getTime() + 10 * 60_000))
    const token = makeToken({
      endpoint: ENDPOINT,
      clusterName: CLUSTER,
      credentials: session,
      date: NOW,
    })
    const result = await verifier.verify(token, CLUSTER)
    assert.ok('identity' in result, JSON.stringify(result))
    assert.equal(result.identity.canonicalArn, 'arn:aws:iam::111122223333:role/OktaProdAdminRole')
    assert.equal(result.identity.sessionName, 'jane@example.com')
    assert.equal(result.identity.userId, 'AROAEXAMPLEROLEID0001')
    assert.deepEqual(noted, { keys: [], roles: ['AROAEXAMPLEROLEID0001'] })
  })

  test('a token signed for any region (the CLI signs for its own)', async () => {
    const { verifier } = verifierAt(NOW)
    const result = await verifier.verify(tokenOf(aliceUrl({ region: 'eu-west-1' })), CLUSTER)
    assert.ok('identity' in result)
  })

  test('a plain-http endpoint when rolegate serves plain HTTP', async () => {
    const { verifier } = verifierAt(NOW, ['http://127.0.0.1:4599'])
    const url = aliceUrl({ endpoint: 'http://127.0.0.1:4599' })
    assert.ok('identity' in (await verifier.verify(tokenOf(url), CLUSTER)))
  })
})

describe('tokens refused', () => {
  const signature = /X-Amz-Signature=([0-9a-f]+)/
  const cases: Array<{
    name: string
    token: () => string
    cluster?: string
    at?: Date
    error: string | RegExp
  }> = [
    {
      name: 'an empty token',
      token: () => '',
      error: `${FORMAT}token is missing expected "k8s-aws-v1." prefix`,
    },
    {
      name: 'a bearer token of another kind',
      token: () => 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
      error: `${FORMAT}token is missing expected "k8s-aws-v1." prefix`,
    },
    {
      name: 'a base64 character base64url has not',
      token: () => `k8s-aws-v1.aHR0cHM6Ly9+`,
      error: `${FORMAT}illegal base64 data at input byte 11`,
    },
    {
      name: 'padding',
      token: () => `${tokenOf(aliceUrl())}==`,
      error: new RegExp(`^${FORMAT}illegal base64 data at input byte \\d+$`),
    },
    {
      name: 'a lone base64 character at the end',
      token: () => 'k8s-aws-v1.aHR0c',
      error: `${FORMAT}illegal base64 data at input byte 5`,
    },
    {
      name: 'bytes that are not UTF-8',
      token: () => `k8s-aws-v1.${Buffer.from([0x68, 0xff, 0xfe]).toString('base64url')}`,
      error: `${FORMAT}pre-signed URL is not UTF-8`,
    },
    {
      name: '4097 bytes of which 4095 characters',
      token: () => `k8s-aws-v1.${'é'.repeat(2)}${'A'.repeat(4097 - 11 - 4)}`,
      error: `${FORMAT}token is too large`,
    },
    {
      name: 'a URL with a tab in it',
      token: () => tokenOf(aliceUrl().replace('?', '?\t')),
      error: `${FORMAT}invalid character in pre-signed URL`,
    },
    {
      name: 'a relative URL',
      token: () => tokenOf('/?Action=GetCallerIdentity'),
      error: `${FORMAT}pre-signed URL is not an absolute URL`,
    },
    {
      name: 'AWS STS itself',
      token: () => tokenOf(aliceUrl().replace('rolegate.example.test:8443', 'sts.amazonaws.com')),
      error: `${FORMAT}unexpected hostname "sts.amazonaws.com" in pre-signed URL`,
    },
    {
      name: 'another port of the same host',
      token: () => tokenOf(aliceUrl().replace(':8443', ':8444')),
      error: `${FORMAT}unexpected hostname "rolegate.example.test:8444" in pre-signed URL`,
    },
    {
      name: 'user info before the host',
      token: () => tokenOf(aliceUrl().replace('https://', 'https://evil@')),
      error: `${FORMAT}unexpected hostname "evil@rolegate.example.test:8443" in pre-signed URL`,
    },
    {
      name: 'plain http to an https endpoint',
      token: () => tokenOf(aliceUrl().replace('https:', 'http:')),
      error: `${FORMAT}unexpected scheme "http" in pre-signed URL`,
    },
    {
      name: 'another path',
      token: () => tokenOf(aliceUrl().replace('8443/?', '8443/iam/?')),
      error: `${FORMAT}unexpected path in pre-signed URL`,
    },
    {
      name: 'a fragment',
      token: () => tokenOf(`${aliceUrl()}#x`),
      error: `${FORMAT}unexpected fragment in pre-signed URL`,
    },
    {
      name: 'a parameter the authenticator does not allow',
      token: () => tokenOf(`${aliceUrl()}&RoleArn=x`),
      error: `${FORMAT}non-whitelisted query parameter "RoleArn"`,
    },
    {
      name: 'X-Amz-Date twice in another letter case',
      token: () => tokenOf(`${aliceUrl()}&x-amz-date=20260304T050607Z`),
      error: `${FORMAT}duplicate query parameter found: "x-amz-date"`,
    },
    {
      name: 'Action twice',
      token: () => tokenOf(`${aliceUrl()}&Action=GetCallerIdentity`),
      error: `${FORMAT}query parameter with multiple values not supported`,
    },
    {
      name: 'a semicolon separator',
      token: () => tokenOf(aliceUrl().replace('&Version', ';Version')),
      error: `${FORMAT}malformed query parameter`,
    },
    {
      name: 'another action',
      token: () => aliceUrlToken({ query: 'Action=AssumeRole&Version=2011-06-15' }),
      error: `${FORMAT}unexpected action parameter in pre-signed URL`,
    },
    {
      name: 'the cluster header not signed',
      token: () => tokenOf(aliceUrl().replace('host%3Bx-k8s-aws-id', 'host')),
      error: `${FORMAT}client did not sign the x-k8s-aws-id header in the pre-signed URL`,
    },
    {
      name: 'X-Amz-Expires over 900',
      token: () => aliceUrlToken({ expiresIn: 901 }),
      error: `${FORMAT}invalid X-Amz-Expires parameter in pre-signed URL: 901`,
    },
    {
      name: 'no X-Amz-Expires',
      token: () => tokenOf(aliceUrl().replace('&X-Amz-Expires=60', '')),
      error: `${FORMAT}invalid X-Amz-Expires parameter in pre-signed URL: 0`,
    },
    {
      name: 'action spelt in lower case, which the authenticator allows and STS does not read',
      token: () => tokenOf(aliceUrl().replace('?Action=', '?action=')),
      error: `${FORMAT}unexpected action parameter in pre-signed URL`,
    },
    {
      name: 'another STS version',
      token: () => aliceUrlToken({ query: 'Action=GetCallerIdentity&Version=2011-06-16' }),
      error: `${FORMAT}unexpected version parameter in pre-signed URL`,
    },
    {
      name: 'a token replayed 16 minutes on',
      token: () => tokenOf(aliceUrl()),
      at: new Date(NOW.getTime() + 16 * 60_000),
      error: `${FORMAT}X-Amz-Date parameter is expired (15 minute expiration) 2026-03-04 05:06:07 +0000 UTC`,
    },
    {
      name: 'a token dated a minute ahead',
      token: () => tokenOf(aliceUrl()),
      at: new Date(NOW.getTime() - 60_000),
      error: `${FORMAT}X-Amz-Date parameter is in the future 2026-03-04 05:06:07 +0000 UTC`,
    },
    {
      name: 'a token for another cluster',
      token: () => tokenOf(aliceUrl({ clusterName: 'staging' })),
      error:
        'sts getCallerIdentity failed: error from STS (expected 200, got 403): SignatureDoesNotMatch:' +
        ' The request signature we calculated does not match the signature you provided. Check your' +
        ' AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        ' (the token was checked for cluster "prod")',
    },
    {
      name: 'a tampered signature',
      token: () =>
        tokenOf(
          aliceUrl().replace(
            signature,
            (_, hex: string) => `X-Amz-Signature=${[...hex].reverse().join('')}`,
          ),
        ),
      error: /^sts getCallerIdentity failed: .*SignatureDoesNotMatch/,
    },
    {
      name: 'a tampered session token',
      token: () =>
        makeToken({
          endpoint: ENDPOINT,
          clusterName: CLUSTER,
          credentials: { ...session, sessionToken: `${session.sessionToken}x` },
          date: NOW,
        }),
      error:
        'sts getCallerIdentity failed: error from STS (expected 200, got 403): InvalidClientTokenId:' +
        ' The security token included in the request is invalid.',
    },
    {
      name: 'a key no one has',
      token: () =>
        aliceUrlToken({
          credentials: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' },
        }),
      error:
        'sts getCallerIdentity failed: error from STS (expected 200, got 403): InvalidClientTokenId:' +
        ' The security token included in the request is invalid.',
    },
    {
      name: 'a credential scoped to IAM',
      token: () => tokenOf(aliceUrl().replace('%2Fsts%2F', '%2Fiam%2F')),
      error:
        "sts getCallerIdentity failed: error from STS (expected 200, got 403): SignatureDoesNotMatch: Credential should be scoped to correct service: 'sts'.",
    },
  ]

  function aliceUrlToken(overrides: Partial<Parameters<typeof presignedUrl>[0]>): string {
    return tokenOf(aliceUrl(overrides))
  }

  for (const c of cases) {
    test(c.name, async () => {
      const { verifier, noted } = verifierAt(c.at ?? NOW)
      const error = refusal(await verifier.verify(c.token(), c.cluster ?? CLUSTER))
      if (typeof c.error === 'string') assert.equal(error, c.error)
      else assert.match(error, c.error)
      assert.deepEqual(noted, { keys: [], roles: [] }, 'a refused token is no use of a key')
    })
  }
})
