// Built-in issuers through the admin API, socket-free: their lifecycle with AWS's error codes and
// exact messages, nothing written on bad input, IAM authorisation of every action, rotation that
// keeps retired keys published until their tokens expired (frozen clock), and in-process keys.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import type { JWK } from 'jose'
import { queryRequest } from '../support/signed-request.js'
import { KEY_RETENTION_MS } from '../../src/federation/issuer/index.js'
import { ACCOUNT, PUBLIC_URL, assertError, field, harness, list, userWithKey } from './support.js'
import type { Harness } from './support.js'

const issuerCount = (h: Harness) =>
  h.store.transaction(async (repo) => (await repo.issuers.list(ACCOUNT)).length)

async function getJson(h: Harness, path: string) {
  const response = await h.app.handle({ ...queryRequest({}, { method: 'GET' }), path, query: '' })
  return {
    response,
    body: response.status === 200 ? (JSON.parse(response.body) as unknown) : undefined,
  }
}

const jwks = async (h: Harness, name: string) =>
  ((await getJson(h, `/issuers/${ACCOUNT}/${name}/keys`)).body as { keys: JWK[] }).keys

describe('issuer lifecycle', () => {
  let h: Harness
  before(async () => (h = await harness()))
  after(() => h.close())

  test('CreateIssuer answers the issuer with its URLs and signing key', async () => {
    const result = await h.ok('CreateIssuer', { IssuerName: 'cluster-a' })
    const issuer = result['Issuer']
    assert.deepEqual(
      { ...(issuer as object), SigningKeyId: undefined },
      {
        IssuerName: 'cluster-a',
        Arn: `arn:aws:rolegate::${ACCOUNT}:issuer/cluster-a`,
        IssuerUrl: `${PUBLIC_URL}/issuers/${ACCOUNT}/cluster-a`,
        DiscoveryUrl: `${PUBLIC_URL}/issuers/${ACCOUNT}/cluster-a/.well-known/openid-configuration`,
        JwksUri: `${PUBLIC_URL}/issuers/${ACCOUNT}/cluster-a/keys`,
        CreateDate: '2026-11-01T00:00:00Z',
        SigningKeyId: undefined,
      },
    )
    const keys = await jwks(h, 'cluster-a')
    assert.equal(keys.length, 1)
    assert.equal(keys[0]?.kid, field(issuer, 'SigningKeyId'))
    assert.equal(keys[0]?.alg, 'RS256')
    assert.equal(keys[0]?.d, undefined, 'no private member is published')
  })

  test('a second issuer of the same name is EntityAlreadyExists and writes nothing', async () => {
    const before = await issuerCount(h)
    const keysBefore = await jwks(h, 'cluster-a')
    assertError(
      await h.call('CreateIssuer', { IssuerName: 'cluster-a', Algorithm: 'ES256' }),
      409,
      'EntityAlreadyExists',
      'Issuer with name cluster-a already exists.',
    )
    assert.equal(await issuerCount(h), before)
    assert.deepEqual(await jwks(h, 'cluster-a'), keysBefore)
  })

  test('bad names and algorithms are ValidationError and write nothing', async () => {
    const before = await issuerCount(h)
    assertError(
      await h.call('CreateIssuer', { IssuerName: 'has space' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'issuerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9_-]*",
    )
    assertError(
      await h.call('CreateIssuer', { IssuerName: 'x'.repeat(65), Algorithm: 'HS256' }),
      400,
      'ValidationError',
      "2 validation errors detected: Value at 'issuerName' failed to satisfy constraint: Member must have length less than or equal to 64; Value at 'algorithm' failed to satisfy constraint: Member must satisfy enum value set",
    )
    assertError(
      await h.call('CreateIssuer', {}),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'issuerName' failed to satisfy constraint: Member must not be null",
    )
    assert.equal(await issuerCount(h), before)
  })

  test('ES256 issuers publish P-256 keys', async () => {
    await h.ok('CreateIssuer', { IssuerName: 'ec', Algorithm: 'ES256' })
    const [key] = await jwks(h, 'ec')
    assert.equal(key?.kty, 'EC')
    assert.equal(key?.crv, 'P-256')
    const discovery = (await getJson(h, `/issuers/${ACCOUNT}/ec/.well-known/openid-configuration`))
      .body
    assert.deepEqual(field(discovery as never, 'id_token_signing_alg_values_supported'), ['ES256'])
  })

  test('GetIssuer and ListIssuers', async () => {
    const got = await h.ok('GetIssuer', { IssuerName: 'cluster-a' })
    assert.equal(field(got['Issuer'], 'IssuerName'), 'cluster-a')
    assert.deepEqual(
      list(got['Keys']).map((key) => field(key, 'Status')),
      ['Signing'],
    )
    const listed = await h.ok('ListIssuers')
    assert.deepEqual(
      list(listed['Issuers']).map((issuer) => field(issuer, 'IssuerName')),
      ['cluster-a', 'ec'],
    )
  })

  test('unknown issuers are NoSuchEntity for every action', async () => {
    for (const action of ['GetIssuer', 'DeleteIssuer', 'RotateIssuerKey']) {
      assertError(
        await h.call(action, { IssuerName: 'nope' }),
        404,
        'NoSuchEntity',
        'The issuer with name nope cannot be found.',
      )
    }
    assertError(
      await h.call('IssueToken', { IssuerName: 'nope', Subject: 's', 'Audience.member.1': 'a' }),
      404,
      'NoSuchEntity',
      'The issuer with name nope cannot be found.',
    )
  })

  test('IssueToken checks its input and writes nothing', async () => {
    const base = { IssuerName: 'cluster-a', Subject: 'system:serviceaccount:ns:sa' }
    assertError(
      await h.call('IssueToken', { IssuerName: 'cluster-a', 'Audience.member.1': 'a' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'subject' failed to satisfy constraint: Member must not be null",
    )
    assertError(
      await h.call('IssueToken', { ...base, 'Audience.member.1': 'a', TtlSeconds: '86401' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'ttlSeconds' failed to satisfy constraint: Member must have value less than or equal to 86400",
    )
    assertError(
      await h.call('IssueToken', {
        ...base,
        'Audience.member.1': 'a',
        Claims: JSON.stringify({ sub: 'someone-else', team: 'x' }),
      }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'claims' failed to satisfy constraint: Member must not set the reserved claims sub",
    )
    assertError(
      await h.call('IssueToken', { ...base, 'Audience.member.1': 'a', Claims: '[1]' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'claims' failed to satisfy constraint: Member must be a JSON object",
    )
    assertError(
      await h.call('IssueToken', { ...base, Subject: 'user', 'Audience.member.1': 'a', Pod: 'p' }),
      400,
      'ValidationError',
      'Pod applies only to a system:serviceaccount:NAMESPACE:NAME subject.',
    )
  })

  test('IssueToken mints a Kubernetes-shaped token that verifies against the served JWKS', async () => {
    const result = await h.ok('IssueToken', {
      IssuerName: 'cluster-a',
      Subject: 'system:serviceaccount:payments:api',
      'Audience.member.1': 'sts.amazonaws.com',
      TtlSeconds: '600',
      Claims: JSON.stringify({ team: 'payments' }),
      Pod: 'api-7d9f',
    })
    const token = String(result['Token'])
    assert.equal(result['Expiration'], '2026-11-01T00:10:00Z')
    const keys = createLocalJWKSet({ keys: await jwks(h, 'cluster-a') })
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: `${PUBLIC_URL}/issuers/${ACCOUNT}/cluster-a`,
      audience: 'sts.amazonaws.com',
      currentDate: h.clock.now(),
    })
    assert.deepEqual(Object.keys(protectedHeader).sort(), ['alg', 'kid'])
    assert.equal(protectedHeader.kid, result['KeyId'])
    assert.deepEqual(payload.aud, ['sts.amazonaws.com'])
    assert.equal(payload.exp, payload.iat! + 600)
    assert.equal(payload.nbf, payload.iat)
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/)
    assert.equal(payload['team'], 'payments')
    const kubernetes = payload['kubernetes.io'] as Record<string, Record<string, string>>
    assert.equal(kubernetes['namespace'] as unknown, 'payments')
    assert.equal(kubernetes['serviceaccount']?.['name'], 'api')
    assert.equal(kubernetes['pod']?.['name'], 'api-7d9f')
    assert.match(
      kubernetes['serviceaccount']?.['uid'] ?? '',
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })

  test('DeleteIssuer removes the issuer and its documents', async () => {
    await h.ok('DeleteIssuer', { IssuerName: 'ec' })
    assert.equal((await getJson(h, `/issuers/${ACCOUNT}/ec/keys`)).response.status, 404)
    assert.equal(
      (await getJson(h, `/issuers/${ACCOUNT}/ec/.well-known/openid-configuration`)).response.status,
      404,
    )
    assert.equal(await issuerCount(h), 1)
  })
})

describe('rotation', () => {
  let h: Harness
  before(async () => (h = await harness()))
  after(() => h.close())

  test('a new key signs at once; the old one stays published until its tokens expired', async () => {
    const created = await h.ok('CreateIssuer', { IssuerName: 'ci' })
    const oldKid = String(field(created['Issuer'], 'SigningKeyId'))
    const longToken = String(
      (
        await h.ok('IssueToken', {
          IssuerName: 'ci',
          Subject: 'repo:x',
          'Audience.member.1': 'a',
          TtlSeconds: '86400',
        })
      )['Token'],
    )
    h.clock.advance(60 * 60 * 1000)
    const rotated = await h.ok('RotateIssuerKey', { IssuerName: 'ci' })
    const newKid = String(field(rotated['SigningKey'], 'KeyId'))
    assert.notEqual(newKid, oldKid)
    const retireDate = new Date(h.clock.now().getTime() + KEY_RETENTION_MS)
    assert.deepEqual(
      list(rotated['RetiredKeys']).map((key) => [field(key, 'KeyId'), field(key, 'RetireDate')]),
      [[oldKid, retireDate.toISOString().replace(/\.\d{3}Z$/, 'Z')]],
    )

    const minted = await h.ok('IssueToken', {
      IssuerName: 'ci',
      Subject: 'repo:x',
      'Audience.member.1': 'a',
    })
    assert.equal(decodeProtectedHeader(String(minted['Token'])).kid, newKid)
    assert.deepEqual(
      (await jwks(h, 'ci')).map((key) => key.kid),
      [newKid, oldKid],
    )

    // The token signed just before rotation still verifies until it expires...
    h.clock.set(new Date(retireDate.getTime() - 1000))
    const keys = createLocalJWKSet({ keys: await jwks(h, 'ci') })
    const lastValidSecond = new Date(Date.parse('2026-11-02T00:00:00Z') - 1000)
    await jwtVerify(longToken, keys, { currentDate: lastValidSecond })
    assert.deepEqual(
      (await jwks(h, 'ci')).map((key) => key.kid),
      [newKid, oldKid],
    )
    // ...and then the key drops out of the JWKS.
    h.clock.set(retireDate)
    assert.deepEqual(
      (await jwks(h, 'ci')).map((key) => key.kid),
      [newKid],
    )
    const got = await h.ok('GetIssuer', { IssuerName: 'ci' })
    assert.deepEqual(
      list(got['Keys']).map((key) => field(key, 'KeyId')),
      [newKid],
    )
  })

  test('the next rotation deletes keys past their retention', async () => {
    await h.ok('RotateIssuerKey', { IssuerName: 'ci' })
    const stored = await h.store.transaction((repo) => repo.issuers.listKeys(ACCOUNT, 'ci'))
    assert.equal(stored.length, 2, 'the expired key is gone, the previous signer retired')
    assert.deepEqual(
      stored.map((key) => key.retireDate === null),
      [true, false],
    )
  })

  test('RotateIssuerKey keeps the algorithm unless told', async () => {
    await h.ok('CreateIssuer', { IssuerName: 'ec', Algorithm: 'ES256' })
    const same = await h.ok('RotateIssuerKey', { IssuerName: 'ec' })
    assert.equal(field(same['SigningKey'], 'Algorithm'), 'ES256')
    const changed = await h.ok('RotateIssuerKey', { IssuerName: 'ec', Algorithm: 'RS256' })
    assert.equal(field(changed['SigningKey'], 'Algorithm'), 'RS256')
  })
})

describe('authorisation', () => {
  let h: Harness
  before(async () => {
    h = await harness()
    await h.ok('CreateIssuer', { IssuerName: 'team-a' })
    await h.ok('CreateIssuer', { IssuerName: 'other' })
  })
  after(() => h.close())

  test('a user without rolegate permissions is denied every action, and nothing is written', async () => {
    const key = await userWithKey(h, 'nobody', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
    })
    const before = await issuerCount(h)
    const denied = await h.call('CreateIssuer', { IssuerName: 'mine' }, { key })
    assertError(
      denied,
      403,
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: rolegate:CreateIssuer on resource: arn:aws:rolegate::${ACCOUNT}:issuer/mine because no identity-based policy allows the rolegate:CreateIssuer action`,
    )
    assert.equal(await issuerCount(h), before)
    assertError(
      await h.call('ListIssuers', {}, { key }),
      403,
      'AccessDenied',
      /rolegate:ListIssuers on resource: arn:aws:rolegate::123456789012:issuer\/\*/,
    )
    assertError(
      await h.call(
        'IssueToken',
        { IssuerName: 'team-a', Subject: 's', 'Audience.member.1': 'a' },
        { key },
      ),
      403,
      'AccessDenied',
      /rolegate:IssueToken on resource: arn:aws:rolegate::123456789012:issuer\/team-a/,
    )
    assertError(
      await h.call('RotateSessionKey', {}, { key }),
      403,
      'AccessDenied',
      /rolegate:RotateSessionKey/,
    )
  })

  test('policies scope actions to issuer ARNs', async () => {
    const key = await userWithKey(h, 'team-a-ci', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'rolegate:IssueToken',
          Resource: 'arn:aws:rolegate::123456789012:issuer/team-*',
        },
      ],
    })
    const allowed = await h.call(
      'IssueToken',
      { IssuerName: 'team-a', Subject: 's', 'Audience.member.1': 'a' },
      { key },
    )
    assert.equal(allowed.status, 200, allowed.response.body)
    assertError(
      await h.call(
        'IssueToken',
        { IssuerName: 'other', Subject: 's', 'Audience.member.1': 'a' },
        { key },
      ),
      403,
      'AccessDenied',
      /issuer\/other because no identity-based policy allows/,
    )
    assertError(
      await h.call('RotateIssuerKey', { IssuerName: 'team-a' }, { key }),
      403,
      'AccessDenied',
      /rolegate:RotateIssuerKey/,
    )
  })

  test('unsigned calls are refused', async () => {
    const response = await h.app.handle(
      queryRequest({ Action: 'ListIssuers', Version: '2026-11-01' }),
    )
    assert.equal(response.status, 403)
    assert.match(response.body, /<Code>MissingAuthenticationToken<\/Code>/)
  })
})

describe('accounts and issuers across accounts', () => {
  let h: Harness
  before(async () => (h = await harness()))
  after(() => h.close())

  test('CreateAccount makes an account whose admin works, once', async () => {
    const created = await h.ok('CreateAccount', { AccountId: '210987654321' })
    assert.equal(field(created['AdminUser'], 'Arn'), 'arn:aws:iam::210987654321:user/admin')
    const accessKey = created['AccessKey']
    const key = {
      accessKeyId: String(field(accessKey, 'AccessKeyId')),
      secretAccessKey: String(field(accessKey, 'SecretAccessKey')),
    }
    assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/)
    const users = await h.ok('ListUsers', {}, { service: 'iam', key })
    assert.deepEqual(
      list(users['Users']).map((user) => field(user, 'Arn')),
      ['arn:aws:iam::210987654321:user/admin'],
    )
    assertError(
      await h.call('CreateAccount', { AccountId: '210987654321' }),
      409,
      'EntityAlreadyExists',
      'Account 210987654321 already exists.',
    )
    assertError(
      await h.call('CreateAccount', { AccountId: '12345' }),
      400,
      'ValidationError',
      "2 validation errors detected: Value at 'accountId' failed to satisfy constraint: Member must have length greater than or equal to 12; Value at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}",
    )

    // The other account's admin may not manage accounts or the keyring: they are server-wide.
    for (const [action, params] of [
      ['CreateAccount', { AccountId: '333333333333' }],
      ['ListSessionKeys', {}],
    ] as const) {
      assertError(
        await h.call(action, params, { key }),
        403,
        'AccessDenied',
        new RegExp(
          `^User: arn:aws:iam::210987654321:user/admin is not authorized to perform: rolegate:${action} on resource: .* because only principals in the server's primary account may$`,
        ),
      )
    }
    assert.equal(
      await h.store.transaction(async (repo) => repo.accounts.get('333333333333')),
      undefined,
    )

    // Issuer names are per account: another account's issuer of the same name is its own, with
    // its own URL, and neither account sees, changes or deletes the other's.
    await h.ok('CreateIssuer', { IssuerName: 'shared' })
    const theirs = await h.ok('CreateIssuer', { IssuerName: 'shared' }, { key })
    assert.equal(field(theirs['Issuer'], 'IssuerUrl'), `${PUBLIC_URL}/issuers/210987654321/shared`)
    await h.ok('DeleteIssuer', { IssuerName: 'shared' }, { key })
    assert.deepEqual(list((await h.ok('ListIssuers', {}, { key }))['Issuers']), [])
    assertError(
      await h.call('GetIssuer', { IssuerName: 'shared' }, { key }),
      404,
      'NoSuchEntity',
      'The issuer with name shared cannot be found.',
    )
    await h.ok('CreateIssuer', { IssuerName: 'theirs' }, { key })
    assert.deepEqual(
      list((await h.ok('ListIssuers'))['Issuers']).map((i) => field(i, 'IssuerName')),
      ['shared'],
    )
    assertError(
      await h.call('GetIssuer', { IssuerName: 'theirs' }),
      404,
      'NoSuchEntity',
      'The issuer with name theirs cannot be found.',
    )
  })
})
