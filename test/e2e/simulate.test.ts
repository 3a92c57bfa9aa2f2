// The policy simulator through the real AWS CLI over a socket: simulate-principal-policy (with
// context entries and the CLI's own paging), simulate-custom-policy and
// get-context-keys-for-custom-policy as AWS's documentation shows them, refusals, authorisation,
// and `rolegate explain` reading the data directory of the running server.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../../src/cli/run-cli.js'
import { awsCli, json } from '../support/aws-cli.js'
import type { ClientEnvironment } from '../support/aws-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface Statement {
  SourcePolicyId: string
  SourcePolicyType: string
  StartPosition: { Line: number; Column: number }
  EndPosition: { Line: number; Column: number }
}
interface EvaluationResult {
  EvalActionName: string
  EvalResourceName: string
  EvalDecision: string
  MatchedStatements: Statement[]
  MissingContextValues: string[]
  PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary: boolean }
  EvalDecisionDetails?: Record<string, string>
  ResourceSpecificResults?: {
    EvalResourceName: string
    EvalResourceDecision: string
    MatchedStatements: Statement[]
    MissingContextValues: string[]
  }[]
}
interface Simulation {
  EvaluationResults: EvaluationResult[]
  IsTruncated?: boolean
  Marker?: string
}

// The AWS CLI documentation's own example policies (awscli/examples/iam/simulate-custom-policy.rst
// and get-context-keys-for-custom-policy.rst).
const DYNAMO_AFTER =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
const DYNAMO_USER_TABLE =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}'

describe('AWS CLI: the IAM policy simulator', () => {
  let server: TestServer
  let admin: ClientEnvironment
  let alice: string
  const iam = (target: ClientEnvironment, ...args: string[]) => awsCli(target, ['iam', ...args])
  const ok = async <T>(...args: string[]) => json<T>(await iam(admin, ...args))

  before(async () => {
    server = await startTestServer()
    admin = { endpoint: server.url, credentials: server.admin }
    alice = `arn:aws:iam::${server.accountId}:user/alice`
    await ok('create-user', '--user-name', 'alice')
    await ok(
      'put-user-policy',
      '--user-name',
      'alice',
      '--policy-name',
      'office-only',
      '--policy-document',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::reports/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}',
    )
    await ok('create-group', '--group-name', 'auditors')
    await ok('add-user-to-group', '--group-name', 'auditors', '--user-name', 'alice')
    await ok(
      'attach-group-policy',
      '--group-name',
      'auditors',
      '--policy-arn',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    )
  })
  after(() => server.cleanup())

  test('simulate-principal-policy: context entries, group policies, per-resource results', async () => {
    const out = await ok<Simulation>(
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      's3:GetObject',
      'iam:GetRole',
      '--resource-arns',
      'arn:aws:s3:::reports/q1.csv',
      '--context-entries',
      'ContextKeyName=aws:SourceIp,ContextKeyValues=10.20.30.40,ContextKeyType=ip',
    )
    // The CLI pages on its own and prints neither IsTruncated nor Marker.
    assert.equal(out.IsTruncated, undefined)
    const [s3, iamRead] = out.EvaluationResults
    assert.deepEqual(s3, {
      EvalActionName: 's3:GetObject',
      EvalResourceName: 'arn:aws:s3:::reports/q1.csv',
      EvalDecision: 'allowed',
      MatchedStatements: [
        {
          SourcePolicyId: 'user_alice_office-only',
          SourcePolicyType: 'IAM Policy',
          // The statement's braces sit at columns 38 and 188; AWS reports one past each.
          StartPosition: { Line: 1, Column: 39 },
          EndPosition: { Line: 1, Column: 189 },
        },
      ],
      MissingContextValues: [],
      EvalDecisionDetails: {},
      ResourceSpecificResults: [
        {
          EvalResourceName: 'arn:aws:s3:::reports/q1.csv',
          EvalResourceDecision: 'allowed',
          MatchedStatements: s3?.MatchedStatements,
          MissingContextValues: [],
        },
      ],
    })
    assert.equal(iamRead?.EvalDecision, 'allowed')
    assert.equal(iamRead?.MatchedStatements[0]?.SourcePolicyId, 'IAMReadOnlyAccess')

    // Outside the office range the same call is denied, and without the key it is reported missing.
    const away = await ok<Simulation>(
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      's3:GetObject',
      '--context-entries',
      'ContextKeyName=aws:SourceIp,ContextKeyValues=192.0.2.1,ContextKeyType=ip',
    )
    assert.equal(away.EvaluationResults[0]?.EvalDecision, 'implicitDeny')
    const unknown = await ok<Simulation>(
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      's3:GetObject',
      '--resource-arns',
      'arn:aws:s3:::reports/q1.csv',
    )
    const [onlyResult] = unknown.EvaluationResults
    assert.deepEqual(onlyResult?.MissingContextValues, [])
    assert.deepEqual(onlyResult?.ResourceSpecificResults?.[0]?.MissingContextValues, [
      'aws:SourceIp',
    ])
  })

  test("the CLI pages through simulate-principal-policy's Marker", async () => {
    const actions = [
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      'iam:GetUser',
      'iam:CreateUser',
    ]
    const out = await ok<Simulation>(
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      ...actions,
      '--page-size',
      '2',
    )
    assert.deepEqual(
      out.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision]),
      [
        ['s3:GetObject', 'implicitDeny'],
        ['s3:PutObject', 'implicitDeny'],
        ['s3:DeleteObject', 'implicitDeny'],
        ['iam:GetUser', 'allowed'],
        ['iam:CreateUser', 'implicitDeny'],
      ],
    )
    const first = await ok<Simulation>(
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      ...actions,
      '--max-items',
      '2',
    )
    assert.equal(first.EvaluationResults.length, 2)
    assert.equal(typeof (first as { NextToken?: string }).NextToken, 'string')
  })

  test('simulate-custom-policy answers the AWS CLI documentation examples', async () => {
    const simulate = (time: string) =>
      ok<Simulation>(
        'simulate-custom-policy',
        '--policy-input-list',
        DYNAMO_AFTER,
        '--action-names',
        'dynamodb:CreateBackup',
        '--context-entries',
        `ContextKeyName='aws:CurrentTime',ContextKeyValues='${time}',ContextKeyType=date`,
      )
    assert.deepEqual(await simulate('2019-04-25T11:00:00Z'), {
      EvaluationResults: [
        {
          EvalActionName: 'dynamodb:CreateBackup',
          EvalResourceName: '*',
          EvalDecision: 'allowed',
          MatchedStatements: [
            {
              SourcePolicyId: 'PolicyInputList.1',
              SourcePolicyType: 'IAM Policy',
              StartPosition: { Line: 1, Column: 38 },
              EndPosition: { Line: 1, Column: 167 },
            },
          ],
          MissingContextValues: [],
        },
      ],
    })
    assert.deepEqual(await simulate('2014-04-25T11:00:00Z'), {
      EvaluationResults: [
        {
          EvalActionName: 'dynamodb:CreateBackup',
          EvalResourceName: '*',
          EvalDecision: 'implicitDeny',
          MatchedStatements: [],
          MissingContextValues: [],
        },
      ],
    })
  })

  test('get-context-keys-for-custom-policy answers the documentation example', async () => {
    assert.deepEqual(
      await ok('get-context-keys-for-custom-policy', '--policy-input-list', DYNAMO_USER_TABLE),
      { ContextKeyNames: ['aws:username', 'aws:CurrentTime'] },
    )
    assert.deepEqual(
      await ok('get-context-keys-for-principal-policy', '--policy-source-arn', alice),
      { ContextKeyNames: ['aws:SourceIp'] },
    )
  })

  test('refusals: the exact error lines', async () => {
    const missing = await iam(
      admin,
      'simulate-principal-policy',
      '--policy-source-arn',
      `arn:aws:iam::${server.accountId}:user/nobody`,
      '--action-names',
      's3:GetObject',
    )
    assert.notEqual(missing.code, 0)
    assert.equal(
      missing.stderr.trim(),
      'An error occurred (NoSuchEntity) when calling the SimulatePrincipalPolicy operation: The user with name nobody cannot be found.',
    )
    const malformed = await iam(
      admin,
      'simulate-custom-policy',
      '--policy-input-list',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}',
      '--action-names',
      's3:GetObject',
    )
    assert.notEqual(malformed.code, 0)
    assert.match(
      malformed.stderr.trim(),
      /^An error occurred \(InvalidInput\) when calling the SimulateCustomPolicy operation: /,
    )
  })

  test('callers need iam:SimulatePrincipalPolicy on the source entity, or on * for custom', async () => {
    await ok('create-user', '--user-name', 'bob')
    const key = (
      await ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(
        'create-access-key',
        '--user-name',
        'bob',
      )
    ).AccessKey
    const bob: ClientEnvironment = {
      endpoint: server.url,
      credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    }
    const bobArn = `arn:aws:iam::${server.accountId}:user/bob`
    const denied = await iam(
      bob,
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      's3:GetObject',
    )
    assert.notEqual(denied.code, 0)
    assert.match(
      denied.stderr,
      new RegExp(
        `\\(AccessDenied\\) when calling the SimulatePrincipalPolicy operation: User: ${bobArn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${alice} `,
      ),
    )
    await ok(
      'put-user-policy',
      '--user-name',
      'bob',
      '--policy-name',
      'simulate-alice',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: alice }],
      }),
    )
    const allowed = await iam(
      bob,
      'simulate-principal-policy',
      '--policy-source-arn',
      alice,
      '--action-names',
      'iam:GetUser',
    )
    assert.equal(allowed.code, 0, allowed.stderr)
    const custom = await iam(
      bob,
      'simulate-custom-policy',
      '--policy-input-list',
      DYNAMO_AFTER,
      '--action-names',
      'dynamodb:CreateBackup',
    )
    assert.match(
      custom.stderr,
      /iam:SimulateCustomPolicy on resource: \* because no identity-based policy allows/,
    )
  })

  test('rolegate explain reads the running server’s data and shows the trace', async () => {
    let out = ''
    let err = ''
    const code = await runCli(
      [
        'explain',
        '--principal',
        alice,
        '--action',
        's3:PutObject',
        '--resource',
        'arn:aws:s3:::reports/q2.csv',
        '--context',
        'aws:SourceIp=192.0.2.1',
        '--data',
        server.dataDir,
      ],
      { out: (text) => (out += text), err: (text) => (err += text), env: {} },
    )
    assert.equal(code, 3, err)
    assert.match(out, /^IMPLICITLY DENIED {2}s3:PutObject on arn:aws:s3:::reports\/q2\.csv$/m)
    assert.match(out, /^identity-based policy user_alice_office-only: ImplicitlyDenied$/m)
    assert.match(
      out,
      /- IpAddress aws:SourceIp: expected \["10\.0\.0\.0\/8"\], actual \["192\.0\.2\.1"\]/,
    )
    assert.match(out, /^identity-based policy IAMReadOnlyAccess: ImplicitlyDenied$/m)
    // The server keeps serving (and writing) while explain has read its database.
    await ok('create-user', '--user-name', 'carol')
  })
})
