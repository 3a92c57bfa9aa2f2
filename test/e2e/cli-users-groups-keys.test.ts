// Users, access keys, groups and paging through the real AWS CLI over a socket: what it prints,
// the exact error lines AWS's refusals give, and that a refused call wrote nothing.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CreateUserCommand } from '@aws-sdk/client-iam'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { iamSdk } from '../support/iam-sdk.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface User {
  Path: string
  UserName: string
  UserId: string
  Arn: string
  CreateDate: string
  Tags?: Tag[]
}
interface Tag {
  Key: string
  Value: string
}
interface AccessKey {
  UserName: string
  AccessKeyId: string
  Status: string
  SecretAccessKey?: string
  CreateDate: string
}

describe('AWS CLI: users, access keys and groups', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  const userNames = async (...args: string[]) =>
    (await cli.ok<{ Users: User[] }>('list-users', ...args)).Users.map((user) => user.UserName)

  test('a user is created, read, renamed, moved, tagged, untagged and deleted', async () => {
    const created = await cli.ok<{ User: User }>(
      'create-user',
      '--user-name',
      'alice',
      '--path',
      '/eng/',
      '--tags',
      'Key=team,Value=core',
    )
    assert.equal(created.User.Arn, 'arn:aws:iam::123456789012:user/eng/alice')
    assert.equal(created.User.Path, '/eng/')
    assert.match(created.User.UserId, /^AIDA[A-Z2-7]{17}$/)
    assert.match(created.User.CreateDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.deepEqual(created.User.Tags, [{ Key: 'team', Value: 'core' }])

    const got = await cli.ok<{ User: User }>('get-user', '--user-name', 'alice')
    assert.deepEqual(got.User, created.User)

    await cli.ok(
      'update-user',
      '--user-name',
      'alice',
      '--new-user-name',
      'alice2',
      '--new-path',
      '/ops/',
    )
    const moved = await cli.ok<{ Users: User[] }>('list-users', '--path-prefix', '/ops/')
    assert.deepEqual(
      moved.Users.map((user) => [user.UserName, user.Arn, user.UserId]),
      [['alice2', 'arn:aws:iam::123456789012:user/ops/alice2', created.User.UserId]],
    )
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetUser',
        message: 'The user with name alice cannot be found.',
      },
      'get-user',
      '--user-name',
      'alice',
    )

    await cli.ok(
      'tag-user',
      '--user-name',
      'alice2',
      '--tags',
      'Key=env,Value=prod',
      'Key=cost,Value=42',
    )
    await cli.ok('untag-user', '--user-name', 'alice2', '--tag-keys', 'team')
    const tags = await cli.ok<{ Tags: Tag[] }>('list-user-tags', '--user-name', 'alice2')
    assert.deepEqual(
      tags.Tags.toSorted((a, b) => a.Key.localeCompare(b.Key)),
      [
        { Key: 'cost', Value: '42' },
        { Key: 'env', Value: 'prod' },
      ],
    )

    assert.equal((await cli.run('delete-user', '--user-name', 'alice2')).code, 0)
    assert.deepEqual(await userNames(), ['admin'])
  })

  test('access keys: two per user, the third refused with LimitExceeded, status and deletion', async () => {
    await cli.ok('create-user', '--user-name', 'bob')
    const first = await cli.ok<{ AccessKey: AccessKey }>('create-access-key', '--user-name', 'bob')
    const second = await cli.ok<{ AccessKey: AccessKey }>('create-access-key', '--user-name', 'bob')
    for (const { AccessKey: key } of [first, second]) {
      assert.equal(key.UserName, 'bob')
      assert.equal(key.Status, 'Active')
      assert.match(key.AccessKeyId, /^AKIA[A-Z2-7]{16}$/)
      assert.equal(key.SecretAccessKey?.length, 40)
    }
    await cli.fails(
      {
        code: 'LimitExceeded',
        operation: 'CreateAccessKey',
        message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      },
      'create-access-key',
      '--user-name',
      'bob',
    )
    const listKeys = async () =>
      (await cli.ok<{ AccessKeyMetadata: AccessKey[] }>('list-access-keys', '--user-name', 'bob'))
        .AccessKeyMetadata
    const listed = await listKeys()
    assert.deepEqual(
      listed.map((key) => key.AccessKeyId).sort(),
      [first.AccessKey.AccessKeyId, second.AccessKey.AccessKeyId].sort(),
    )
    assert.ok(listed.every((key) => key.SecretAccessKey === undefined && key.Status === 'Active'))

    await cli.ok(
      'update-access-key',
      '--user-name',
      'bob',
      '--access-key-id',
      first.AccessKey.AccessKeyId,
      '--status',
      'Inactive',
    )
    const statuses = Object.fromEntries(
      (await listKeys()).map((key) => [key.AccessKeyId, key.Status]),
    )
    assert.deepEqual(statuses, {
      [first.AccessKey.AccessKeyId]: 'Inactive',
      [second.AccessKey.AccessKeyId]: 'Active',
    })

    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteUser',
        message: 'Cannot delete entity, must delete access keys first.',
      },
      'delete-user',
      '--user-name',
      'bob',
    )
    for (const { AccessKey: key } of [first, second]) {
      await cli.ok('delete-access-key', '--user-name', 'bob', '--access-key-id', key.AccessKeyId)
    }
    assert.deepEqual(await listKeys(), [])
    await cli.ok('delete-user', '--user-name', 'bob')
  })

  test('groups: membership, rename, DeleteConflict while a member remains, duplicates', async () => {
    const group = await cli.ok<{ Group: { GroupName: string; Arn: string; GroupId: string } }>(
      'create-group',
      '--group-name',
      'devs',
      '--path',
      '/teams/',
    )
    assert.equal(group.Group.Arn, 'arn:aws:iam::123456789012:group/teams/devs')
    assert.match(group.Group.GroupId, /^AGPA[A-Z2-7]{17}$/)
    await cli.fails(
      {
        code: 'EntityAlreadyExists',
        operation: 'CreateGroup',
        message: 'Group with name devs already exists.',
      },
      'create-group',
      '--group-name',
      'devs',
    )
    await cli.ok('create-user', '--user-name', 'carol')
    await cli.ok('add-user-to-group', '--group-name', 'devs', '--user-name', 'carol')
    const got = await cli.ok<{ Group: { GroupName: string }; Users: User[] }>(
      'get-group',
      '--group-name',
      'devs',
    )
    assert.equal(got.Group.GroupName, 'devs')
    assert.deepEqual(
      got.Users.map((user) => user.UserName),
      ['carol'],
    )
    const forUser = await cli.ok<{ Groups: Array<{ GroupName: string; Arn: string }> }>(
      'list-groups-for-user',
      '--user-name',
      'carol',
    )
    assert.deepEqual(
      forUser.Groups.map((g) => g.Arn),
      [group.Group.Arn],
    )

    await cli.ok('update-group', '--group-name', 'devs', '--new-group-name', 'builders')
    await cli.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteGroup',
        message: 'Cannot delete entity, must remove users from group first.',
      },
      'delete-group',
      '--group-name',
      'builders',
    )
    const groups = await cli.ok<{ Groups: Array<{ GroupName: string; Arn: string }> }>(
      'list-groups',
    )
    assert.deepEqual(
      groups.Groups.map((g) => [g.GroupName, g.Arn]),
      [['builders', 'arn:aws:iam::123456789012:group/teams/builders']],
    )
    await cli.ok('remove-user-from-group', '--group-name', 'builders', '--user-name', 'carol')
    await cli.ok('delete-group', '--group-name', 'builders')
    await cli.ok('delete-user', '--user-name', 'carol')
    assert.deepEqual((await cli.ok<{ Groups: unknown[] }>('list-groups')).Groups, [])
  })

  test('paging: --max-items/--starting-token walks pages, --page-size gathers them all', async () => {
    const sdk = iamSdk(server.url, server.admin)
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']
    for (const name of names) {
      await sdk.send(new CreateUserCommand({ UserName: name, Path: '/paged/' }))
    }
    const seen: string[] = []
    let token: string | undefined
    const pageSizes: number[] = []
    do {
      const page = await cli.ok<{ Users: User[]; NextToken?: string }>(
        'list-users',
        '--path-prefix',
        '/paged/',
        '--max-items',
        '2',
        ...(token ? ['--starting-token', token] : []),
      )
      pageSizes.push(page.Users.length)
      seen.push(...page.Users.map((user) => user.UserName))
      token = page.NextToken
    } while (token !== undefined && pageSizes.length < 5)
    assert.deepEqual(pageSizes, [2, 2, 1])
    assert.deepEqual(seen.toSorted(), names)

    // --page-size makes the CLI follow the server's Marker over three requests.
    assert.deepEqual(
      (await userNames('--path-prefix', '/paged/', '--page-size', '2')).toSorted(),
      names,
    )
  })

  test('bad input: exact AWS errors, and nothing is written', async () => {
    const before = await userNames()
    await cli.fails(
      {
        code: 'EntityAlreadyExists',
        operation: 'CreateUser',
        message: 'User with name admin already exists.',
      },
      'create-user',
      '--user-name',
      'admin',
    )
    await cli.fails(
      {
        code: 'ValidationError',
        operation: 'CreateUser',
        message:
          "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      },
      'create-user',
      '--user-name',
      'bad name!',
    )
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'CreateAccessKey',
        message: 'The user with name ghost cannot be found.',
      },
      'create-access-key',
      '--user-name',
      'ghost',
    )
    // IAM's own words for a bad path (quoted from IAM in cfn-lint issue 722).
    await cli.fails(
      {
        code: 'ValidationError',
        operation: 'CreateUser',
        message:
          'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
      },
      'create-user',
      '--user-name',
      'pathless',
      '--path',
      'eng/',
    )
    await cli.fails(
      {
        code: 'InvalidInput',
        operation: 'CreateUser',
        message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      },
      'create-user',
      '--user-name',
      'tagged',
      '--tags',
      'Key=team,Value=a',
      'Key=Team,Value=b',
    )
    assert.deepEqual(await userNames(), before)
  })
})
