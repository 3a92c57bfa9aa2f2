// AssumeRole through the app: AWS's answers and errors (recorded ones from ../shared/corpora where
// they exist), trust and identity policies within and across accounts, chaining, session tags,
// session policies and their packed size. Every refusal issues no credentials.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { accountOfAccessKeyId } from '../../src/sts/access-key-id.js'
import type { Harness } from './support.js'
import {
  ACCOUNT,
  OTHER_ACCOUNT,
  allowAll,
  asKey,
  assertError,
  createRole,
  createUser,
  credentialsOf,
  doc,
  stsHarness,
  trustAws,
} from './support.js'

const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/admin`
const denied = (who: string, action: string, resource: string, reason = '') =>
  `User: ${who} is not authorized to perform: ${action} on resource: ${resource}${reason}`

describe('AssumeRole', () => {
  let h: Harness
  let roleArn: string
  let taggingRole: string
  let otherRole: string

  before(async () => {
    h = await stsHarness()
    roleArn = await createRole(h, 'deployer', trustAws(ACCOUNT), { Path: '/ci/' })
    await h.ok({
      Version: '2010-05-08',
      Action: 'AttachRolePolicy',
      RoleName: 'deployer',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    })
    const tagTrust = trustAws(ACCOUNT, ['sts:AssumeRole', 'sts:TagSession'])
    taggingRole = await createRole(h, 'tagger', tagTrust)
    otherRole = await createRole(h, 'second', tagTrust)
    await h.ok({
      Version: '2010-05-08',
      Action: 'PutRolePolicy',
      RoleName: 'tagger',
      PolicyName: 'chain',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: [otherRole, roleArn],
      }),
    })
  })
  after(() => h.close())

  test('issues a role session that GetCallerIdentity reports as the assumed role', async () => {
    const answer = await h.call({
      Action: 'AssumeRole',
      RoleArn: roleArn,
      RoleSessionName: 'build-1',
    })
    assert.equal(answer.root, 'AssumeRoleResponse')
    const credentials = credentialsOf(answer)
    assert.match(credentials.accessKeyId, /^ASIA[A-Z2-7]{16}$/)
    assert.equal(accountOfAccessKeyId(credentials.accessKeyId), ACCOUNT)
    assert.equal(credentials.secretAccessKey.length, 40)
    assert.equal(
      credentials.expiration,
      new Date(h.clock.now().getTime() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    )
    assert.equal(answer.text('Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/build-1`)
    const roleId = answer.text('AssumedRoleId')?.split(':')[0] ?? ''
    assert.match(roleId, /^AROA/)
    assert.equal(answer.text('AssumedRoleId'), `${roleId}:build-1`)
    // AWS leaves PackedPolicySize out when no session policy or tag was passed.
    assert.equal(answer.text('PackedPolicySize'), undefined)

    const who = await h.call({ Action: 'GetCallerIdentity' }, asKey(credentials))
    assert.equal(who.status, 200, who.body)
    assert.equal(who.text('Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/build-1`)
    assert.equal(who.text('UserId'), `${roleId}:build-1`)
    assert.equal(who.text('Account'), ACCOUNT)
  })

  test('the role session has the role permissions (admin role lists users)', async () => {
    const credentials = credentialsOf(
      await h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'lister' }),
    )
    const listed = await h.iam({ Action: 'ListUsers' }, asKey(credentials))
    assert.equal(listed.status, 200, listed.body)
  })

  describe('bad parameters (recorded from AWS)', () => {
    const cases: Array<[string, string, string]> = [
      ['nothing-valid-in-here', 'Session1', 'nothing-valid-in-here is invalid'],
      ['arn::b:::something/test-role', 'Session1', 'arn::b:::something/test-role is invalid'],
      ['arn:a::::something/test-role', 'Session1', 'arn:a::::something/test-role is invalid'],
      ['arn:a:::something/test-role', 'Session1', 'arn:a:::something/test-role is invalid'],
      ['arn:a:a::aaaaaaaaaa:', 'Session1', 'arn:a:a::aaaaaaaaaa: is invalid'],
      [
        'arn:a:b:::something/test-role',
        'Session1:2',
        "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
    ]
    for (const [arn, session, message] of cases) {
      test(`${arn} / ${session}`, async () => {
        const answer = await h.call({
          Action: 'AssumeRole',
          RoleArn: arn,
          RoleSessionName: session,
        })
        assertError(answer, 400, 'ValidationError', message)
      })
    }

    test('DurationSeconds below 900 and a missing session name, in one message', async () => {
      const answer = await h.call({
        Action: 'AssumeRole',
        RoleArn: roleArn,
        DurationSeconds: '899',
      })
      assertError(
        answer,
        400,
        'ValidationError',
        "2 validation errors detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null; Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      )
    })
  })

  test('DurationSeconds above the role maximum', async () => {
    const answer = await h.call({
      Action: 'AssumeRole',
      RoleArn: roleArn,
      RoleSessionName: 'long',
      DurationSeconds: '3601',
    })
    assertError(
      answer,
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    )
  })

  test('a role that does not exist is refused like an untrusting one, with an encoded message', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/nope`
    const answer = await h.call({ Action: 'AssumeRole', RoleArn: missing, RoleSessionName: 's1' })
    assertError(answer, 403, 'AccessDenied', denied(ADMIN_ARN, 'sts:AssumeRole', missing))
    assert.match(answer.text('EncodedAuthorizationMessage') ?? '', /^[A-Za-z0-9_-]{40,}$/)
  })

  test('the path is part of the role ARN', async () => {
    const withoutPath = `arn:aws:iam::${ACCOUNT}:role/deployer`
    const answer = await h.call({
      Action: 'AssumeRole',
      RoleArn: withoutPath,
      RoleSessionName: 'sess',
    })
    assertError(answer, 403, 'AccessDenied', denied(ADMIN_ARN, 'sts:AssumeRole', withoutPath))
  })

  describe('trust and identity policies', () => {
    test('a trust policy naming the user suffices within the account', async () => {
      const user = await createUser(h, 'named')
      const arn = await createRole(h, 'names-user', trustAws(user.arn))
      const answer = await h.call(
        { Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'sess' },
        user.key,
      )
      assert.equal(answer.status, 200, answer.body)
    })

    test('a trust policy naming the account leaves it to the identity policy', async () => {
      const user = await createUser(h, 'nopolicy')
      const answer = await h.call(
        { Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess' },
        user.key,
      )
      assertError(
        answer,
        403,
        'AccessDenied',
        denied(
          user.arn,
          'sts:AssumeRole',
          roleArn,
          ' because no identity-based policy allows the sts:AssumeRole action',
        ),
      )
    })

    test('a trust policy that names someone else refuses even an administrator', async () => {
      const arn = await createRole(h, 'elsewhere', trustAws(`arn:aws:iam::${ACCOUNT}:user/nobody`))
      const answer = await h.call({ Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'sess' })
      assertError(answer, 403, 'AccessDenied', denied(ADMIN_ARN, 'sts:AssumeRole', arn))
    })

    test('ExternalId becomes sts:ExternalId', async () => {
      const arn = await createRole(
        h,
        'vendor',
        doc({
          Effect: 'Allow',
          Principal: { AWS: ACCOUNT },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'abc-123' } },
        }),
      )
      const without = await h.call({ Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'sess' })
      assertError(without, 403, 'AccessDenied', denied(ADMIN_ARN, 'sts:AssumeRole', arn))
      const wrong = await h.call({
        Action: 'AssumeRole',
        RoleArn: arn,
        RoleSessionName: 'sess',
        ExternalId: 'abc-124',
      })
      assert.equal(wrong.status, 403)
      const right = await h.call({
        Action: 'AssumeRole',
        RoleArn: arn,
        RoleSessionName: 'sess',
        ExternalId: 'abc-123',
      })
      assert.equal(right.status, 200, right.body)
    })
  })

  describe('across accounts', () => {
    let outsider: { accessKeyId: string; secretAccessKey: string }
    let outsiderArn: string

    before(async () => {
      // A second account with a user and key, written straight into the store.
      outsiderArn = `arn:aws:iam::${OTHER_ACCOUNT}:user/visitor`
      outsider = { accessKeyId: 'AKIAOTHERACCOUNTKEY1', secretAccessKey: 'other-secret' }
      await h.store.transaction(async (repo) => {
        await repo.accounts.insert({ accountId: OTHER_ACCOUNT, createDate: new Date() })
        await repo.users.insert({
          accountId: OTHER_ACCOUNT,
          userId: 'AIDAOTHERACCOUNTUSER',
          userName: 'visitor',
          path: '/',
          arn: outsiderArn,
          createDate: new Date(),
          permissionsBoundaryArn: null,
          tags: [],
        })
        await repo.accessKeys.insert({
          ...outsider,
          accountId: OTHER_ACCOUNT,
          userId: 'AIDAOTHERACCOUNTUSER',
          status: 'Active',
          createDate: new Date(),
          lastUsed: null,
        })
      })
    })

    test('the trust policy allowing the other account is not enough without its own allow', async () => {
      const arn = await createRole(h, 'cross', trustAws(OTHER_ACCOUNT))
      const answer = await h.call(
        { Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'xs' },
        outsider,
      )
      assertError(
        answer,
        403,
        'AccessDenied',
        denied(
          outsiderArn,
          'sts:AssumeRole',
          arn,
          ' because no identity-based policy allows the sts:AssumeRole action',
        ),
      )
    })

    test('both sides allowing: the session belongs to the role account', async () => {
      const arn = await createRole(h, 'cross2', trustAws(outsiderArn))
      await h.store.transaction((repo) =>
        repo.inlinePolicies.put({
          accountId: OTHER_ACCOUNT,
          entityType: 'user',
          entityId: 'AIDAOTHERACCOUNTUSER',
          policyName: 'assume',
          document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }),
        }),
      )
      const answer = await h.call(
        { Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'xs' },
        outsider,
      )
      assert.equal(answer.status, 200, answer.body)
      const who = await h.call({ Action: 'GetCallerIdentity' }, asKey(credentialsOf(answer)))
      assert.equal(who.text('Account'), ACCOUNT)
      assert.equal(who.text('Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/cross2/xs`)
    })

    test('an identity allow without the trust policy naming the account is refused', async () => {
      const arn = await createRole(h, 'closed', trustAws(ACCOUNT))
      await h.store.transaction((repo) =>
        repo.inlinePolicies.put({
          accountId: OTHER_ACCOUNT,
          entityType: 'user',
          entityId: 'AIDAOTHERACCOUNTUSER',
          policyName: 'assume-all',
          document: allowAll,
        }),
      )
      const answer = await h.call(
        { Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'xs' },
        outsider,
      )
      assertError(answer, 403, 'AccessDenied', denied(outsiderArn, 'sts:AssumeRole', arn))
    })
  })

  describe('role chaining', () => {
    test('a role session may assume a role for at most an hour', async () => {
      const first = credentialsOf(
        await h.call({ Action: 'AssumeRole', RoleArn: taggingRole, RoleSessionName: 'hop1' }),
      )
      // Raise the target role's limit so only the chaining cap applies.
      await h.ok({
        Version: '2010-05-08',
        Action: 'UpdateRole',
        RoleName: 'second',
        MaxSessionDuration: '7200',
      })
      const tooLong = await h.call(
        {
          Action: 'AssumeRole',
          RoleArn: otherRole,
          RoleSessionName: 'hop2',
          DurationSeconds: '3601',
        },
        asKey(first),
      )
      assertError(
        tooLong,
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      )
      const hop = await h.call(
        { Action: 'AssumeRole', RoleArn: otherRole, RoleSessionName: 'hop2' },
        asKey(first),
      )
      assert.equal(hop.status, 200, hop.body)
      // Without chaining the same duration is fine.
      const direct = await h.call({
        Action: 'AssumeRole',
        RoleArn: otherRole,
        RoleSessionName: 'direct',
        DurationSeconds: '7200',
      })
      assert.equal(direct.status, 200, direct.body)
    })
  })

  describe('session tags (recorded from AWS)', () => {
    test('a transitive key must be among the tags', async () => {
      const answer = await h.call({
        Action: 'AssumeRole',
        RoleArn: taggingRole,
        RoleSessionName: 'SessionInvalidTransitiveKeys',
        'Tags.member.1.Key': 'SessionTag1',
        'Tags.member.1.Value': 'SessionValue1',
        'TransitiveTagKeys.member.1': 'InvalidKey',
      })
      assertError(
        answer,
        400,
        'InvalidParameterValue',
        'The specified transitive tag key must be included in the requested tags.',
      )
    })

    test('transitive keys match tags without regard to case; duplicate keys are refused', async () => {
      const ok = await h.call({
        Action: 'AssumeRole',
        RoleArn: taggingRole,
        RoleSessionName: 'SessionInvalidCasingTransitiveKeys',
        'Tags.member.1.Key': 'SessionTag1',
        'Tags.member.1.Value': 'SessionValue1',
        'TransitiveTagKeys.member.1': 'sessiontag1',
      })
      assert.equal(ok.status, 200, ok.body)
      assert.match(ok.text('PackedPolicySize') ?? '', /^\d+$/)
      const duplicate = await h.call({
        Action: 'AssumeRole',
        RoleArn: taggingRole,
        RoleSessionName: 'SessionInvalidCasingTransitiveKeys',
        'Tags.member.1.Key': 'SessionTag1',
        'Tags.member.1.Value': 'SessionValue1',
        'Tags.member.2.Key': 'sessiontag1',
        'Tags.member.2.Value': 'SessionValue2',
        'TransitiveTagKeys.member.1': 'sessiontag1',
      })
      assertError(
        duplicate,
        400,
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      )
    })

    test('a chained session cannot override a transitive tag, in any case', async () => {
      const first = credentialsOf(
        await h.call({
          Action: 'AssumeRole',
          RoleArn: taggingRole,
          RoleSessionName: 'Session1',
          'Tags.member.1.Key': 'SessionTag1',
          'Tags.member.1.Value': 'SessionValue1',
          'TransitiveTagKeys.member.1': 'SessionTag1',
        }),
      )
      for (const key of ['SessionTag1', 'sessiontag1']) {
        const answer = await h.call(
          {
            Action: 'AssumeRole',
            RoleArn: otherRole,
            RoleSessionName: 'Session2SessionTagOverride',
            'Tags.member.1.Key': key,
            'Tags.member.1.Value': 'SessionValue2',
          },
          asKey(first),
        )
        assertError(
          answer,
          400,
          'InvalidParameterValue',
          "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
        )
      }
    })

    test('tags need sts:TagSession in the trust policy', async () => {
      const answer = await h.call({
        Action: 'AssumeRole',
        RoleArn: roleArn,
        RoleSessionName: 'tagged',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'blue',
      })
      assertError(answer, 403, 'AccessDenied', denied(ADMIN_ARN, 'sts:TagSession', roleArn))
    })
  })

  describe('session policies', () => {
    test('a malformed inline session policy', async () => {
      const answer = await h.call({
        Action: 'AssumeRole',
        RoleArn: roleArn,
        RoleSessionName: 'sess',
        Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}',
      })
      assert.equal(answer.status, 400, answer.body)
      assert.equal(answer.text('Code'), 'MalformedPolicyDocument')
      assert.equal(answer.text('SessionToken'), undefined)
    })

    test('PackedPolicySize is reported; an incompressible policy is PackedPolicyTooLarge', async () => {
      const small = await h.call({
        Action: 'AssumeRole',
        RoleArn: roleArn,
        RoleSessionName: 'sess',
        Policy: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }),
      })
      assert.equal(small.status, 200, small.body)
      const size = Number(small.text('PackedPolicySize'))
      assert.ok(size > 0 && size < 20, `PackedPolicySize ${size}`)

      // Random resource names do not compress: 80 of them overflow the budget.
      const noise = Array.from({ length: 80 }, () => Math.random().toString(36).slice(2, 14))
      const big = doc({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: noise.map((n) => `arn:aws:s3:::${n}-${Math.random().toString(36).slice(2)}/*`),
      })
      const answer = await h.call({
        Action: 'AssumeRole',
        RoleArn: roleArn,
        RoleSessionName: 'sess',
        Policy: big,
      })
      assertError(
        answer,
        400,
        'PackedPolicyTooLarge',
        /^Packed policy consumes \d{3}% of allotted space, please use smaller policy\.$/,
      )
    })

    test('50 long tags are PackedPolicyTooLarge for tags', async () => {
      const tags: Record<string, string> = {}
      for (let i = 1; i <= 50; i++) {
        tags[`Tags.member.${i}.Key`] = `k${i}-${Math.random().toString(36).slice(2)}`
        tags[`Tags.member.${i}.Value`] = Array.from({ length: 8 }, () =>
          Math.random().toString(36).slice(2),
        ).join('')
      }
      const answer = await h.call({
        Action: 'AssumeRole',
        RoleArn: taggingRole,
        RoleSessionName: 'sess',
        ...tags,
      })
      assertError(
        answer,
        400,
        'PackedPolicyTooLarge',
        /^Packed size of session tags consumes \d{3}% of allotted space\.$/,
      )
    })
  })

  test('SourceIdentity needs sts:SetSourceIdentity and is returned and kept', async () => {
    const refused = await h.call({
      Action: 'AssumeRole',
      RoleArn: roleArn,
      RoleSessionName: 'sess',
      SourceIdentity: 'alice',
    })
    assertError(refused, 403, 'AccessDenied', denied(ADMIN_ARN, 'sts:SetSourceIdentity', roleArn))
    const arn = await createRole(
      h,
      'sourced',
      trustAws(ACCOUNT, ['sts:AssumeRole', 'sts:SetSourceIdentity']),
    )
    const answer = await h.call({
      Action: 'AssumeRole',
      RoleArn: arn,
      RoleSessionName: 'sess',
      SourceIdentity: 'alice',
    })
    assert.equal(answer.status, 200, answer.body)
    assert.equal(answer.text('SourceIdentity'), 'alice')
  })
})
