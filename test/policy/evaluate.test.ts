// The evaluation logic, case by case, as AWS documents it:
// [denyallow] reference_policies_evaluation-logic_policy-eval-denyallow
// [cross] reference_policies_evaluation-logic-cross-account
// [boundaries] access_policies_boundaries (effective permissions with boundaries)
// [session] access_policies.html#policies_session
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestContext } from '../../src/policy/context.js'
import type { EvaluationRequest } from '../../src/policy/evaluate.js'
import { evaluate } from '../../src/policy/evaluate.js'
import { formatDecision } from '../../src/policy/format-decision.js'
import type { RequestPrincipal } from '../../src/policy/principal.js'
import { ACCOUNT, OTHER, allow, deny, policy, root, roleSession, user } from './support.js'

const bob = user('bob')
const bucket = 'arn:aws:s3:::reports'
const object = `${bucket}/2024/q1.csv`

const request = (over: Partial<EvaluationRequest> = {}): EvaluationRequest => ({
  principal: bob,
  action: 's3:GetObject',
  resource: object,
  resourceAccount: ACCOUNT,
  context: new RequestContext(),
  identityPolicies: [],
  ...over,
})

const readAll = allow({ Action: 's3:Get*', Resource: '*' }, 'ReadAll')
const nothing = allow({ Action: 'ec2:Describe*', Resource: '*' }, 'Ec2Only')
const bucketPolicy = (principal: unknown, effect = 'Allow') =>
  policy(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: effect, Principal: principal, Action: 's3:GetObject', Resource: `${bucket}/*` },
      ],
    },
    'bucket-policy',
    'resource',
  )

describe('identity-based policies [denyallow]', () => {
  test('an Allow in an identity-based policy allows', () => {
    const d = evaluate(request({ identityPolicies: [readAll] }))
    assert.equal(d.decision, 'Allowed')
    assert.equal(d.decidedBy, 'identity')
    assert.deepEqual(d.allowedBy, ['identity'])
    assert.equal(d.matchedStatements.length, 1)
    assert.equal(d.matchedStatements[0]!.policyId, 'ReadAll')
    assert.deepEqual(d.matchedStatements[0]!.span.start, { line: 4, column: 5 })
  })

  test('no applicable Allow is an implicit deny', () => {
    const d = evaluate(request({ identityPolicies: [nothing] }))
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'identity')
    assert.deepEqual(d.matchedStatements, [])
  })

  test('an explicit Deny overrides every Allow', () => {
    const d = evaluate(
      request({
        identityPolicies: [readAll, deny({ Action: 's3:*', Resource: `${bucket}/*` }, 'NoS3')],
      }),
    )
    assert.equal(d.decision, 'ExplicitlyDenied')
    assert.equal(d.decidedBy, 'identity')
    assert.deepEqual(
      d.matchedStatements.map((m) => [m.policyId, m.effect]),
      [
        ['ReadAll', 'Allow'],
        ['NoS3', 'Deny'],
      ],
    )
  })

  test('NotAction and NotResource cover everything except what they list', () => {
    const p = allow({ NotAction: 's3:Delete*', NotResource: `${bucket}/secret/*` })
    assert.equal(evaluate(request({ identityPolicies: [p] })).decision, 'Allowed')
    assert.equal(
      evaluate(request({ identityPolicies: [p], action: 's3:DeleteObject' })).decision,
      'ImplicitlyDenied',
    )
    assert.equal(
      evaluate(request({ identityPolicies: [p], resource: `${bucket}/secret/x` })).decision,
      'ImplicitlyDenied',
    )
  })

  test('actions match without regard to case; resources with regard to case', () => {
    const p = allow({ Action: 'S3:getobject', Resource: `${bucket}/*` })
    assert.equal(
      evaluate(request({ identityPolicies: [p], action: 's3:GetObject' })).decision,
      'Allowed',
    )
    assert.equal(
      evaluate(request({ identityPolicies: [p], resource: 'arn:aws:s3:::Reports/x' })).decision,
      'ImplicitlyDenied',
    )
  })

  test('conditions: several keys are ANDed, and a failing one stops the statement', () => {
    const p = allow({
      Action: 's3:GetObject',
      Resource: '*',
      Condition: {
        Bool: { 'aws:SecureTransport': 'true' },
        IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
      },
    })
    const ctx = (secure: boolean, ip: string) =>
      new RequestContext({ 'aws:SecureTransport': secure, 'aws:SourceIp': ip })
    assert.equal(
      evaluate(request({ identityPolicies: [p], context: ctx(true, '203.0.113.5') })).decision,
      'Allowed',
    )
    assert.equal(
      evaluate(request({ identityPolicies: [p], context: ctx(false, '203.0.113.5') })).decision,
      'ImplicitlyDenied',
    )
    assert.equal(
      evaluate(request({ identityPolicies: [p], context: ctx(true, '198.51.100.1') })).decision,
      'ImplicitlyDenied',
    )
  })

  test('policy variables in Resource ([variables] reference_policies_variables)', () => {
    const p = allow({ Action: 's3:GetObject', Resource: `${bucket}/home/\${aws:username}/*` })
    const ctx = new RequestContext({ 'aws:username': 'bob' })
    const mine = evaluate(
      request({ identityPolicies: [p], context: ctx, resource: `${bucket}/home/bob/a` }),
    )
    assert.equal(mine.decision, 'Allowed')
    const theirs = evaluate(
      request({ identityPolicies: [p], context: ctx, resource: `${bucket}/home/eve/a` }),
    )
    assert.equal(theirs.decision, 'ImplicitlyDenied')
    // A role session has no aws:username: the statement cannot apply and the key is reported.
    const session = evaluate(
      request({
        identityPolicies: [p],
        context: new RequestContext(),
        resource: `${bucket}/home/bob/a`,
      }),
    )
    assert.equal(session.decision, 'ImplicitlyDenied')
    assert.deepEqual(session.missingContextKeys, ['aws:username'])
  })

  test('in a 2008-10-17 policy a variable is literal text', () => {
    const p = policy({
      Version: '2008-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/\${aws:username}` },
      ],
    })
    const ctx = new RequestContext({ 'aws:username': 'bob' })
    assert.equal(
      evaluate(request({ identityPolicies: [p], context: ctx, resource: `${bucket}/bob` }))
        .decision,
      'ImplicitlyDenied',
    )
    assert.equal(
      evaluate(
        request({ identityPolicies: [p], context: ctx, resource: `${bucket}/\${aws:username}` }),
      ).decision,
      'Allowed',
    )
  })

  test('missing context keys are collected without duplicates', () => {
    const p = policy({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
        },
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { StringEquals: { 'AWS:SourceVPC': 'vpc-2', 's3:prefix': 'a' } },
        },
      ],
    })
    const d = evaluate(request({ identityPolicies: [p] }))
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.deepEqual(d.missingContextKeys, ['aws:SourceVpc', 's3:prefix'])
  })
})

describe('permissions boundaries [boundaries]', () => {
  const boundary = allow({ Action: ['s3:*', 'ec2:*'], Resource: '*' }, 'Boundary', 'boundary')

  test('the effective permissions are the intersection of identity policies and boundary', () => {
    assert.equal(
      evaluate(request({ identityPolicies: [readAll], permissionsBoundary: boundary })).decision,
      'Allowed',
    )
    const iam = allow({ Action: 'iam:*', Resource: '*' })
    const d = evaluate(
      request({
        identityPolicies: [iam],
        permissionsBoundary: boundary,
        action: 'iam:CreateRole',
        resource: '*',
      }),
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'boundary')
    assert.deepEqual(d.outcomes.boundary, { result: 'ImplicitlyDenied' })
  })

  test('a boundary alone grants nothing', () => {
    const d = evaluate(request({ identityPolicies: [nothing], permissionsBoundary: boundary }))
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'identity')
  })

  test('an explicit Deny in the boundary denies', () => {
    const b = policy(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' },
        ],
      },
      'B',
      'boundary',
    )
    const d = evaluate(request({ identityPolicies: [readAll], permissionsBoundary: b }))
    assert.equal(d.decision, 'ExplicitlyDenied')
    assert.equal(d.decidedBy, 'boundary')
  })
})

describe('session policies [session]', () => {
  const me = roleSession('reader', 'alice')
  test('a session can do only what both the role and the session policies allow', () => {
    const session = allow(
      { Action: 's3:GetObject', Resource: `${bucket}/2024/*` },
      'session',
      'session',
    )
    assert.equal(
      evaluate(request({ principal: me, identityPolicies: [readAll], sessionPolicies: [session] }))
        .decision,
      'Allowed',
    )
    const d = evaluate(
      request({
        principal: me,
        identityPolicies: [readAll],
        sessionPolicies: [session],
        resource: `${bucket}/2023/x`,
      }),
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'session')
  })

  test('several session policies are one union', () => {
    const a = allow({ Action: 'ec2:*', Resource: '*' }, 'a', 'session')
    const b = allow({ Action: 's3:GetObject', Resource: '*' }, 'b', 'session')
    const d = evaluate(
      request({ principal: me, identityPolicies: [readAll], sessionPolicies: [a, b] }),
    )
    assert.equal(d.decision, 'Allowed')
    assert.deepEqual(d.allowedBy, ['identity', 'session'])
  })
})

describe('resource-based policies in the same account [denyallow]', () => {
  const boundary = allow({ Action: 'ec2:*', Resource: '*' }, 'B', 'boundary')
  const session = allow({ Action: 'ec2:*', Resource: '*' }, 'S', 'session')

  test('a grant to the IAM user allows without identity policy, and ignores the boundary', () => {
    const rp = bucketPolicy({ AWS: bob.arn })
    const d = evaluate(request({ resourcePolicy: rp }))
    assert.equal(d.decision, 'Allowed')
    assert.equal(d.decidedBy, 'resource')
    assert.equal(d.matchedStatements[0]!.grant, 'direct')
    assert.equal(
      evaluate(request({ resourcePolicy: rp, permissionsBoundary: boundary })).decision,
      'Allowed',
    )
  })

  test('a grant to the role ARN is limited by an implicit deny in boundary or session policy', () => {
    const me = roleSession('reader', 'alice')
    const rp = bucketPolicy({ AWS: me.roleArn })
    assert.equal(evaluate(request({ principal: me, resourcePolicy: rp })).decision, 'Allowed')
    const bounded = evaluate(
      request({ principal: me, resourcePolicy: rp, permissionsBoundary: boundary }),
    )
    assert.equal(bounded.decision, 'ImplicitlyDenied')
    assert.equal(bounded.decidedBy, 'boundary')
    const sessioned = evaluate(
      request({ principal: me, resourcePolicy: rp, sessionPolicies: [session] }),
    )
    assert.equal(sessioned.decision, 'ImplicitlyDenied')
    assert.equal(sessioned.decidedBy, 'session')
  })

  test('a grant to the role session ARN is not limited by boundary or session policy', () => {
    const me = roleSession('reader', 'alice')
    const rp = bucketPolicy({ AWS: me.arn })
    const d = evaluate(
      request({
        principal: me,
        resourcePolicy: rp,
        permissionsBoundary: boundary,
        sessionPolicies: [session],
      }),
    )
    assert.equal(d.decision, 'Allowed')
    assert.equal(d.decidedBy, 'resource')
  })

  test('a grant to the account defers to the identity-based policies', () => {
    const rp = bucketPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` })
    const without = evaluate(request({ resourcePolicy: rp }))
    assert.equal(without.decision, 'ImplicitlyDenied')
    assert.equal(without.decidedBy, 'identity')
    assert.equal(
      evaluate(request({ resourcePolicy: rp, identityPolicies: [readAll] })).decision,
      'Allowed',
    )
    const byId = bucketPolicy({ AWS: ACCOUNT })
    assert.equal(evaluate(request({ resourcePolicy: byId })).decision, 'ImplicitlyDenied')
  })

  test('an identity-based Allow suffices when the resource policy says nothing', () => {
    const rp = bucketPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:user/eve` })
    assert.equal(
      evaluate(request({ resourcePolicy: rp, identityPolicies: [readAll] })).decision,
      'Allowed',
    )
  })

  test('an explicit Deny in the resource policy overrides an identity Allow', () => {
    const rp = bucketPolicy('*', 'Deny')
    const d = evaluate(request({ resourcePolicy: rp, identityPolicies: [readAll] }))
    assert.equal(d.decision, 'ExplicitlyDenied')
    assert.equal(d.decidedBy, 'resource')
  })

  test('NotPrincipal with Deny exempts a caller only when its account is listed too', () => {
    const rp = (names: string[]) =>
      policy(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              NotPrincipal: { AWS: names },
              Action: 's3:*',
              Resource: `${bucket}/*`,
            },
          ],
        },
        'np',
        'resource',
      )
    const both = evaluate(
      request({
        resourcePolicy: rp([bob.arn, `arn:aws:iam::${ACCOUNT}:root`]),
        identityPolicies: [readAll],
      }),
    )
    assert.equal(both.decision, 'Allowed')
    const onlyUser = evaluate(
      request({ resourcePolicy: rp([bob.arn]), identityPolicies: [readAll] }),
    )
    assert.equal(onlyUser.decision, 'ExplicitlyDenied')
    const other = evaluate(
      request({
        principal: user('eve'),
        resourcePolicy: rp([bob.arn, `arn:aws:iam::${ACCOUNT}:root`]),
        identityPolicies: [readAll],
      }),
    )
    assert.equal(other.decision, 'ExplicitlyDenied')
  })

  test('Principal "*" lets anyone in, anonymous callers included', () => {
    const anonymous: RequestPrincipal = { kind: 'anonymous', arn: 'anonymous' }
    assert.equal(
      evaluate(request({ principal: anonymous, resourcePolicy: bucketPolicy('*') })).decision,
      'Allowed',
    )
    const d = evaluate(
      request({ principal: anonymous, resourcePolicy: bucketPolicy({ AWS: bob.arn }) }),
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'resource')
  })
})

describe('cross-account requests [cross]', () => {
  const carol = user('carol', OTHER)

  test('both the identity policy and the resource policy must allow', () => {
    const rp = bucketPolicy({ AWS: `arn:aws:iam::${OTHER}:root` })
    const both = evaluate(
      request({ principal: carol, identityPolicies: [readAll], resourcePolicy: rp }),
    )
    assert.equal(both.decision, 'Allowed')
    assert.equal(both.crossAccount, true)
    assert.deepEqual(both.allowedBy, ['identity', 'resource'])

    const noIdentity = evaluate(
      request({ principal: carol, resourcePolicy: bucketPolicy({ AWS: carol.arn }) }),
    )
    assert.equal(noIdentity.decision, 'ImplicitlyDenied')
    assert.equal(noIdentity.decidedBy, 'identity')

    const noResource = evaluate(request({ principal: carol, identityPolicies: [readAll] }))
    assert.equal(noResource.decision, 'ImplicitlyDenied')
    assert.equal(noResource.decidedBy, 'resource')
  })

  test('the resource account is read from the ARN when not given', () => {
    const d = evaluate({
      principal: carol,
      action: 'iam:GetRole',
      resource: `arn:aws:iam::${ACCOUNT}:role/x`,
      context: new RequestContext(),
      identityPolicies: [allow({ Action: 'iam:*', Resource: '*' })],
    })
    assert.equal(d.crossAccount, true)
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'resource')
  })

  test("the caller's boundary still applies across accounts", () => {
    const rp = bucketPolicy({ AWS: carol.arn })
    const boundary = allow({ Action: 'ec2:*', Resource: '*' }, 'B', 'boundary')
    const d = evaluate(
      request({
        principal: carol,
        identityPolicies: [readAll],
        resourcePolicy: rp,
        permissionsBoundary: boundary,
      }),
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'boundary')
  })
})

describe('role trust policies [denyallow: trust policies must allow the principal]', () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/deploy`
  const trust = (principal: unknown, condition?: unknown) =>
    policy(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: principal,
            Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
            ...(condition === undefined ? {} : { Condition: condition }),
          },
        ],
      },
      'trust',
      'trust',
    )
  const assume = (over: Partial<EvaluationRequest>) =>
    evaluate({
      principal: bob,
      action: 'sts:AssumeRole',
      resource: role,
      context: new RequestContext(),
      identityPolicies: [],
      ...over,
    })
  const mayAssume = allow({ Action: 'sts:AssumeRole', Resource: role })

  test('a trust policy naming the user allows it within the account without identity policy', () => {
    const d = assume({ resourcePolicy: trust({ AWS: bob.arn }) })
    assert.equal(d.decision, 'Allowed')
    assert.equal(d.resourcePolicyKind, 'trust')
  })

  test('a trust policy naming the account needs an identity-based Allow', () => {
    const t = trust({ AWS: ACCOUNT })
    assert.equal(assume({ resourcePolicy: t }).decision, 'ImplicitlyDenied')
    const d = assume({ resourcePolicy: t, identityPolicies: [mayAssume] })
    assert.equal(d.decision, 'Allowed')
    assert.deepEqual(d.allowedBy, ['identity', 'resource'])
  })

  test('an identity-based Allow alone cannot assume a role whose trust does not name the caller', () => {
    const d = assume({
      resourcePolicy: trust({ AWS: `arn:aws:iam::${ACCOUNT}:user/eve` }),
      identityPolicies: [mayAssume],
    })
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'resource')
  })

  test('cross-account assume needs both the trust policy and the caller permission', () => {
    const carol = user('carol', OTHER)
    const t = trust({ AWS: `arn:aws:iam::${OTHER}:root` })
    assert.equal(assume({ principal: carol, resourcePolicy: t }).decision, 'ImplicitlyDenied')
    assert.equal(
      assume({ principal: carol, resourcePolicy: t, identityPolicies: [mayAssume] }).decision,
      'Allowed',
    )
  })

  test('web identity: the trust policy alone decides, with its conditions on token claims', () => {
    const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`
    const t = trust(
      { Federated: provider },
      {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: {
          'token.actions.githubusercontent.com:sub': 'repo:acme/*:ref:refs/heads/main',
        },
      },
    )
    const web: RequestPrincipal = { kind: 'web-identity', arn: provider, provider }
    const claims = (sub: string) =>
      new RequestContext({
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': sub,
      })
    const ok = assume({
      principal: web,
      action: 'sts:AssumeRoleWithWebIdentity',
      resourcePolicy: t,
      context: claims('repo:acme/api:ref:refs/heads/main'),
    })
    assert.equal(ok.decision, 'Allowed')
    const wrongBranch = assume({
      principal: web,
      action: 'sts:AssumeRoleWithWebIdentity',
      resourcePolicy: t,
      context: claims('repo:acme/api:ref:refs/heads/dev'),
    })
    assert.equal(wrongBranch.decision, 'ImplicitlyDenied')
    const otherProvider: RequestPrincipal = {
      ...web,
      provider: 'accounts.google.com',
      arn: 'accounts.google.com',
    }
    assert.equal(
      assume({
        principal: otherProvider,
        action: 'sts:AssumeRoleWithWebIdentity',
        resourcePolicy: t,
        context: claims('repo:acme/api:ref:refs/heads/main'),
      }).decision,
      'ImplicitlyDenied',
    )
  })

  test('a service principal is matched by name', () => {
    const t = trust({ Service: 'ec2.amazonaws.com' })
    const ec2: RequestPrincipal = {
      kind: 'service',
      arn: 'ec2.amazonaws.com',
      service: 'ec2.amazonaws.com',
    }
    const lambda: RequestPrincipal = {
      kind: 'service',
      arn: 'lambda.amazonaws.com',
      service: 'lambda.amazonaws.com',
    }
    assert.equal(assume({ principal: ec2, resourcePolicy: t }).decision, 'Allowed')
    assert.equal(assume({ principal: lambda, resourcePolicy: t }).decision, 'ImplicitlyDenied')
  })
})

describe('the account root user [denyallow: root has full access by default]', () => {
  test('needs no identity policy in its own account, but an explicit deny still denies', () => {
    const d = evaluate(request({ principal: root() }))
    assert.equal(d.decision, 'Allowed')
    assert.equal(d.decidedBy, 'root-user')
    assert.equal(
      evaluate(request({ principal: root(), resourcePolicy: bucketPolicy('*', 'Deny') })).decision,
      'ExplicitlyDenied',
    )
  })

  test('needs the resource policy across accounts', () => {
    assert.equal(evaluate(request({ principal: root(OTHER) })).decision, 'ImplicitlyDenied')
    const rp = bucketPolicy({ AWS: OTHER })
    assert.equal(
      evaluate(request({ principal: root(OTHER), resourcePolicy: rp })).decision,
      'Allowed',
    )
  })
})

describe('organization guardrails (the SCP/RCP slot) [denyallow]', () => {
  const full = allow({ Action: '*', Resource: '*' }, 'FullAWSAccess', 'scp')
  const noS3Delete = deny({ Action: 's3:Delete*', Resource: '*' }, 'NoDelete', 'scp')
  const onlyEc2 = allow({ Action: 'ec2:*', Resource: '*' }, 'OnlyEc2', 'scp')
  const admin = allow({ Action: '*', Resource: '*' })

  test('every level must allow; a Deny anywhere denies', () => {
    const scp = (levels: ReturnType<typeof allow>[][]) => ({ serviceControlPolicies: levels })
    assert.equal(
      evaluate(request({ identityPolicies: [admin], organizationPolicies: scp([[full], [full]]) }))
        .decision,
      'Allowed',
    )
    const implicit = evaluate(
      request({ identityPolicies: [admin], organizationPolicies: scp([[full], [onlyEc2]]) }),
    )
    assert.equal(implicit.decision, 'ImplicitlyDenied')
    assert.equal(implicit.decidedBy, 'scp')
    const explicit = evaluate(
      request({
        identityPolicies: [admin],
        action: 's3:DeleteObject',
        organizationPolicies: scp([[full, noS3Delete]]),
      }),
    )
    assert.equal(explicit.decision, 'ExplicitlyDenied')
    assert.equal(explicit.decidedBy, 'scp')
  })

  test('an SCP limits the root user too', () => {
    const d = evaluate(
      request({ principal: root(), organizationPolicies: { serviceControlPolicies: [[onlyEc2]] } }),
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'scp')
  })

  test('a resource control policy Deny denies', () => {
    const rcp = policy(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
      'RCP',
      'rcp',
    )
    const d = evaluate(
      request({
        identityPolicies: [admin],
        organizationPolicies: { resourceControlPolicies: [[rcp]] },
        context: new RequestContext({ 'aws:SecureTransport': false }),
      }),
    )
    assert.equal(d.decision, 'ExplicitlyDenied')
    assert.equal(d.decidedBy, 'rcp')
  })
})

describe('trace', () => {
  test('records every statement, what matched, and every condition with its values', () => {
    const p = policy(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Ec2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
          { Sid: 'OtherBucket', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::other/*' },
          {
            Sid: 'Tagged',
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalTag/team': ['red', 'blue'] } },
          },
        ],
      },
      'P',
    )
    const d = evaluate(
      request({
        identityPolicies: [p],
        context: new RequestContext({ 'aws:PrincipalTag/team': 'green' }),
      }),
      { trace: true },
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    const [trace] = d.trace!
    assert.equal(trace!.policyId, 'P')
    assert.equal(trace!.result, 'ImplicitlyDenied')
    assert.deepEqual(
      trace!.statements.map((s) => [s.sid, s.action, s.resource, s.matched]),
      [
        ['Ec2', false, undefined, false],
        ['OtherBucket', true, false, false],
        ['Tagged', true, true, false],
      ],
    )
    assert.deepEqual(trace!.statements[2]!.conditions, [
      {
        operator: 'StringEquals',
        key: 'aws:PrincipalTag/team',
        expected: ['red', 'blue'],
        actual: ['green'],
        result: false,
        missing: false,
      },
    ])
  })

  test('the traced and untraced decisions agree', () => {
    const p = allow({
      Action: 's3:*',
      Resource: '*',
      Condition: { StringLike: { 's3:prefix': 'a/*' } },
    })
    const r = request({
      identityPolicies: [p],
      context: new RequestContext({ 's3:prefix': 'a/b' }),
    })
    const plain = evaluate(r)
    const traced = evaluate(r, { trace: true })
    assert.equal(plain.trace, undefined)
    const rest = JSON.parse(JSON.stringify(traced)) as Partial<typeof traced>
    delete rest.trace
    assert.deepEqual(rest, JSON.parse(JSON.stringify(plain)))
    assert.equal(traced.summary, plain.summary)
  })
})

describe('rules above the policies (the decision corpus holds the cases; here, what they report)', () => {
  test('GetCallerIdentity is allowed under an explicit deny, and says why', () => {
    const d = evaluate(
      request({
        action: 'sts:GetCallerIdentity',
        resource: '*',
        identityPolicies: [deny({ Action: '*', Resource: '*' })],
      }),
    )
    assert.equal(d.decision, 'Allowed')
    assert.equal(d.decidedBy, 'always-allowed')
    assert.deepEqual(d.allowedBy, [])
    assert.match(d.summary, /AWS allows sts:GetCallerIdentity whatever the policies say/)
    assert.match(formatDecision(d), /decided by: no permission needed/)
  })

  test('a service-linked role write the policies allow is denied, and named protected', () => {
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`
    const d = evaluate(
      request({
        action: 'iam:DeleteRole',
        resource: slr,
        identityPolicies: [allow({ Action: '*', Resource: '*' })],
      }),
    )
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.protectedResource, 'service-linked-role')
    assert.equal(d.crossAccount, false)
    assert.match(d.summary, /service-linked role, whose permissions only its service can change/)
    // The statements that allowed it are still reported, as the trace of what the policies said.
    assert.equal(d.matchedStatements.length, 1)
  })

  test('a federated user without a session policy is denied by the missing session policy', () => {
    const dana: RequestPrincipal = {
      kind: 'federated-user',
      arn: `arn:aws:sts::${ACCOUNT}:federated-user/dana`,
      account: ACCOUNT,
    }
    const d = evaluate(request({ principal: dana, identityPolicies: [readAll] }))
    assert.equal(d.decision, 'ImplicitlyDenied')
    assert.equal(d.decidedBy, 'session')
  })
})
