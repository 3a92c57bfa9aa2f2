// Roles through the real AWS CLI over a socket: trust policies from files come back decoded as
// JSON, updates, tags, permissions boundaries, inline policies, and AWS's refusals word for word.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CreatePolicyCommand } from '@aws-sdk/client-iam'
import { iamCli, tempFileUrl } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { iamSdk } from '../support/iam-sdk.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface Role {
  Path: string
  RoleName: string
  RoleId: string
  Arn: string
  CreateDate: string
  AssumeRolePolicyDocument: unknown
  Description?: string
  MaxSessionDuration?: number
  PermissionsBoundary?: { PermissionsBoundaryType: string; PermissionsBoundaryArn: string }
  Tags?: Array<{ Key: string; Value: string }>
  RoleLastUsed?: Record<string, unknown>
}

const trustEc2 = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
}
const trustAccount = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AccountRoot',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'sts:ExternalId': 'abc' } },
    },
  ],
}
const readBuckets = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }],
}

describe('AWS CLI: roles', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  const roleNames = async (...args: string[]) =>
    (await cli.ok<{ Roles: Role[] }>('list-roles', ...args)).Roles.map((role) => role.RoleName)

  test('create from a file://, get and list show the trust policy as JSON; update and tag', async () => {
    const created = await cli.ok<{ Role: Role }>(
      'create-role',
      '--role-name',
      'app',
      '--path',
      '/svc/',
      '--assume-role-policy-document',
      tempFileUrl('trust.json', JSON.stringify(trustEc2, null, 2)),
      '--description',
      'the app',
      '--max-session-duration',
      '7200',
      '--tags',
      'Key=team,Value=core',
    )
    assert.equal(created.Role.Arn, 'arn:aws:iam::123456789012:role/svc/app')
    assert.match(created.Role.RoleId, /^AROA[A-Z2-7]{17}$/)
    assert.deepEqual(created.Role.AssumeRolePolicyDocument, trustEc2)

    await cli.ok(
      'create-role',
      '--role-name',
      'other',
      '--assume-role-policy-document',
      JSON.stringify(trustEc2),
    )
    const got = await cli.ok<{ Role: Role }>('get-role', '--role-name', 'app')
    assert.deepEqual(got.Role.AssumeRolePolicyDocument, trustEc2)
    assert.equal(got.Role.RoleId, created.Role.RoleId)
    assert.equal(got.Role.Description, 'the app')
    assert.equal(got.Role.MaxSessionDuration, 7200)
    assert.deepEqual(got.Role.Tags, [{ Key: 'team', Value: 'core' }])
    assert.deepEqual(got.Role.RoleLastUsed, {})

    assert.deepEqual(await roleNames('--path-prefix', '/svc/'), ['app'])
    assert.deepEqual((await roleNames()).toSorted(), ['app', 'other'])

    await cli.ok(
      'update-role',
      '--role-name',
      'app',
      '--description',
      'renamed purpose',
      '--max-session-duration',
      '3600',
    )
    await cli.ok(
      'update-assume-role-policy',
      '--role-name',
      'app',
      '--policy-document',
      tempFileUrl('trust2.json', trustAccount),
    )
    await cli.ok('tag-role', '--role-name', 'app', '--tags', 'Key=env,Value=prod')
    await cli.ok('untag-role', '--role-name', 'app', '--tag-keys', 'team')
    const updated = await cli.ok<{ Role: Role }>('get-role', '--role-name', 'app')
    assert.equal(updated.Role.Description, 'renamed purpose')
    assert.equal(updated.Role.MaxSessionDuration, 3600)
    assert.deepEqual(updated.Role.AssumeRolePolicyDocument, trustAccount)
    const tags = await cli.ok<{ Tags: unknown[] }>('list-role-tags', '--role-name', 'app')
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'prod' }])
  })

  test('a permissions boundary is put, shown by get-role, and removed', async () => {
    const sdk = iamSdk(server.url, server.admin)
    const policy = await sdk.send(
      new CreatePolicyCommand({
        PolicyName: 'boundary',
        PolicyDocument: JSON.stringify(readBuckets),
      }),
    )
    const boundaryArn = policy.Policy?.Arn ?? ''
    assert.equal(boundaryArn, 'arn:aws:iam::123456789012:policy/boundary')
    await cli.ok(
      'put-role-permissions-boundary',
      '--role-name',
      'app',
      '--permissions-boundary',
      boundaryArn,
    )
    const bounded = await cli.ok<{ Role: Role }>('get-role', '--role-name', 'app')
    assert.deepEqual(bounded.Role.PermissionsBoundary, {
      PermissionsBoundaryType: 'Policy',
      PermissionsBoundaryArn: boundaryArn,
    })
    await cli.ok('delete-role-permissions-boundary', '--role-name', 'app')
    const unbounded = await cli.ok<{ Role: Role }>('get-role', '--role-name', 'app')
    assert.equal(unbounded.Role.PermissionsBoundary, undefined)
  })

  test('inline role policies: put from a file, get as JSON, list, delete', async () => {
    await cli.ok(
      'put-role-policy',
      '--role-name',
      'app',
      '--policy-name',
      'read-buckets',
      '--policy-document',
      tempFileUrl('inline.json', readBuckets),
    )
    const got = await cli.ok<{ RoleName: string; PolicyName: string; PolicyDocument: unknown }>(
      'get-role-policy',
      '--role-name',
      'app',
      '--policy-name',
      'read-buckets',
    )
    assert.deepEqual(got, {
      RoleName: 'app',
      PolicyName: 'read-buckets',
      PolicyDocument: readBuckets,
    })
    const listed = await cli.ok<{ PolicyNames: string[] }>(
      'list-role-policies',
      '--role-name',
      'app',
    )
    assert.deepEqual(listed.PolicyNames, ['read-buckets'])
    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteRole',
        message: 'Cannot delete entity, must delete policies first.',
      },
      'delete-role',
      '--role-name',
      'app',
    )
    await cli.ok('delete-role-policy', '--role-name', 'app', '--policy-name', 'read-buckets')
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetRolePolicy',
        message: 'The role policy with name read-buckets cannot be found.',
      },
      'get-role-policy',
      '--role-name',
      'app',
      '--policy-name',
      'read-buckets',
    )
  })

  test('DeleteRole is refused while a managed policy is attached, then succeeds', async () => {
    const policyArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
    await cli.ok('attach-role-policy', '--role-name', 'app', '--policy-arn', policyArn)
    const attached = await cli.ok<{ AttachedPolicies: unknown[] }>(
      'list-attached-role-policies',
      '--role-name',
      'app',
    )
    assert.deepEqual(attached.AttachedPolicies, [
      { PolicyName: 'ReadOnlyAccess', PolicyArn: policyArn },
    ])
    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteRole',
        message: 'Cannot delete entity, must detach all policies first.',
      },
      'delete-role',
      '--role-name',
      'app',
    )
    assert.deepEqual((await roleNames()).toSorted(), ['app', 'other'])
    await cli.ok('detach-role-policy', '--role-name', 'app', '--policy-arn', policyArn)
    await cli.ok('delete-role', '--role-name', 'app')
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetRole',
        message: 'The role with name app cannot be found.',
      },
      'get-role',
      '--role-name',
      'app',
    )
  })

  test('bad trust policies and duplicates are refused with AWS messages and write nothing', async () => {
    const before = await roleNames()
    const refusals: Array<[string, string, string]> = [
      [
        'bad-json',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",}]}',
        'This policy contains invalid Json',
      ],
      [
        'with-resource',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ ...trustEc2.Statement[0], Resource: '*' }],
        }),
        'Has prohibited field Resource',
      ],
    ]
    await Promise.all(
      refusals.map(([name, document, message]) =>
        cli.fails(
          { code: 'MalformedPolicyDocument', operation: 'CreateRole', message },
          'create-role',
          '--role-name',
          name,
          '--assume-role-policy-document',
          document,
        ),
      ),
    )
    await cli.fails(
      {
        code: 'EntityAlreadyExists',
        operation: 'CreateRole',
        message: 'Role with name other already exists.',
      },
      'create-role',
      '--role-name',
      'other',
      '--assume-role-policy-document',
      JSON.stringify(trustAccount),
    )
    assert.deepEqual(await roleNames(), before)
    const other = await cli.ok<{ Role: Role }>('get-role', '--role-name', 'other')
    assert.deepEqual(other.Role.AssumeRolePolicyDocument, trustEc2)
  })
})
