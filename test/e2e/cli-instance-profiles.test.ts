// Instance profiles through the real AWS CLI over a socket: create with a path and tags, get,
// list (by path, by role, paged by the CLI), add and remove the one role, tag, untag, delete,
// their place in get-account-authorization-details, and AWS's refusals word for word.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
}

interface Role {
  Path: string
  RoleName: string
  RoleId: string
  Arn: string
  CreateDate: string
  AssumeRolePolicyDocument: unknown
}

interface InstanceProfile {
  Path: string
  InstanceProfileName: string
  InstanceProfileId: string
  Arn: string
  CreateDate: string
  Roles: Role[]
  Tags?: { Key: string; Value: string }[]
}

describe('AWS CLI: instance profiles', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
    for (const role of ['S3Access', 'Other']) {
      await cli.ok(
        'create-role',
        '--role-name',
        role,
        '--assume-role-policy-document',
        JSON.stringify(TRUST),
      )
    }
  })
  after(() => server.cleanup())

  const profileNames = async (...args: string[]) =>
    (await cli.ok<{ InstanceProfiles: InstanceProfile[] }>(...args)).InstanceProfiles.map(
      (profile) => profile.InstanceProfileName,
    )

  test('create, add the role, get, list, tag, untag, remove the role and delete', async () => {
    const created = await cli.ok<{ InstanceProfile: InstanceProfile }>(
      'create-instance-profile',
      '--instance-profile-name',
      'Webserver',
      '--path',
      '/web/',
      '--tags',
      'Key=team,Value=core',
    )
    assert.match(created.InstanceProfile.InstanceProfileId, /^AIPA[A-Z2-7]{17}$/)
    assert.equal(
      created.InstanceProfile.Arn,
      `arn:aws:iam::${ACCOUNT}:instance-profile/web/Webserver`,
    )
    assert.deepEqual(created.InstanceProfile.Roles, [])
    assert.deepEqual(created.InstanceProfile.Tags, [{ Key: 'team', Value: 'core' }])

    await cli.ok(
      'add-role-to-instance-profile',
      '--instance-profile-name',
      'Webserver',
      '--role-name',
      'S3Access',
    )
    const got = await cli.ok<{ InstanceProfile: InstanceProfile }>(
      'get-instance-profile',
      '--instance-profile-name',
      'Webserver',
    )
    assert.equal(got.InstanceProfile.InstanceProfileId, created.InstanceProfile.InstanceProfileId)
    const [role] = got.InstanceProfile.Roles
    assert.equal(role?.RoleName, 'S3Access')
    assert.equal(role?.Arn, `arn:aws:iam::${ACCOUNT}:role/S3Access`)
    assert.match(role?.RoleId ?? '', /^AROA/)
    // The CLI decodes the URL-encoded trust policy as it does for get-role.
    assert.deepEqual(role?.AssumeRolePolicyDocument, TRUST)

    await cli.ok('create-instance-profile', '--instance-profile-name', 'plain')
    assert.deepEqual(await profileNames('list-instance-profiles'), ['plain', 'Webserver'])
    assert.deepEqual(await profileNames('list-instance-profiles', '--path-prefix', '/web/'), [
      'Webserver',
    ])
    assert.deepEqual(
      await profileNames('list-instance-profiles-for-role', '--role-name', 'S3Access'),
      ['Webserver'],
    )
    assert.deepEqual(
      await profileNames('list-instance-profiles-for-role', '--role-name', 'Other'),
      [],
    )

    await cli.ok(
      'tag-instance-profile',
      '--instance-profile-name',
      'Webserver',
      '--tags',
      'Key=env,Value=prod',
    )
    await cli.ok(
      'untag-instance-profile',
      '--instance-profile-name',
      'Webserver',
      '--tag-keys',
      'team',
    )
    const tags = await cli.ok<{ Tags: unknown[] }>(
      'list-instance-profile-tags',
      '--instance-profile-name',
      'Webserver',
    )
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'prod' }])

    await cli.ok(
      'remove-role-from-instance-profile',
      '--instance-profile-name',
      'Webserver',
      '--role-name',
      'S3Access',
    )
    await cli.ok('delete-instance-profile', '--instance-profile-name', 'Webserver')
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetInstanceProfile',
        message: 'Instance Profile Webserver cannot be found.',
      },
      'get-instance-profile',
      '--instance-profile-name',
      'Webserver',
    )
  })

  test('one role per profile, and deletes refused while the role is in it', async () => {
    await cli.ok('create-instance-profile', '--instance-profile-name', 'single')
    await cli.ok(
      'add-role-to-instance-profile',
      '--instance-profile-name',
      'single',
      '--role-name',
      'Other',
    )
    await cli.fails(
      {
        code: 'LimitExceeded',
        operation: 'AddRoleToInstanceProfile',
        message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      },
      'add-role-to-instance-profile',
      '--instance-profile-name',
      'single',
      '--role-name',
      'S3Access',
    )
    const conflict = 'Cannot delete entity, must remove roles from instance profile first.'
    await cli.fails(
      { code: 'DeleteConflict', operation: 'DeleteInstanceProfile', message: conflict },
      'delete-instance-profile',
      '--instance-profile-name',
      'single',
    )
    await cli.fails(
      { code: 'DeleteConflict', operation: 'DeleteRole', message: conflict },
      'delete-role',
      '--role-name',
      'Other',
    )
    // The role shows its profile in the account's authorization details.
    const details = await cli.ok<{
      RoleDetailList: { RoleName: string; InstanceProfileList: InstanceProfile[] }[]
    }>('get-account-authorization-details', '--filter', 'Role')
    const other = details.RoleDetailList.find((role) => role.RoleName === 'Other')
    assert.deepEqual(
      other?.InstanceProfileList.map((profile) => [
        profile.InstanceProfileName,
        profile.Roles.map((role) => role.RoleName),
      ]),
      [['single', ['Other']]],
    )
    const got = await cli.ok<{ InstanceProfile: InstanceProfile }>(
      'get-instance-profile',
      '--instance-profile-name',
      'single',
    )
    assert.deepEqual(
      got.InstanceProfile.Roles.map((role) => role.RoleName),
      ['Other'],
    )
  })

  test('the CLI pages list-instance-profiles through Marker to the end', async () => {
    for (let i = 0; i < 5; i++) {
      await cli.ok(
        'create-instance-profile',
        '--instance-profile-name',
        `paged-${i}`,
        '--path',
        '/paged/',
      )
    }
    const names = await profileNames(
      'list-instance-profiles',
      '--path-prefix',
      '/paged/',
      '--page-size',
      '2',
    )
    assert.deepEqual(names, ['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4'])
    const firstPage = await cli.ok<{ InstanceProfiles: unknown[]; NextToken?: string }>(
      'list-instance-profiles',
      '--path-prefix',
      '/paged/',
      '--max-items',
      '2',
    )
    assert.equal(firstPage.InstanceProfiles.length, 2)
    assert.ok(firstPage.NextToken)
  })

  test('bad input and duplicates are refused in AWS words and write nothing', async () => {
    const before = await profileNames('list-instance-profiles')
    await cli.fails(
      {
        code: 'EntityAlreadyExists',
        operation: 'CreateInstanceProfile',
        message: 'Instance Profile PLAIN already exists.',
      },
      'create-instance-profile',
      '--instance-profile-name',
      'PLAIN',
    )
    await cli.fails(
      {
        code: 'ValidationError',
        operation: 'CreateInstanceProfile',
        message:
          "1 validation error detected: Value at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      },
      'create-instance-profile',
      '--instance-profile-name',
      'no spaces',
    )
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'AddRoleToInstanceProfile',
        message: 'The role with name nobody cannot be found.',
      },
      'add-role-to-instance-profile',
      '--instance-profile-name',
      'plain',
      '--role-name',
      'nobody',
    )
    assert.deepEqual(await profileNames('list-instance-profiles'), before)
    const plain = await cli.ok<{ InstanceProfile: InstanceProfile }>(
      'get-instance-profile',
      '--instance-profile-name',
      'plain',
    )
    assert.deepEqual(plain.InstanceProfile.Roles, [])
  })
})
