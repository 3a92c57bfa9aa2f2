// Managed policies, their versions and attachments, AWS managed policies, and inline user and group
// policies through the real AWS CLI over a socket, with AWS's refusals word for word.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyVersionCommand,
  DetachRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { iamCli, tempFileUrl } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { iamSdk } from '../support/iam-sdk.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface Policy {
  PolicyName: string
  PolicyId: string
  Arn: string
  Path: string
  DefaultVersionId: string
  AttachmentCount: number
  PermissionsBoundaryUsageCount: number
  IsAttachable: boolean
  Description?: string
  Tags?: Array<{ Key: string; Value: string }>
}
interface PolicyVersion {
  VersionId: string
  IsDefaultVersion: boolean
  Document?: unknown
  CreateDate: string
}

const documentFor = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Only', Effect: 'Allow', Action: action, Resource: '*' }],
})

const S3_FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonS3FullAccess'

describe('AWS CLI: managed and inline policies', () => {
  let server: TestServer
  let cli: IamCli
  const deployArn = 'arn:aws:iam::123456789012:policy/ci/deploy'
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  const localPolicyNames = async () =>
    (await cli.ok<{ Policies: Policy[] }>('list-policies', '--scope', 'Local')).Policies.map(
      (policy) => policy.PolicyName,
    )

  test('versions: create, --set-as-default, the sixth refused, set-default, delete', async () => {
    const created = await cli.ok<{ Policy: Policy }>(
      'create-policy',
      '--policy-name',
      'deploy',
      '--path',
      '/ci/',
      '--policy-document',
      tempFileUrl('v1.json', documentFor('s3:GetObject')),
      '--description',
      'deploys things',
      '--tags',
      'Key=owner,Value=ci',
    )
    assert.equal(created.Policy.Arn, deployArn)
    assert.match(created.Policy.PolicyId, /^ANPA[A-Z2-7]{17}$/)
    assert.equal(created.Policy.DefaultVersionId, 'v1')
    assert.equal(created.Policy.AttachmentCount, 0)
    assert.equal(created.Policy.IsAttachable, true)
    assert.deepEqual(created.Policy.Tags, [{ Key: 'owner', Value: 'ci' }])

    const v2 = await cli.ok<{ PolicyVersion: PolicyVersion }>(
      'create-policy-version',
      '--policy-arn',
      deployArn,
      '--policy-document',
      tempFileUrl('v2.json', documentFor('s3:PutObject')),
      '--set-as-default',
    )
    assert.equal(v2.PolicyVersion.VersionId, 'v2')
    assert.equal(v2.PolicyVersion.IsDefaultVersion, true)
    const sdk = iamSdk(server.url, server.admin)
    for (const action of ['s3:DeleteObject', 's3:ListBucket', 's3:GetBucketPolicy']) {
      await sdk.send(
        new CreatePolicyVersionCommand({
          PolicyArn: deployArn,
          PolicyDocument: JSON.stringify(documentFor(action)),
        }),
      )
    }
    await cli.fails(
      {
        code: 'LimitExceeded',
        operation: 'CreatePolicyVersion',
        message:
          'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      },
      'create-policy-version',
      '--policy-arn',
      deployArn,
      '--policy-document',
      JSON.stringify(documentFor('s3:*')),
    )
    const versions = await cli.ok<{ Versions: PolicyVersion[] }>(
      'list-policy-versions',
      '--policy-arn',
      deployArn,
    )
    assert.deepEqual(
      versions.Versions.map((version) => [version.VersionId, version.IsDefaultVersion]).toSorted(),
      [
        ['v1', false],
        ['v2', true],
        ['v3', false],
        ['v4', false],
        ['v5', false],
      ],
    )

    await cli.ok('set-default-policy-version', '--policy-arn', deployArn, '--version-id', 'v4')
    const policy = await cli.ok<{ Policy: Policy }>('get-policy', '--policy-arn', deployArn)
    assert.equal(policy.Policy.DefaultVersionId, 'v4')
    assert.equal(policy.Policy.Description, 'deploys things')
    const v4 = await cli.ok<{ PolicyVersion: PolicyVersion }>(
      'get-policy-version',
      '--policy-arn',
      deployArn,
      '--version-id',
      'v4',
    )
    assert.deepEqual(v4.PolicyVersion.Document, documentFor('s3:ListBucket'))
    assert.equal(v4.PolicyVersion.IsDefaultVersion, true)

    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeletePolicyVersion',
        message: 'Cannot delete the default version of a policy.',
      },
      'delete-policy-version',
      '--policy-arn',
      deployArn,
      '--version-id',
      'v4',
    )
    await cli.ok('delete-policy-version', '--policy-arn', deployArn, '--version-id', 'v1')
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetPolicyVersion',
        message: `Policy ${deployArn} version v1 does not exist or is not attachable.`,
      },
      'get-policy-version',
      '--policy-arn',
      deployArn,
      '--version-id',
      'v1',
    )
  })

  test('AWS managed: AmazonS3FullAccess and its real document', async () => {
    const policy = await cli.ok<{ Policy: Policy }>('get-policy', '--policy-arn', S3_FULL_ACCESS)
    assert.equal(policy.Policy.PolicyName, 'AmazonS3FullAccess')
    assert.equal(policy.Policy.Path, '/')
    assert.equal(policy.Policy.IsAttachable, true)
    const version = await cli.ok<{ PolicyVersion: PolicyVersion }>(
      'get-policy-version',
      '--policy-arn',
      S3_FULL_ACCESS,
      '--version-id',
      policy.Policy.DefaultVersionId,
    )
    assert.equal(version.PolicyVersion.IsDefaultVersion, true)
    assert.deepEqual(version.PolicyVersion.Document, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
    })
  })

  test('attach to a user, a group and a role; list attached and entities; detach; delete', async () => {
    // Creating entities and attach-role-policy through the CLI are covered in the other files.
    const sdk = iamSdk(server.url, server.admin)
    await sdk.send(
      new CreateRoleCommand({
        RoleName: 'runner',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    )
    await sdk.send(new AttachRolePolicyCommand({ RoleName: 'runner', PolicyArn: deployArn }))
    await sdk.send(new CreateUserCommand({ UserName: 'dev' }))
    await sdk.send(new CreateGroupCommand({ GroupName: 'devs' }))
    await cli.ok('attach-user-policy', '--user-name', 'dev', '--policy-arn', deployArn)
    await cli.ok('attach-group-policy', '--group-name', 'devs', '--policy-arn', deployArn)
    await cli.ok('attach-user-policy', '--user-name', 'dev', '--policy-arn', S3_FULL_ACCESS)

    const forUser = await cli.ok<{ AttachedPolicies: unknown[] }>(
      'list-attached-user-policies',
      '--user-name',
      'dev',
    )
    assert.deepEqual(
      forUser.AttachedPolicies.toSorted((a, b) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
      [
        { PolicyName: 'AmazonS3FullAccess', PolicyArn: S3_FULL_ACCESS },
        { PolicyName: 'deploy', PolicyArn: deployArn },
      ],
    )
    const forGroup = await cli.ok<{ AttachedPolicies: unknown[] }>(
      'list-attached-group-policies',
      '--group-name',
      'devs',
    )
    assert.deepEqual(forGroup.AttachedPolicies, [{ PolicyName: 'deploy', PolicyArn: deployArn }])

    const entities = await cli.ok<{
      PolicyGroups: Array<{ GroupName: string; GroupId: string }>
      PolicyUsers: Array<{ UserName: string; UserId: string }>
      PolicyRoles: Array<{ RoleName: string; RoleId: string }>
    }>('list-entities-for-policy', '--policy-arn', deployArn)
    assert.deepEqual(
      entities.PolicyUsers.map((user) => user.UserName),
      ['dev'],
    )
    assert.deepEqual(
      entities.PolicyGroups.map((group) => group.GroupName),
      ['devs'],
    )
    assert.deepEqual(
      entities.PolicyRoles.map((role) => role.RoleName),
      ['runner'],
    )
    assert.match(entities.PolicyRoles[0]?.RoleId ?? '', /^AROA/)
    const counted = await cli.ok<{ Policy: Policy }>('get-policy', '--policy-arn', deployArn)
    assert.equal(counted.Policy.AttachmentCount, 3)

    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeletePolicy',
        message: 'Cannot delete a policy attached to entities.',
      },
      'delete-policy',
      '--policy-arn',
      deployArn,
    )
    await cli.ok('detach-user-policy', '--user-name', 'dev', '--policy-arn', deployArn)
    await cli.ok('detach-group-policy', '--group-name', 'devs', '--policy-arn', deployArn)
    await sdk.send(new DetachRolePolicyCommand({ RoleName: 'runner', PolicyArn: deployArn }))
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'DetachGroupPolicy',
        message: `Policy ${deployArn} was not found.`,
      },
      'detach-group-policy',
      '--group-name',
      'devs',
      '--policy-arn',
      deployArn,
    )
    const none = await cli.ok<{
      PolicyUsers: unknown[]
      PolicyGroups: unknown[]
      PolicyRoles: unknown[]
    }>('list-entities-for-policy', '--policy-arn', deployArn)
    assert.deepEqual([none.PolicyUsers, none.PolicyGroups, none.PolicyRoles], [[], [], []])

    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeletePolicy',
        message:
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      },
      'delete-policy',
      '--policy-arn',
      deployArn,
    )
    for (const id of ['v2', 'v3', 'v5']) {
      await sdk.send(new DeletePolicyVersionCommand({ PolicyArn: deployArn, VersionId: id }))
    }
    await cli.ok('delete-policy', '--policy-arn', deployArn)
    assert.deepEqual(await localPolicyNames(), [])
  })

  test('inline user and group policies: put from a file, get as JSON, list, delete', async () => {
    const document = documentFor('sqs:SendMessage')
    const file = tempFileUrl('inline.json', document)
    for (const [kind, name] of [
      ['user', 'dev'],
      ['group', 'devs'],
    ] as const) {
      const Kind = kind === 'user' ? 'User' : 'Group'
      const entity = [`--${kind}-name`, name]
      await cli.ok(
        `put-${kind}-policy`,
        ...entity,
        '--policy-name',
        'send',
        '--policy-document',
        file,
      )
      const got = await cli.ok(`get-${kind}-policy`, ...entity, '--policy-name', 'send')
      assert.deepEqual(got, { [`${Kind}Name`]: name, PolicyName: 'send', PolicyDocument: document })
      const listed = await cli.ok<{ PolicyNames: string[] }>(`list-${kind}-policies`, ...entity)
      assert.deepEqual(listed.PolicyNames, ['send'])
      await cli.ok(`delete-${kind}-policy`, ...entity, '--policy-name', 'send')
      await cli.fails(
        {
          code: 'NoSuchEntity',
          operation: `Get${Kind}Policy`,
          message: `The ${kind} policy with name send cannot be found.`,
        },
        `get-${kind}-policy`,
        ...entity,
        '--policy-name',
        'send',
      )
    }
  })

  test('malformed documents, a missing policy and a duplicate are refused; nothing is written', async () => {
    await cli.ok(
      'create-policy',
      '--policy-name',
      'keeper',
      '--policy-document',
      JSON.stringify(documentFor('s3:*')),
    )
    const before = await localPolicyNames()
    const noResource = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }],
    })
    await Promise.all([
      cli.fails(
        {
          code: 'MalformedPolicyDocument',
          operation: 'CreatePolicy',
          message: 'Policy statement must contain resources.',
        },
        'create-policy',
        '--policy-name',
        'broken',
        '--policy-document',
        noResource,
      ),
      cli.fails(
        {
          code: 'MalformedPolicyDocument',
          operation: 'PutUserPolicy',
          message: 'Policy statement must contain resources.',
        },
        'put-user-policy',
        '--user-name',
        'dev',
        '--policy-name',
        'broken',
        '--policy-document',
        noResource,
      ),
      cli.fails(
        {
          code: 'EntityAlreadyExists',
          operation: 'CreatePolicy',
          message: 'A policy called keeper already exists. Duplicate names are not allowed.',
        },
        'create-policy',
        '--policy-name',
        'keeper',
        '--policy-document',
        JSON.stringify(documentFor('s3:GetObject')),
      ),
      cli.fails(
        {
          code: 'NoSuchEntity',
          operation: 'AttachUserPolicy',
          message:
            'Policy arn:aws:iam::123456789012:policy/nothing does not exist or is not attachable.',
        },
        'attach-user-policy',
        '--user-name',
        'dev',
        '--policy-arn',
        'arn:aws:iam::123456789012:policy/nothing',
      ),
    ])
    assert.deepEqual(await localPolicyNames(), before)
    const inline = await cli.ok<{ PolicyNames: string[] }>(
      'list-user-policies',
      '--user-name',
      'dev',
    )
    assert.deepEqual(inline.PolicyNames, [])
    const keeper = await cli.ok<{ PolicyVersion: PolicyVersion }>(
      'get-policy-version',
      '--policy-arn',
      'arn:aws:iam::123456789012:policy/keeper',
      '--version-id',
      'v1',
    )
    assert.deepEqual(keeper.PolicyVersion.Document, documentFor('s3:*'))
  })
})
