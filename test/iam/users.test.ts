import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../src/core/errors.js'
import type { Params } from '../../src/core/input.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT } from '../support/iam.js'
import {
  NOW,
  PERMISSIONS,
  READ_ONLY,
  expectAwsError,
  insertCustomerPolicy,
  list,
  member,
  roleCaller,
  tagParams,
  userCaller,
  withHarness,
} from './entity-helpers.js'

const userNames = async (h: IamHarness, params: Params = {}) =>
  list(await h.call('ListUsers', params), 'Users').map((user) => user['UserName'])

describe('CreateUser', () => {
  test('creates a user with an AIDA id and answers with AWS element order', async () => {
    await withHarness(async (h) => {
      const user = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      assert.deepEqual(
        Object.keys(user).filter((key) => user[key] !== undefined),
        ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'],
      )
      assert.equal(user['Path'], '/')
      assert.equal(user['UserName'], 'alice')
      assert.match(String(user['UserId']), /^AIDA[A-Z2-7]{17}$/)
      assert.equal(user['Arn'], `arn:aws:iam::${ACCOUNT}:user/alice`)
      assert.deepEqual(user['CreateDate'], NOW)
    })
  })

  test('keeps path, permissions boundary and tags', async () => {
    await withHarness(async (h) => {
      const boundary = await insertCustomerPolicy(h, 'boundary')
      const user = member(
        await h.call('CreateUser', {
          UserName: 'bob',
          Path: '/eng/',
          PermissionsBoundary: boundary,
          'Tags.member.1.Key': 'team',
          'Tags.member.1.Value': 'core',
        }),
        'User',
      )
      assert.equal(user['Arn'], `arn:aws:iam::${ACCOUNT}:user/eng/bob`)
      assert.deepEqual(user['PermissionsBoundary'], {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: boundary,
      })
      assert.deepEqual(user['Tags'], [{ Key: 'team', Value: 'core' }])
      const got = member(await h.call('GetUser', { UserName: 'bob' }), 'User')
      assert.deepEqual(got, user)
    })
  })

  test('accepts an AWS managed policy as boundary', async () => {
    await withHarness(async (h) => {
      const user = member(
        await h.call('CreateUser', { UserName: 'carol', PermissionsBoundary: READ_ONLY }),
        'User',
      )
      assert.deepEqual(user['PermissionsBoundary'], {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: READ_ONLY,
      })
    })
  })

  const rejected: {
    name: string
    params: Params
    code: string
    message: string
    status: number
  }[] = [
    {
      name: 'missing UserName',
      params: {},
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null",
      status: 400,
    },
    {
      name: 'name with a space',
      params: { UserName: 'a b' },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      status: 400,
    },
    {
      name: 'name of 65 characters',
      params: { UserName: 'u'.repeat(65) },
      code: 'ValidationError',
      message: `1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`,
      status: 400,
    },
    {
      name: 'path without slashes',
      params: { UserName: 'dave', Path: 'eng' },
      code: 'ValidationError',
      // AWS's own words for a bad path (cfn-lint issue 722 quotes them from IAM).
      message:
        'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
      status: 400,
    },
    {
      name: 'path with only a leading slash',
      params: { UserName: 'dave', Path: '/eng' },
      code: 'ValidationError',
      message:
        'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
      status: 400,
    },
    {
      // Length is checked first and keeps the generic wording.
      name: 'path of 513 characters',
      params: { UserName: 'dave', Path: `/${'a'.repeat(511)}/` },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 512",
      status: 400,
    },
    {
      name: 'tag keys that differ only in case',
      params: {
        UserName: 'dave',
        'Tags.member.1.Key': 'Team',
        'Tags.member.1.Value': 'a',
        'Tags.member.2.Key': 'team',
        'Tags.member.2.Value': 'b',
      },
      code: 'InvalidInput',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      status: 400,
    },
    {
      name: 'a reserved aws: tag key',
      params: { UserName: 'dave', 'Tags.member.1.Key': 'AWS:owner', 'Tags.member.1.Value': 'x' },
      code: 'InvalidInput',
      message: "Tag keys starting with 'aws:' are reserved for internal use.",
      status: 400,
    },
    {
      name: 'a boundary that is not a policy ARN',
      params: { UserName: 'dave', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:role/admin` },
      code: 'InvalidInput',
      message: `ARN arn:aws:iam::${ACCOUNT}:role/admin is not valid.`,
      status: 400,
    },
    {
      name: 'a boundary policy that does not exist',
      params: { UserName: 'dave', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/nope` },
      code: 'NoSuchEntity',
      message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/nope does not exist or is not attachable.`,
      status: 404,
    },
    {
      name: 'an AWS managed boundary that does not exist',
      params: { UserName: 'dave', PermissionsBoundary: 'arn:aws:iam::aws:policy/NoSuchPolicy' },
      code: 'NoSuchEntity',
      message:
        'Scope ARN: arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.',
      status: 404,
    },
  ]
  for (const { name, params, ...expected } of rejected) {
    test(`refuses ${name} and writes nothing`, async () => {
      await withHarness(async (h) => {
        await expectAwsError(h.call('CreateUser', params), expected)
        assert.deepEqual(await userNames(h), [])
      })
    })
  }

  test("refuses another account's policy as boundary", async () => {
    await withHarness(async (h) => {
      const foreign = await insertCustomerPolicy(h, 'theirs', '210987654321')
      await expectAwsError(
        h.call('CreateUser', { UserName: 'erin', PermissionsBoundary: foreign }),
        {
          code: 'NoSuchEntity',
          message: `Scope ARN: ${foreign} does not exist or is not attachable.`,
          status: 404,
        },
      )
      assert.deepEqual(await userNames(h), [])
    })
  })

  test('names are unique without regard to case', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await expectAwsError(h.call('CreateUser', { UserName: 'ALICE' }), {
        code: 'EntityAlreadyExists',
        message: 'User with name ALICE already exists.',
        status: 409,
      })
      assert.deepEqual(await userNames(h), ['alice'])
    })
  })
})

describe('GetUser', () => {
  test('finds a user by name in any case', async () => {
    await withHarness(async (h) => {
      const created = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      assert.deepEqual(member(await h.call('GetUser', { UserName: 'ALICE' }), 'User'), created)
    })
  })

  test('answers NoSuchEntity for an unknown name', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('GetUser', { UserName: 'ghost' }), {
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
        status: 404,
      })
    })
  })

  test('without UserName returns the calling user', async () => {
    await withHarness(async (h) => {
      const created = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      const caller = userCaller(String(created['UserId']), 'alice')
      assert.deepEqual(member(await h.call('GetUser', {}, caller), 'User'), created)
    })
  })

  test('without UserName as root returns the account root', async () => {
    await withHarness(async (h) => {
      const user = member(await h.call('GetUser'), 'User')
      assert.deepEqual(user, {
        UserId: ACCOUNT,
        Arn: `arn:aws:iam::${ACCOUNT}:root`,
        CreateDate: new Date('2024-01-01T00:00:00Z'),
      })
    })
  })

  test('without UserName as an assumed role is refused', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('GetUser', {}, roleCaller), {
        code: 'ValidationError',
        message: 'Must specify userName when calling with non-User credentials',
        status: 400,
      })
    })
  })
})

describe('ListUsers', () => {
  test('lists by name, filters by path prefix and omits tags and boundary', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', {
        UserName: 'zed',
        Path: '/ops/',
        PermissionsBoundary: READ_ONLY,
        'Tags.member.1.Key': 'k',
        'Tags.member.1.Value': 'v',
      })
      await h.call('CreateUser', { UserName: 'Bob', Path: '/eng/' })
      await h.call('CreateUser', { UserName: 'alice', Path: '/eng/app/' })
      assert.deepEqual(await userNames(h), ['alice', 'Bob', 'zed'])
      assert.deepEqual(await userNames(h, { PathPrefix: '/eng' }), ['alice', 'Bob'])
      assert.deepEqual(await userNames(h, { PathPrefix: '/eng/app/' }), ['alice'])
      const zed = list(await h.call('ListUsers', { PathPrefix: '/ops/' }), 'Users')[0]
      assert.deepEqual(Object.keys(zed ?? {}), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'])
    })
  })

  test('pages with MaxItems and Marker', async () => {
    await withHarness(async (h) => {
      for (const name of ['u1', 'u2', 'u3', 'u4', 'u5'])
        await h.call('CreateUser', { UserName: name })
      const first = await h.call('ListUsers', { MaxItems: '2' })
      assert.deepEqual(
        list(first, 'Users').map((u) => u['UserName']),
        ['u1', 'u2'],
      )
      assert.equal(first?.['IsTruncated'], true)
      const second = await h.call('ListUsers', { MaxItems: '2', Marker: String(first?.['Marker']) })
      assert.deepEqual(
        list(second, 'Users').map((u) => u['UserName']),
        ['u3', 'u4'],
      )
      const third = await h.call('ListUsers', { MaxItems: '2', Marker: String(second?.['Marker']) })
      assert.deepEqual(
        list(third, 'Users').map((u) => u['UserName']),
        ['u5'],
      )
      assert.equal(third?.['IsTruncated'], false)
      assert.equal(third?.['Marker'], undefined)
    })
  })

  test('refuses MaxItems out of range', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('ListUsers', { MaxItems: '0' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
        status: 400,
      })
    })
  })
})

describe('UpdateUser', () => {
  test('renames and moves a user, keeping its id, keys and groups', async () => {
    await withHarness(async (h) => {
      const created = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      const key = member(await h.call('CreateAccessKey', { UserName: 'alice' }), 'AccessKey')
      await h.call('CreateGroup', { GroupName: 'devs' })
      await h.call('AddUserToGroup', { GroupName: 'devs', UserName: 'alice' })
      assert.equal(
        await h.call('UpdateUser', { UserName: 'alice', NewUserName: 'alicia', NewPath: '/eng/' }),
        undefined,
      )
      const user = member(await h.call('GetUser', { UserName: 'alicia' }), 'User')
      assert.equal(user['UserId'], created['UserId'])
      assert.equal(user['Path'], '/eng/')
      assert.equal(user['Arn'], `arn:aws:iam::${ACCOUNT}:user/eng/alicia`)
      const keys = list(await h.call('ListAccessKeys', { UserName: 'alicia' }), 'AccessKeyMetadata')
      assert.deepEqual(
        keys.map((k) => [k['UserName'], k['AccessKeyId']]),
        [['alicia', key['AccessKeyId']]],
      )
      const groups = list(await h.call('ListGroupsForUser', { UserName: 'alicia' }), 'Groups')
      assert.deepEqual(
        groups.map((g) => g['GroupName']),
        ['devs'],
      )
      await expectAwsError(h.call('GetUser', { UserName: 'alice' }), {
        code: 'NoSuchEntity',
        message: 'The user with name alice cannot be found.',
        status: 404,
      })
    })
  })

  test('may change only the case of its own name', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('UpdateUser', { UserName: 'alice', NewUserName: 'Alice' })
      assert.deepEqual(await userNames(h), ['Alice'])
    })
  })

  test('refuses a name another user holds and changes nothing', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateUser', { UserName: 'bob' })
      await expectAwsError(
        h.call('UpdateUser', { UserName: 'alice', NewUserName: 'BOB', NewPath: '/x/' }),
        {
          code: 'EntityAlreadyExists',
          message: 'User with name BOB already exists.',
          status: 409,
        },
      )
      assert.equal(member(await h.call('GetUser', { UserName: 'alice' }), 'User')['Path'], '/')
      assert.deepEqual(await userNames(h), ['alice', 'bob'])
    })
  })

  test('answers NoSuchEntity for an unknown user', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('UpdateUser', { UserName: 'ghost', NewPath: '/x/' }), {
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
        status: 404,
      })
    })
  })
})

describe('DeleteUser', () => {
  test('deletes a user with nothing attached', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      assert.equal(await h.call('DeleteUser', { UserName: 'ALICE' }), undefined)
      assert.deepEqual(await userNames(h), [])
    })
  })

  const conflicts: {
    name: string
    setUp: (h: IamHarness, userId: string) => Promise<void>
    message: string
  }[] = [
    {
      name: 'access keys',
      setUp: async (h) => void (await h.call('CreateAccessKey', { UserName: 'alice' })),
      message: 'Cannot delete entity, must delete access keys first.',
    },
    {
      name: 'attached policies',
      setUp: (h, userId) =>
        h.store.transaction((repo) =>
          repo.attachments.attach({
            accountId: ACCOUNT,
            entityType: 'user',
            entityId: userId,
            policyArn: READ_ONLY,
          }),
        ),
      message: 'Cannot delete entity, must detach all policies first.',
    },
    {
      name: 'inline policies',
      setUp: (h, userId) =>
        h.store.transaction((repo) =>
          repo.inlinePolicies.put({
            accountId: ACCOUNT,
            entityType: 'user',
            entityId: userId,
            policyName: 'inline',
            document: PERMISSIONS,
          }),
        ),
      message: 'Cannot delete entity, must delete policies first.',
    },
    {
      name: 'group memberships',
      setUp: async (h) => {
        await h.call('CreateGroup', { GroupName: 'devs' })
        await h.call('AddUserToGroup', { GroupName: 'devs', UserName: 'alice' })
      },
      message: 'Cannot delete entity, must remove users from group first.',
    },
  ]
  for (const { name, setUp, message } of conflicts) {
    test(`refuses while the user has ${name}`, async () => {
      await withHarness(async (h) => {
        const user = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
        await setUp(h, String(user['UserId']))
        await expectAwsError(h.call('DeleteUser', { UserName: 'alice' }), {
          code: 'DeleteConflict',
          message,
          status: 409,
        })
        assert.deepEqual(await userNames(h), ['alice'])
      })
    })
  }

  test('answers NoSuchEntity for an unknown user', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('DeleteUser', { UserName: 'ghost' }), {
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
        status: 404,
      })
    })
  })
})

describe('user tags', () => {
  const tagsOf = async (h: IamHarness, name = 'alice') =>
    list(await h.call('ListUserTags', { UserName: name }), 'Tags')

  test('TagUser merges case-insensitively, keeping the first spelling of a key', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', {
        UserName: 'alice',
        'Tags.member.1.Key': 'Dept',
        'Tags.member.1.Value': 'fin',
      })
      await h.call('TagUser', {
        UserName: 'alice',
        'Tags.member.1.Key': 'dept',
        'Tags.member.1.Value': 'hr',
        'Tags.member.2.Key': 'site',
        'Tags.member.2.Value': '',
      })
      assert.deepEqual(await tagsOf(h), [
        { Key: 'Dept', Value: 'hr' },
        { Key: 'site', Value: '' },
      ])
      const result = await h.call('ListUserTags', { UserName: 'alice' })
      assert.equal(result?.['IsTruncated'], false)
    })
  })

  test('TagUser past 50 tags fails as a whole', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('TagUser', { UserName: 'alice', ...tagParams(1, 30) })
      await expectAwsError(h.call('TagUser', { UserName: 'alice', ...tagParams(31, 51) }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for TagsPerUser: 50',
        status: 409,
      })
      assert.equal((await tagsOf(h)).length, 30)
      // Re-tagging keys already there stays within the quota.
      await h.call('TagUser', { UserName: 'alice', ...tagParams(31, 50) })
      await h.call('TagUser', { UserName: 'alice', ...tagParams(1, 50, 'KEY') })
      assert.equal((await tagsOf(h)).length, 50)
    })
  })

  test('TagUser refuses duplicate keys and a missing tag list, writing nothing', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await expectAwsError(
        h.call('TagUser', {
          UserName: 'alice',
          'Tags.member.1.Key': 'a',
          'Tags.member.1.Value': '1',
          'Tags.member.2.Key': 'A',
          'Tags.member.2.Value': '2',
        }),
        {
          code: 'InvalidInput',
          message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
          status: 400,
        },
      )
      await expectAwsError(h.call('TagUser', { UserName: 'alice' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
        status: 400,
      })
      assert.deepEqual(await tagsOf(h), [])
    })
  })

  test('UntagUser removes keys in any case and ignores absent ones', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice', ...tagParams(1, 3) })
      await h.call('UntagUser', {
        UserName: 'alice',
        'TagKeys.member.1': 'KEY2',
        'TagKeys.member.2': 'missing',
      })
      assert.deepEqual(
        (await tagsOf(h)).map((tag) => tag['Key']),
        ['key1', 'key3'],
      )
    })
  })

  test('UntagUser refuses bad keys and more than 50', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice', ...tagParams(1, 1) })
      await expectAwsError(h.call('UntagUser', { UserName: 'alice', 'TagKeys.member.1': 'a#b' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]",
        status: 400,
      })
      const keys: Record<string, string> = {}
      for (let i = 1; i <= 51; i++) keys[`TagKeys.member.${i}`] = `key${i}`
      await assert.rejects(
        h.call('UntagUser', { UserName: 'alice', ...keys }),
        (error: unknown) => {
          assert.ok(error instanceof AwsError && error.code === 'ValidationError')
          assert.match(
            error.message,
            /at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50$/,
          )
          return true
        },
      )
      assert.equal((await tagsOf(h)).length, 1)
    })
  })

  test('ListUserTags pages', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice', ...tagParams(1, 3) })
      const first = await h.call('ListUserTags', { UserName: 'alice', MaxItems: '2' })
      assert.deepEqual(
        list(first, 'Tags').map((tag) => tag['Key']),
        ['key1', 'key2'],
      )
      assert.equal(first?.['IsTruncated'], true)
      const rest = await h.call('ListUserTags', {
        UserName: 'alice',
        Marker: String(first?.['Marker']),
      })
      assert.deepEqual(
        list(rest, 'Tags').map((tag) => tag['Key']),
        ['key3'],
      )
    })
  })

  test('tag operations on an unknown user answer NoSuchEntity', async () => {
    await withHarness(async (h) => {
      const notFound = {
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
        status: 404,
      }
      await expectAwsError(h.call('TagUser', { UserName: 'ghost', ...tagParams(1, 1) }), notFound)
      await expectAwsError(
        h.call('UntagUser', { UserName: 'ghost', 'TagKeys.member.1': 'k' }),
        notFound,
      )
      await expectAwsError(h.call('ListUserTags', { UserName: 'ghost' }), notFound)
    })
  })
})

describe('user permissions boundary', () => {
  test('put, read back and delete', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('PutUserPermissionsBoundary', {
        UserName: 'alice',
        PermissionsBoundary: READ_ONLY,
      })
      assert.deepEqual(
        member(await h.call('GetUser', { UserName: 'alice' }), 'User')['PermissionsBoundary'],
        {
          PermissionsBoundaryType: 'Policy',
          PermissionsBoundaryArn: READ_ONLY,
        },
      )
      await h.call('DeleteUserPermissionsBoundary', { UserName: 'alice' })
      const user = member(await h.call('GetUser', { UserName: 'alice' }), 'User')
      assert.equal(user['PermissionsBoundary'], undefined)
    })
  })

  test('refuses a missing policy and keeps the old boundary', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice', PermissionsBoundary: READ_ONLY })
      const missing = `arn:aws:iam::${ACCOUNT}:policy/missing`
      await expectAwsError(
        h.call('PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: missing }),
        {
          code: 'NoSuchEntity',
          message: `Scope ARN: ${missing} does not exist or is not attachable.`,
          status: 404,
        },
      )
      const user = member(await h.call('GetUser', { UserName: 'alice' }), 'User')
      assert.deepEqual(user['PermissionsBoundary'], {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: READ_ONLY,
      })
    })
  })

  test('answers NoSuchEntity for an unknown user', async () => {
    await withHarness(async (h) => {
      const notFound = {
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
        status: 404,
      }
      await expectAwsError(
        h.call('PutUserPermissionsBoundary', { UserName: 'ghost', PermissionsBoundary: READ_ONLY }),
        notFound,
      )
      await expectAwsError(h.call('DeleteUserPermissionsBoundary', { UserName: 'ghost' }), notFound)
    })
  })
})
