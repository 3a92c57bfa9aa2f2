// Service-linked roles through the real AWS CLI over a socket: the role AWS would create, with its
// policy attached, the suffix rules in AWS's words, and deletion through a task id.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface Role {
  Path: string
  RoleName: string
  RoleId: string
  Arn: string
  AssumeRolePolicyDocument: unknown
  Description?: string
}

describe('AWS CLI: service-linked roles', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  test('create, read, refuse a second and a suffix, delete through a task', async () => {
    const created = await cli.ok<{ Role: Role }>(
      'create-service-linked-role',
      '--aws-service-name',
      'elasticloadbalancing.amazonaws.com',
      '--description',
      'load balancers',
    )
    const { Role: role } = created
    assert.equal(role.RoleName, 'AWSServiceRoleForElasticLoadBalancing')
    assert.equal(role.Path, '/aws-service-role/elasticloadbalancing.amazonaws.com/')
    assert.equal(
      role.Arn,
      'arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing',
    )
    assert.deepEqual(role.AssumeRolePolicyDocument, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'elasticloadbalancing.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    })
    const got = await cli.ok<{ Role: Role }>('get-role', '--role-name', role.RoleName)
    assert.equal(got.Role.Description, 'load balancers')
    const attached = await cli.ok<{ AttachedPolicies: unknown[] }>(
      'list-attached-role-policies',
      '--role-name',
      role.RoleName,
    )
    assert.deepEqual(attached.AttachedPolicies, [
      {
        PolicyName: 'AWSElasticLoadBalancingServiceRolePolicy',
        PolicyArn:
          'arn:aws:iam::aws:policy/aws-service-role/AWSElasticLoadBalancingServiceRolePolicy',
      },
    ])
    const listed = await cli.ok<{ Roles: Role[] }>(
      'list-roles',
      '--path-prefix',
      '/aws-service-role/',
    )
    assert.deepEqual(
      listed.Roles.map((r) => r.RoleName),
      ['AWSServiceRoleForElasticLoadBalancing'],
    )

    await cli.fails(
      {
        code: 'InvalidInput',
        operation: 'CreateServiceLinkedRole',
        message:
          'Service role name AWSServiceRoleForElasticLoadBalancing has been taken in this account, please try a different suffix.',
      },
      'create-service-linked-role',
      '--aws-service-name',
      'elasticloadbalancing.amazonaws.com',
    )
    await cli.fails(
      {
        code: 'InvalidInput',
        operation: 'CreateServiceLinkedRole',
        message: 'Custom suffix is not allowed for elasticloadbalancing.amazonaws.com',
      },
      'create-service-linked-role',
      '--aws-service-name',
      'elasticloadbalancing.amazonaws.com',
      '--custom-suffix',
      'two',
    )

    const deleted = await cli.ok<{ DeletionTaskId: string }>(
      'delete-service-linked-role',
      '--role-name',
      role.RoleName,
    )
    assert.match(
      deleted.DeletionTaskId,
      /^task\/aws-service-role\/elasticloadbalancing\.amazonaws\.com\/AWSServiceRoleForElasticLoadBalancing\/[0-9a-f-]{36}$/,
    )
    const status = await cli.ok<{ Status: string }>(
      'get-service-linked-role-deletion-status',
      '--deletion-task-id',
      deleted.DeletionTaskId,
    )
    assert.deepEqual(status, { Status: 'SUCCEEDED' })
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetRole',
        message: 'The role with name AWSServiceRoleForElasticLoadBalancing cannot be found.',
      },
      'get-role',
      '--role-name',
      role.RoleName,
    )
  })

  test('a service that takes a suffix, twice with different suffixes', async () => {
    for (const suffix of ['blue', 'green']) {
      const { Role: role } = await cli.ok<{ Role: Role }>(
        'create-service-linked-role',
        '--aws-service-name',
        'autoscaling.amazonaws.com',
        '--custom-suffix',
        suffix,
      )
      assert.equal(role.RoleName, `AWSServiceRoleForAutoScaling_${suffix}`)
    }
    const listed = await cli.ok<{ Roles: Role[] }>(
      'list-roles',
      '--path-prefix',
      '/aws-service-role/autoscaling.amazonaws.com/',
    )
    assert.deepEqual(
      listed.Roles.map((r) => r.RoleName),
      ['AWSServiceRoleForAutoScaling_blue', 'AWSServiceRoleForAutoScaling_green'],
    )
  })
})
