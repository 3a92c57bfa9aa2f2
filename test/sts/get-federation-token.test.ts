// GetFederationToken, against the API Reference (API_GetFederationToken) and the answer recorded
// from AWS (aws-shapes test_sts, test_get_federation_token): federated-user sessions named by the
// caller, no permissions without a session policy, the intersection with one, what such sessions
// may not call, and the input limits in AWS's words.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Caller, RequestInfo } from '../../src/core/caller.js'
import { randomIds } from '../../src/core/ids.js'
import { IamAuthorizer } from '../../src/iam/authorize.js'
import { composeSts } from '../../src/sts/compose.js'
import type { Credentials, Harness } from './support.js'
import {
  ACCOUNT,
  asKey,
  assertError,
  createRole,
  createUser,
  credentialsOf,
  doc,
  stsHarness,
  trustAws,
} from './support.js'

const ROLEGATE = { Version: '2026-11-01' }
const federated = (name: string) => `arn:aws:sts::${ACCOUNT}:federated-user/${name}`

describe('GetFederationToken', () => {
  let h: Harness
  let broker: Awaited<ReturnType<typeof createUser>>

  const federate = async (params: Record<string, string>, key = broker.key) =>
    h.call({ Action: 'GetFederationToken', ...params }, key)
  const listIssuers = (key: Credentials) =>
    h.call({ ...ROLEGATE, Action: 'ListIssuers' }, asKey(key), { service: 'rolegate' })

  before(async () => {
    h = await stsHarness()
    // The broker may federate users, and itself read issuers and rotate session keys.
    broker = await createUser(
      h,
      'broker',
      doc(
        {
          Effect: 'Allow',
          Action: 'sts:GetFederationToken',
          Resource: `arn:aws:sts::${ACCOUNT}:federated-user/app-*`,
        },
        { Effect: 'Allow', Action: ['rolegate:ListIssuers', 'rolegate:GetIssuer'], Resource: '*' },
      ),
    )
  })
  after(() => h.close())

  test('answers a federated user session in AWS shape (recorded members)', async () => {
    const answer = await federate({ Name: 'app-bob', DurationSeconds: '900' })
    assert.equal(answer.root, 'GetFederationTokenResponse')
    const credentials = credentialsOf(answer)
    assert.match(credentials.accessKeyId, /^ASIA/)
    assert.equal(
      credentials.expiration,
      new Date(h.clock.now().getTime() + 900_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    )
    assert.equal(answer.text('Arn'), federated('app-bob'))
    assert.equal(answer.text('FederatedUserId'), `${ACCOUNT}:app-bob`)
    // Recorded from AWS: 0 when no policy and no tag was passed.
    assert.equal(answer.text('PackedPolicySize'), '0')
    const who = await h.call({ Action: 'GetCallerIdentity' }, asKey(credentials))
    assert.equal(who.text('Arn'), federated('app-bob'))
    assert.equal(who.text('UserId'), `${ACCOUNT}:app-bob`)
    assert.equal(who.text('Account'), ACCOUNT)
  })

  test('lasts 12 hours by default', async () => {
    const credentials = credentialsOf(await federate({ Name: 'app-default' }))
    assert.equal(
      credentials.expiration,
      new Date(h.clock.now().getTime() + 43200_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    )
  })

  test('without a session policy the session may do nothing', async () => {
    const credentials = credentialsOf(await federate({ Name: 'app-none' }))
    assertError(
      await listIssuers(credentials),
      403,
      'AccessDenied',
      `User: ${federated('app-none')} is not authorized to perform: rolegate:ListIssuers on resource: arn:aws:rolegate::${ACCOUNT}:issuer/* because no session policy allows the rolegate:ListIssuers action`,
    )
  })

  test('with one, the intersection of the user’s policies and the session policy', async () => {
    const credentials = credentialsOf(
      await federate({
        Name: 'app-reader',
        Policy: doc({ Effect: 'Allow', Action: 'rolegate:*', Resource: '*' }),
      }),
    )
    assert.equal((await listIssuers(credentials)).status, 200)
    // The session policy allows it, the broker's own policies do not.
    assertError(
      await h.call({ ...ROLEGATE, Action: 'CreateIssuer', IssuerName: 'x' }, asKey(credentials), {
        service: 'rolegate',
      }),
      403,
      'AccessDenied',
      `User: ${federated('app-reader')} is not authorized to perform: rolegate:CreateIssuer on resource: arn:aws:rolegate::${ACCOUNT}:issuer/x because no identity-based policy allows the rolegate:CreateIssuer action`,
    )
    const narrow = credentialsOf(
      await federate({
        Name: 'app-narrow',
        Policy: doc({ Effect: 'Allow', Action: 'rolegate:GetIssuer', Resource: '*' }),
      }),
    )
    assert.notEqual(narrow.accessKeyId, credentials.accessKeyId)
    assert.equal((await listIssuers(narrow)).status, 403)
  })

  test('a managed session policy bounds it too', async () => {
    const answer = await federate({
      Name: 'app-managed',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    })
    assert.ok(Number(answer.text('PackedPolicySize')) > 0)
    assertError(
      await listIssuers(credentialsOf(answer)),
      403,
      'AccessDenied',
      /because no session policy allows the rolegate:ListIssuers action$/,
    )
  })

  test('session tags become principal tags; duplicate keys are refused in AWS words', async () => {
    await h.ok({
      Version: '2010-05-08',
      Action: 'PutUserPolicy',
      UserName: 'broker',
      PolicyName: 'tags',
      PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:TagSession', Resource: '*' }),
    })
    const tagged = credentialsOf(
      await federate({
        Name: 'app-tagged',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'blue',
        Policy: doc({
          Effect: 'Allow',
          Action: 'rolegate:ListIssuers',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
        }),
      }),
    )
    assert.equal((await listIssuers(tagged)).status, 200)
    assertError(
      await federate({
        Name: 'app-dup',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'a',
        'Tags.member.2.Key': 'TEAM',
        'Tags.member.2.Value': 'b',
      }),
      400,
      'InvalidParameterValue',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    )
  })

  test('session tags need sts:TagSession', async () => {
    const plain = await createUser(
      h,
      'plain-broker',
      doc({ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' }),
    )
    assertError(
      await federate(
        { Name: 'app-t', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'x' },
        plain.key,
      ),
      403,
      'AccessDenied',
      `User: ${plain.arn} is not authorized to perform: sts:TagSession on resource: ${federated('app-t')} because no identity-based policy allows the sts:TagSession action`,
    )
  })

  test('a name the user may not federate is AccessDenied', async () => {
    assertError(
      await federate({ Name: 'other' }),
      403,
      'AccessDenied',
      `User: ${broker.arn} is not authorized to perform: sts:GetFederationToken on resource: ${federated('other')} because no identity-based policy allows the sts:GetFederationToken action`,
    )
  })

  test('its sessions may call no IAM operation and no STS one but GetCallerIdentity', async () => {
    const key = asKey(
      credentialsOf(
        await federate({
          Name: 'app-everything',
          Policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
        }),
      ),
    )
    assertError(
      await h.iam({ Action: 'ListRoles' }, key),
      403,
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    )
    const roleArn = await createRole(h, 'for-federated', trustAws(ACCOUNT))
    for (const [action, params] of [
      ['AssumeRole', { RoleArn: roleArn, RoleSessionName: 's1' }],
      ['GetSessionToken', {}],
      ['GetFederationToken', { Name: 'app-again' }],
    ] as const) {
      assertError(
        await h.call({ Action: action, ...params }, key),
        403,
        'AccessDenied',
        `Cannot call ${action} with session credentials`,
      )
    }
  })

  test('role sessions may not call it', async () => {
    const roleArn = await createRole(h, 'broker-role', trustAws(ACCOUNT))
    const session = credentialsOf(
      await h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess' }),
    )
    assertError(
      await federate({ Name: 'app-x' }, asKey(session)),
      403,
      'AccessDenied',
      'Cannot call GetFederationToken with session credentials',
    )
  })

  const refused: Array<[string, Record<string, string>, string]> = [
    [
      'a one-character name',
      { Name: 'a' },
      "1 validation error detected: Value 'a' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ],
    [
      'a 33-character name',
      { Name: 'a'.repeat(33) },
      `1 validation error detected: Value '${'a'.repeat(33)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32`,
    ],
    [
      'a name with a colon',
      { Name: 'app:bob' },
      "1 validation error detected: Value 'app:bob' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    ],
    [
      'no name',
      {},
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a duration under 900 seconds',
      { Name: 'app-short', DurationSeconds: '899' },
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    [
      'a duration over 36 hours',
      { Name: 'app-long', DurationSeconds: '129601' },
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    ],
  ]
  for (const [name, params, message] of refused) {
    test(`refuses ${name}`, async () => {
      assertError(await federate(params), 400, 'ValidationError', message)
    })
  }

  test('a policy over 2048 characters is refused; 2048 is accepted', async () => {
    const padded = (length: number) => {
      const base = doc({ Effect: 'Allow', Action: 'rolegate:ListIssuers', Resource: '*' })
      return base.replace('"Resource"', `${' '.repeat(length - base.length)}"Resource"`)
    }
    assert.equal(padded(2048).length, 2048)
    assert.equal((await federate({ Name: 'app-2048', Policy: padded(2048) })).status, 200)
    const over = padded(2049)
    assertError(
      await federate({ Name: 'app-2049', Policy: over }),
      400,
      'ValidationError',
      `1 validation error detected: Value '${over}' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    )
  })

  test('a policy that does not parse is MalformedPolicyDocument', async () => {
    const answer = await federate({ Name: 'app-bad', Policy: '{"Statement":' })
    assert.equal(answer.status, 400)
    assert.equal(answer.text('Code'), 'MalformedPolicyDocument')
    assert.equal(answer.text('SessionToken'), undefined)
  })

  // A caller the app cannot produce: the account's root user.
  test('the root user: an hour at most, its own permissions bounded by the session policy', async () => {
    const root: Caller = {
      type: 'root',
      accountId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      userId: ACCOUNT,
      principalId: '',
      name: 'root',
      accessKeyId: 'AKIAROOTEXAMPLEKEY00',
    }
    const authorizer = new IamAuthorizer(h.store)
    const sts = composeSts({ store: h.store, authorizer, clock: h.clock, ids: randomIds })
    const request: RequestInfo = {
      requestId: 'r',
      region: 'us-east-1',
      sourceIp: '127.0.0.1',
      userAgent: 'test',
      secureTransport: false,
      now: h.clock.now(),
    }
    const answer = await sts.service.call(
      root,
      'GetFederationToken',
      {
        Name: 'root-fed',
        DurationSeconds: '7200',
        Policy: doc({ Effect: 'Allow', Action: 'rolegate:ListIssuers', Resource: '*' }),
      },
      request,
    )
    const issued = answer?.['Credentials'] as {
      AccessKeyId: string
      SessionToken: string
      Expiration: Date
    }
    assert.deepEqual(issued.Expiration, new Date(h.clock.now().getTime() + 3600_000))
    const resolved = await sts.resolver.resolve(issued.AccessKeyId, issued.SessionToken)
    const caller = resolved?.caller
    assert.ok(caller)
    assert.equal(caller.arn, federated('root-fed'))
    assert.equal(caller.type, 'federated-user')
    await authorizer.authorize(caller, 'rolegate:ListIssuers', '*', {}, request)
    await assert.rejects(
      authorizer.authorize(caller, 'rolegate:CreateIssuer', '*', {}, request),
      /because no session policy allows the rolegate:CreateIssuer action/,
    )
  })
})
