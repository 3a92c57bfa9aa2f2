// AssumeRoleWithWebIdentity through the app, unsigned, against a real OIDC issuer run here on
// loopback (plain http, allowed with allowHttpIssuers): jose keys, discovery and JWKS served by
// node:http, tokens signed with SignJWT. Each refusal has AWS's code and message and issues nothing.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose'
import type { CryptoKey, JWK, JWTPayload } from 'jose'
import { prepareVerificationKeys } from '../../src/federation/oidc/index.js'
import type { Harness } from './support.js'
import {
  ACCOUNT,
  IAM,
  OTHER_ACCOUNT,
  asKey,
  assertError,
  createRole,
  credentialsOf,
  doc,
  stsHarness,
} from './support.js'

const AUDIENCE = 'okteto.example.com/us-east-2'
const SUBJECT = 'system:serviceaccount:apps:builder'
const DENIED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity'

describe('AssumeRoleWithWebIdentity', () => {
  let h: Harness
  let server: Server
  let issuer = ''
  let hostPath = ''
  let providerArn = ''
  let privateKey: CryptoKey
  const jwks: JWK[] = []

  const token = (claims: JWTPayload = {}, header: { kid?: string; alg?: string } = {}) => {
    const now = Math.floor(h.clock.now().getTime() / 1000)
    return new SignJWT({ sub: SUBJECT, aud: AUDIENCE, ...claims })
      .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? 'key-1' })
      .setIssuer(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey)
  }

  const assume = (webToken: string, roleArn: string, extra: Record<string, string> = {}) =>
    h.unsigned({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: roleArn,
      RoleSessionName: 'ci-run',
      WebIdentityToken: webToken,
      ...extra,
    })

  const trust = (condition: object, actions: string[] = ['sts:AssumeRoleWithWebIdentity']) =>
    doc({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: actions,
      Condition: condition,
    })

  const insertProvider = (account: string) =>
    h.store.transaction((repo) =>
      repo.oidcProviders.insert({
        accountId: account,
        url: hostPath,
        arn: `arn:aws:iam::${account}:oidc-provider/${hostPath}`,
        clientIds: [AUDIENCE],
        thumbprints: [],
        createDate: new Date(),
        tags: [],
      }),
    )

  let exactRole: string
  let likeRole: string

  before(async () => {
    h = await stsHarness({ allowHttpIssuers: true })
    const pair = await generateKeyPair('RS256')
    privateKey = pair.privateKey
    jwks.push({ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' })
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }))
      } else if (req.url === '/keys') {
        res.end(JSON.stringify({ keys: jwks }))
      } else {
        res.statusCode = 404
        res.end('{}')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    issuer = `http://127.0.0.1:${port}`
    hostPath = `127.0.0.1:${port}`
    providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath}`
    await insertProvider(ACCOUNT)
    exactRole = await createRole(
      h,
      'web-exact',
      trust({ StringEquals: { [`${hostPath}:aud`]: AUDIENCE, [`${hostPath}:sub`]: SUBJECT } }),
    )
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: 'web-exact',
      PolicyName: 'read',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: 'iam:ListRoles',
        Resource: '*',
        Condition: { StringEquals: { 'aws:FederatedProvider': providerArn } },
      }),
    })
    likeRole = await createRole(
      h,
      'web-like',
      trust({ StringLike: { [`${hostPath}:sub`]: 'system:serviceaccount:apps:*' } }),
    )
  })
  after(async () => {
    await h.close()
    await new Promise((resolve) => server.close(resolve))
  })

  test('exchanges a token for a role session', async () => {
    const answer = await assume(await token(), exactRole)
    assert.equal(answer.root, 'AssumeRoleWithWebIdentityResponse', answer.body)
    const credentials = credentialsOf(answer)
    assert.equal(answer.text('SubjectFromWebIdentityToken'), SUBJECT)
    assert.equal(answer.text('Audience'), AUDIENCE)
    assert.equal(answer.text('Provider'), issuer)
    assert.equal(answer.text('Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/web-exact/ci-run`)
    assert.equal(answer.text('PackedPolicySize'), undefined)
    const who = await h.call({ Action: 'GetCallerIdentity' }, asKey(credentials))
    assert.equal(who.text('Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/web-exact/ci-run`)
    // aws:FederatedProvider travels with the session into later requests.
    assert.equal((await h.iam({ Action: 'ListRoles' }, asKey(credentials))).status, 200)
    assertError(
      await h.iam({ Action: 'ListUsers' }, asKey(credentials)),
      403,
      'AccessDenied',
      /^User: arn:aws:sts::123456789012:assumed-role\/web-exact\/ci-run is not authorized to perform: iam:ListUsers/,
    )
  })

  test('a token read from a file with a trailing newline is accepted', async () => {
    const answer = await assume(`${await token()}\n`, exactRole)
    assert.equal(answer.status, 200, answer.body)
  })

  test('StringLike matches system:serviceaccount:apps:*; StringEquals takes * literally', async () => {
    assert.equal((await assume(await token(), likeRole)).status, 200)
    const literal = await createRole(
      h,
      'web-literal',
      trust({ StringEquals: { [`${hostPath}:sub`]: 'system:serviceaccount:apps:*' } }),
    )
    assertError(await assume(await token(), literal), 403, 'AccessDenied', DENIED)
    const other = await token({ sub: 'system:serviceaccount:other:builder' })
    assertError(await assume(other, likeRole), 403, 'AccessDenied', DENIED)
  })

  test('the refusal carries a decision trace sealed for DecodeAuthorizationMessage', async () => {
    const answer = await assume(
      await token({ sub: 'system:serviceaccount:apps:intruder' }),
      exactRole,
    )
    assertError(answer, 403, 'AccessDenied', DENIED)
    const decoded = await h.call({
      Action: 'DecodeAuthorizationMessage',
      EncodedMessage: answer.text('EncodedAuthorizationMessage') ?? '',
    })
    assert.equal(decoded.status, 200, decoded.body)
    const message = JSON.parse(decoded.text('DecodedMessage') ?? '{}')
    assert.equal(message.context.action, 'sts:AssumeRoleWithWebIdentity')
    assert.equal(message.context.principal.arn, providerArn)
    const sub = message.context.conditions.items.find(
      (item: { key: string }) => item.key === `${hostPath}:sub`,
    )
    assert.deepEqual(sub.values.items, [{ value: 'system:serviceaccount:apps:intruder' }])
    assert.equal(message.rolegate.decision.decidedBy, 'resource')
  })

  describe('refusals', () => {
    test('wrong audience', async () => {
      assertError(
        await assume(await token({ aud: 'someone-else' }), exactRole),
        400,
        'InvalidIdentityToken',
        'Incorrect token audience',
      )
    })

    test('expired token', async () => {
      const now = Math.floor(h.clock.now().getTime() / 1000)
      const expired = await new SignJWT({ sub: SUBJECT, aud: AUDIENCE })
        .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
        .setIssuer(issuer)
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600)
        .sign(privateKey)
      assertError(
        await assume(expired, exactRole),
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${now} must be before the expiration date/time ${now - 3600}`,
      )
    })

    test('a flipped signature byte', async () => {
      const good = await token()
      const [header, payload, signature] = good.split('.') as [string, string, string]
      const bytes = Buffer.from(signature, 'base64url')
      bytes[10] = bytes[10]! ^ 0x01
      const bad = `${header}.${payload}.${bytes.toString('base64url')}`
      assertError(
        await assume(bad, exactRole),
        400,
        'InvalidIdentityToken',
        /Signature verification failed/,
      )
    })

    test('alg none, and HS256 keyed with the public key', async () => {
      const now = Math.floor(h.clock.now().getTime() / 1000)
      const none = new UnsecuredJWT({ sub: SUBJECT, aud: AUDIENCE })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .encode()
      assertError(
        await assume(none, exactRole),
        400,
        'InvalidIdentityToken',
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      )
      const hs = await new SignJWT({ sub: SUBJECT, aud: AUDIENCE })
        .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(JSON.stringify(jwks[0])))
      assertError(
        await assume(hs, exactRole),
        400,
        'InvalidIdentityToken',
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      )
    })

    test('an unknown kid', async () => {
      assertError(
        await assume(await token({}, { kid: 'no-such-key' }), exactRole),
        400,
        'InvalidIdentityToken',
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
      )
    })

    test('a role in another account looks for the provider there', async () => {
      const arn = `arn:aws:iam::${OTHER_ACCOUNT}:role/web-exact`
      assertError(
        await assume(await token(), arn),
        400,
        'InvalidIdentityToken',
        `No OpenIDConnect provider found in your account for ${issuer}`,
      )
    })

    test('a role that does not exist', async () => {
      assertError(
        await assume(await token(), `arn:aws:iam::${ACCOUNT}:role/absent`),
        403,
        'AccessDenied',
        DENIED,
      )
    })

    test('bad parameters', async () => {
      assertError(
        await h.unsigned({
          Action: 'AssumeRoleWithWebIdentity',
          RoleArn: exactRole,
          RoleSessionName: 'a b',
        }),
        400,
        'ValidationError',
        "2 validation errors detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
      )
      assertError(
        await assume(await token(), exactRole, { DurationSeconds: '7200' }),
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      )
    })

    test('a deleted provider', async () => {
      const answerBefore = await assume(await token(), exactRole)
      assert.equal(answerBefore.status, 200)
      await h.store.transaction((repo) => repo.oidcProviders.delete(providerArn))
      try {
        assertError(
          await assume(await token(), exactRole),
          400,
          'InvalidIdentityToken',
          `No OpenIDConnect provider found in your account for ${issuer}`,
        )
      } finally {
        await insertProvider(ACCOUNT)
      }
    })

    // Providers and roles are read from memory between writes: each IAM change below must count
    // from the very next request, right after one that succeeded and filled the cache.
    test('a trust policy updated through IAM counts from the next request', async () => {
      const role = await createRole(
        h,
        'web-updated',
        trust({ StringEquals: { [`${hostPath}:sub`]: SUBJECT } }),
      )
      assert.equal((await assume(await token(), role)).status, 200)
      const update = (sub: string) =>
        h.ok({
          ...IAM,
          Action: 'UpdateAssumeRolePolicy',
          RoleName: 'web-updated',
          PolicyDocument: trust({ StringEquals: { [`${hostPath}:sub`]: sub } }),
        })
      await update('system:serviceaccount:apps:someone-else')
      assertError(await assume(await token(), role), 403, 'AccessDenied', DENIED)
      await update(SUBJECT)
      assert.equal((await assume(await token(), role)).status, 200)
    })

    test('a role deleted through IAM counts from the next request', async () => {
      const role = await createRole(h, 'web-deleted', trust({}))
      assert.equal((await assume(await token(), role)).status, 200)
      await h.ok({ ...IAM, Action: 'DeleteRole', RoleName: 'web-deleted' })
      assertError(await assume(await token(), role), 403, 'AccessDenied', DENIED)
    })

    test('a client ID removed from the provider counts from the next request', async () => {
      assert.equal((await assume(await token(), exactRole)).status, 200)
      const clientId = { OpenIDConnectProviderArn: providerArn, ClientID: AUDIENCE }
      await h.ok({ ...IAM, Action: 'RemoveClientIDFromOpenIDConnectProvider', ...clientId })
      try {
        assertError(
          await assume(await token(), exactRole),
          400,
          'InvalidIdentityToken',
          'Incorrect token audience',
        )
      } finally {
        await h.ok({ ...IAM, Action: 'AddClientIDToOpenIDConnectProvider', ...clientId })
      }
      assert.equal((await assume(await token(), exactRole)).status, 200)
    })
  })

  test('session tags from the token need sts:TagSession and become principal tags', async () => {
    const tagged = await token({
      'https://aws.amazon.com/tags': {
        principal_tags: { team: ['blue'] },
        transitive_tag_keys: ['team'],
      },
    })
    assertError(
      await assume(tagged, exactRole),
      403,
      'AccessDenied',
      'Not authorized to perform sts:TagSession',
    )
    const roleArn = await createRole(
      h,
      'web-tags',
      trust({ StringEquals: { [`${hostPath}:aud`]: AUDIENCE } }, [
        'sts:AssumeRoleWithWebIdentity',
        'sts:TagSession',
      ]),
    )
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: 'web-tags',
      PolicyName: 'team',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: 'iam:ListRoles',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
      }),
    })
    const answer = await assume(tagged, roleArn)
    assert.equal(answer.status, 200, answer.body)
    assert.match(answer.text('PackedPolicySize') ?? '', /^\d+$/)
    assert.equal((await h.iam({ Action: 'ListRoles' }, asKey(credentialsOf(answer)))).status, 200)
  })
})

describe('AssumeRoleWithWebIdentity with a built-in issuer', () => {
  test('keys come from the in-process hook, with no HTTP fetch', async () => {
    const pair = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'builtin-1', alg: 'ES256' }
    const prepared = prepareVerificationKeys([jwk])
    const builtInIssuer = 'https://rolegate.invalid/issuers/cluster'
    const asked: string[] = []
    const h = await stsHarness({
      builtInKeys: async (url) => {
        asked.push(url)
        return url === builtInIssuer ? prepared : undefined
      },
    })
    try {
      await h.store.transaction((repo) =>
        repo.oidcProviders.insert({
          accountId: ACCOUNT,
          url: 'rolegate.invalid/issuers/cluster',
          arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/rolegate.invalid/issuers/cluster`,
          clientIds: ['sts.amazonaws.com'],
          thumbprints: [],
          createDate: new Date(),
          tags: [],
        }),
      )
      const roleArn = await createRole(
        h,
        'builtin',
        doc({
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/rolegate.invalid/issuers/cluster`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
        }),
      )
      const now = Math.floor(h.clock.now().getTime() / 1000)
      const webToken = await new SignJWT({
        sub: 'system:serviceaccount:a:b',
        aud: 'sts.amazonaws.com',
      })
        .setProtectedHeader({ alg: 'ES256', kid: 'builtin-1' })
        .setIssuer(builtInIssuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(pair.privateKey)
      const answer = await h.unsigned({
        Action: 'AssumeRoleWithWebIdentity',
        RoleArn: roleArn,
        RoleSessionName: 'pod',
        WebIdentityToken: webToken,
      })
      assert.equal(answer.status, 200, answer.body)
      assert.deepEqual(asked, [builtInIssuer])
    } finally {
      await h.close()
    }
  })
})
