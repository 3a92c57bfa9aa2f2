// Requests signed with temporary credentials: the role's policies, then its boundary, then the
// session policies; session tags as principal tags; revocation by token issue time; expired and
// tampered tokens; GetSessionToken's sessions.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { revokeOlderSessionsPolicy } from '../../src/sts/revoke-sessions.js'
import { REVOKE_OLDER_SESSIONS_POLICY_NAME } from '../../src/sts/revoke-sessions.js'
import type { Credentials, Harness } from './support.js'
import {
  ACCOUNT,
  IAM,
  asKey,
  assertError,
  createRole,
  createUser,
  credentialsOf,
  doc,
  stsHarness,
  trustAws,
} from './support.js'

const sessionArn = (role: string, session: string) =>
  `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`

describe('requests signed with role session credentials', () => {
  let h: Harness
  let roleArn: string

  const assume = async (
    extra: Record<string, string> = {},
    name = 'worker',
  ): Promise<Credentials> =>
    credentialsOf(
      await h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: name, ...extra }),
    )

  before(async () => {
    h = await stsHarness()
    roleArn = await createRole(h, 'worker', trustAws(ACCOUNT, ['sts:AssumeRole', 'sts:TagSession']))
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: 'worker',
      PolicyName: 'iam-read',
      PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }),
    })
  })
  after(() => h.close())

  test('the role policies apply; what they do not allow is denied in AWS words', async () => {
    const key = asKey(await assume())
    assert.equal((await h.iam({ Action: 'ListRoles' }, key)).status, 200)
    const denied = await h.iam({ Action: 'CreateUser', UserName: 'mallory' }, key)
    assertError(
      denied,
      403,
      'AccessDenied',
      `User: ${sessionArn('worker', 'worker')} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
    )
    assert.ok(denied.text('EncodedAuthorizationMessage'))
  })

  test('an inline session policy narrows the session to the intersection', async () => {
    const key = asKey(
      await assume({ Policy: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) }),
    )
    assert.equal((await h.iam({ Action: 'ListRoles' }, key)).status, 200)
    assertError(
      await h.iam({ Action: 'ListUsers' }, key),
      403,
      'AccessDenied',
      `User: ${sessionArn('worker', 'worker')} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no session policy allows the iam:ListUsers action`,
    )
    // A session policy cannot add what the role lacks.
    const wide = asKey(
      await assume({ Policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }),
    )
    const create = await h.iam({ Action: 'CreateUser', UserName: 'mallory' }, wide)
    assert.equal(create.status, 403)
  })

  test('managed session policies (PolicyArns) narrow it too', async () => {
    const key = asKey(
      await assume({
        'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    )
    const listed = await h.iam({ Action: 'ListRoles' }, key)
    assertError(
      listed,
      403,
      'AccessDenied',
      /because no session policy allows the iam:ListRoles action$/,
    )
  })

  test('the role permissions boundary applies to its sessions', async () => {
    await createRole(h, 'bounded', trustAws(ACCOUNT), {
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    })
    await h.ok({
      ...IAM,
      Action: 'AttachRolePolicy',
      RoleName: 'bounded',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    })
    const key = asKey(
      credentialsOf(
        await h.call({
          Action: 'AssumeRole',
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/bounded`,
          RoleSessionName: 'b1',
        }),
      ),
    )
    assertError(
      await h.iam({ Action: 'ListRoles' }, key),
      403,
      'AccessDenied',
      /because no permissions boundary allows the iam:ListRoles action$/,
    )
  })

  test('session tags override role tags as aws:PrincipalTag', async () => {
    await createRole(h, 'tagged', trustAws(ACCOUNT, ['sts:AssumeRole', 'sts:TagSession']), {
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'red',
    })
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: 'tagged',
      PolicyName: 'by-team',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: 'iam:ListRoles',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
      }),
    })
    const arn = `arn:aws:iam::${ACCOUNT}:role/tagged`
    const red = asKey(
      credentialsOf(await h.call({ Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'red' })),
    )
    assert.equal((await h.iam({ Action: 'ListRoles' }, red)).status, 403)
    const blue = asKey(
      credentialsOf(
        await h.call({
          Action: 'AssumeRole',
          RoleArn: arn,
          RoleSessionName: 'blue',
          'Tags.member.1.Key': 'TEAM',
          'Tags.member.1.Value': 'blue',
        }),
      ),
    )
    assert.equal((await h.iam({ Action: 'ListRoles' }, blue)).status, 200)
  })

  test('revoking older sessions denies them and spares later ones', async () => {
    const before = asKey(await assume({}, 'before'))
    assert.equal((await h.iam({ Action: 'ListRoles' }, before)).status, 200)
    h.clock.advance(1500)
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: 'worker',
      PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME,
      PolicyDocument: revokeOlderSessionsPolicy(h.clock.now()),
    })
    assertError(
      await h.iam({ Action: 'ListRoles' }, before),
      403,
      'AccessDenied',
      `User: ${sessionArn('worker', 'before')} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCOUNT}:role/ with an explicit deny in an identity-based policy`,
    )
    h.clock.advance(10)
    const after = asKey(await assume({}, 'after'))
    assert.equal((await h.iam({ Action: 'ListRoles' }, after)).status, 200)
    await h.ok({
      ...IAM,
      Action: 'DeleteRolePolicy',
      RoleName: 'worker',
      PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME,
    })
  })

  test('an expired session gets ExpiredToken; a tampered one InvalidClientTokenId', async () => {
    const credentials = await assume({ DurationSeconds: '900' })
    const key = asKey(credentials)
    const tampered = {
      ...key,
      sessionToken:
        credentials.sessionToken.slice(0, 60) +
        (credentials.sessionToken[60] === 'A' ? 'B' : 'A') +
        credentials.sessionToken.slice(61),
    }
    assertError(
      await h.call({ Action: 'GetCallerIdentity' }, tampered),
      403,
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    )
    const wrongSecret = { ...key, secretAccessKey: 'x'.repeat(40) }
    assertError(
      await h.call({ Action: 'GetCallerIdentity' }, wrongSecret),
      403,
      'SignatureDoesNotMatch',
      /signature we calculated does not match/,
    )
    h.clock.advance(900_000)
    assertError(
      await h.call({ Action: 'GetCallerIdentity' }, key),
      403,
      'ExpiredToken',
      'The security token included in the request is expired',
    )
  })
})

describe('GetSessionToken', () => {
  let h: Harness
  let user: Awaited<ReturnType<typeof createUser>>

  before(async () => {
    h = await stsHarness()
    user = await createUser(
      h,
      'dev',
      doc({ Effect: 'Allow', Action: ['iam:ListRoles', 'sts:*'], Resource: '*' }),
    )
  })
  after(() => h.close())

  test('gives a user a 12-hour session acting as the user', async () => {
    const answer = await h.call({ Action: 'GetSessionToken' }, user.key)
    assert.equal(answer.root, 'GetSessionTokenResponse')
    const credentials = credentialsOf(answer)
    assert.equal(
      credentials.expiration,
      new Date(h.clock.now().getTime() + 43200_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    )
    const who = await h.call({ Action: 'GetCallerIdentity' }, asKey(credentials))
    assert.equal(who.text('Arn'), user.arn)
    // AWS: such sessions may not call IAM (without MFA) nor STS beyond AssumeRole/GetCallerIdentity.
    assertError(
      await h.iam({ Action: 'ListRoles' }, asKey(credentials)),
      403,
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    )
    assertError(
      await h.call({ Action: 'GetSessionToken' }, asKey(credentials)),
      403,
      'AccessDenied',
      'Cannot call GetSessionToken with session credentials',
    )
    assertError(
      await h.call(
        { Action: 'DecodeAuthorizationMessage', EncodedMessage: 'abc' },
        asKey(credentials),
      ),
      403,
      'AccessDenied',
      'Cannot call DecodeAuthorizationMessage with session credentials',
    )
  })

  test('a role session may not call it', async () => {
    const roleArn = await createRole(h, 'r', trustAws(ACCOUNT))
    const credentials = credentialsOf(
      await h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess' }),
    )
    assertError(
      await h.call({ Action: 'GetSessionToken' }, asKey(credentials)),
      403,
      'AccessDenied',
      'Cannot call GetSessionToken with session credentials',
    )
  })

  test('DurationSeconds outside 900-129600', async () => {
    assertError(
      await h.call({ Action: 'GetSessionToken', DurationSeconds: '129601' }, user.key),
      400,
      'ValidationError',
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    )
    const ok = await h.call({ Action: 'GetSessionToken', DurationSeconds: '900' }, user.key)
    assert.equal(
      credentialsOf(ok).expiration,
      new Date(h.clock.now().getTime() + 900_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    )
  })
})
