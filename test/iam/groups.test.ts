import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT } from '../support/iam.js'
import {
  NOW,
  PERMISSIONS,
  READ_ONLY,
  expectAwsError,
  list,
  member,
  presentKeys,
  withHarness,
} from './entity-helpers.js'

const groupNames = async (h: IamHarness, params: Params = {}) =>
  list(await h.call('ListGroups', params), 'Groups').map((group) => group['GroupName'])

const groupsOf = async (h: IamHarness, user: string) =>
  list(await h.call('ListGroupsForUser', { UserName: user }), 'Groups').map(
    (group) => group['GroupName'],
  )

const membersOf = async (h: IamHarness, group: string) =>
  list(await h.call('GetGroup', { GroupName: group }), 'Users').map((user) => user['UserName'])

const groupNotFound = (name: string) => ({
  code: 'NoSuchEntity',
  message: `The group with name ${name} cannot be found.`,
  status: 404,
})
const userNotFound = (name: string) => ({
  code: 'NoSuchEntity',
  message: `The user with name ${name} cannot be found.`,
  status: 404,
})

describe('CreateGroup', () => {
  test('creates a group with an AGPA id in AWS element order', async () => {
    await withHarness(async (h) => {
      const group = member(
        await h.call('CreateGroup', { GroupName: 'devs', Path: '/eng/' }),
        'Group',
      )
      assert.deepEqual(presentKeys(group), ['Path', 'GroupName', 'GroupId', 'Arn', 'CreateDate'])
      assert.match(String(group['GroupId']), /^AGPA[A-Z2-7]{17}$/)
      assert.equal(group['Arn'], `arn:aws:iam::${ACCOUNT}:group/eng/devs`)
      assert.deepEqual(group['CreateDate'], NOW)
    })
  })

  test('accepts names up to 128 characters and refuses longer ones', async () => {
    await withHarness(async (h) => {
      await h.call('CreateGroup', { GroupName: 'g'.repeat(128) })
      await expectAwsError(h.call('CreateGroup', { GroupName: 'g'.repeat(129) }), {
        code: 'ValidationError',
        message: `1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128`,
        status: 400,
      })
      assert.deepEqual(await groupNames(h), ['g'.repeat(128)])
    })
  })

  test('names are unique without regard to case', async () => {
    await withHarness(async (h) => {
      await h.call('CreateGroup', { GroupName: 'Devs' })
      await expectAwsError(h.call('CreateGroup', { GroupName: 'DEVS' }), {
        code: 'EntityAlreadyExists',
        message: 'Group with name DEVS already exists.',
        status: 409,
      })
      assert.deepEqual(await groupNames(h), ['Devs'])
    })
  })
})

describe('GetGroup and ListGroups', () => {
  test('GetGroup returns the group and its members, paged', async () => {
    await withHarness(async (h) => {
      await h.call('CreateGroup', { GroupName: 'devs' })
      for (const name of ['carol', 'alice', 'bob']) {
        await h.call('CreateUser', {
          UserName: name,
          'Tags.member.1.Key': 'k',
          'Tags.member.1.Value': 'v',
        })
        await h.call('AddUserToGroup', { GroupName: 'devs', UserName: name })
      }
      const first = await h.call('GetGroup', { GroupName: 'DEVS', MaxItems: '2' })
      assert.deepEqual(presentKeys(first), ['Group', 'Users', 'IsTruncated', 'Marker'])
      assert.equal(member(first, 'Group')['GroupName'], 'devs')
      const users = list(first, 'Users')
      assert.deepEqual(
        users.map((user) => user['UserName']),
        ['alice', 'bob'],
      )
      assert.deepEqual(presentKeys(users[0]), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'])
      const rest = await h.call('GetGroup', {
        GroupName: 'devs',
        Marker: String(first?.['Marker']),
      })
      assert.deepEqual(
        list(rest, 'Users').map((user) => user['UserName']),
        ['carol'],
      )
      assert.equal(rest?.['IsTruncated'], false)
      await expectAwsError(h.call('GetGroup', { GroupName: 'ghost' }), groupNotFound('ghost'))
    })
  })

  test('ListGroups sorts and filters by path prefix', async () => {
    await withHarness(async (h) => {
      await h.call('CreateGroup', { GroupName: 'ops', Path: '/infra/' })
      await h.call('CreateGroup', { GroupName: 'Admins' })
      await h.call('CreateGroup', { GroupName: 'devs', Path: '/eng/' })
      assert.deepEqual(await groupNames(h), ['Admins', 'devs', 'ops'])
      assert.deepEqual(await groupNames(h, { PathPrefix: '/infra' }), ['ops'])
      const page = await h.call('ListGroups', { MaxItems: '1' })
      assert.deepEqual(
        list(page, 'Groups').map((g) => g['GroupName']),
        ['Admins'],
      )
      assert.equal(page?.['IsTruncated'], true)
    })
  })
})

describe('UpdateGroup', () => {
  test('renames and moves a group, keeping its id and members', async () => {
    await withHarness(async (h) => {
      const created = member(await h.call('CreateGroup', { GroupName: 'devs' }), 'Group')
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('AddUserToGroup', { GroupName: 'devs', UserName: 'alice' })
      assert.equal(
        await h.call('UpdateGroup', {
          GroupName: 'devs',
          NewGroupName: 'builders',
          NewPath: '/eng/',
        }),
        undefined,
      )
      const group = member(await h.call('GetGroup', { GroupName: 'builders' }), 'Group')
      assert.equal(group['GroupId'], created['GroupId'])
      assert.equal(group['Arn'], `arn:aws:iam::${ACCOUNT}:group/eng/builders`)
      assert.deepEqual(await membersOf(h, 'builders'), ['alice'])
      assert.deepEqual(await groupsOf(h, 'alice'), ['builders'])
      await expectAwsError(h.call('GetGroup', { GroupName: 'devs' }), groupNotFound('devs'))
    })
  })

  test('refuses a name another group holds and changes nothing', async () => {
    await withHarness(async (h) => {
      await h.call('CreateGroup', { GroupName: 'devs' })
      await h.call('CreateGroup', { GroupName: 'ops' })
      await expectAwsError(h.call('UpdateGroup', { GroupName: 'devs', NewGroupName: 'OPS' }), {
        code: 'EntityAlreadyExists',
        message: 'Group with name OPS already exists.',
        status: 409,
      })
      assert.deepEqual(await groupNames(h), ['devs', 'ops'])
      await expectAwsError(
        h.call('UpdateGroup', { GroupName: 'ghost', NewPath: '/x/' }),
        groupNotFound('ghost'),
      )
    })
  })
})

describe('DeleteGroup', () => {
  test('deletes an empty group', async () => {
    await withHarness(async (h) => {
      await h.call('CreateGroup', { GroupName: 'devs' })
      assert.equal(await h.call('DeleteGroup', { GroupName: 'Devs' }), undefined)
      assert.deepEqual(await groupNames(h), [])
      await expectAwsError(h.call('DeleteGroup', { GroupName: 'devs' }), groupNotFound('devs'))
    })
  })

  const conflicts = [
    {
      name: 'members',
      setUp: async (h: IamHarness) => {
        await h.call('CreateUser', { UserName: 'alice' })
        await h.call('AddUserToGroup', { GroupName: 'devs', UserName: 'alice' })
      },
      message: 'Cannot delete entity, must remove users from group first.',
    },
    {
      name: 'an attached policy',
      setUp: (h: IamHarness, groupId: string) =>
        h.store.transaction((repo) =>
          repo.attachments.attach({
            accountId: ACCOUNT,
            entityType: 'group',
            entityId: groupId,
            policyArn: READ_ONLY,
          }),
        ),
      message: 'Cannot delete entity, must detach all policies first.',
    },
    {
      name: 'an inline policy',
      setUp: (h: IamHarness, groupId: string) =>
        h.store.transaction((repo) =>
          repo.inlinePolicies.put({
            accountId: ACCOUNT,
            entityType: 'group',
            entityId: groupId,
            policyName: 'inline',
            document: PERMISSIONS,
          }),
        ),
      message: 'Cannot delete entity, must delete policies first.',
    },
  ]
  for (const { name, setUp, message } of conflicts) {
    test(`refuses while the group has ${name}`, async () => {
      await withHarness(async (h) => {
        const group = member(await h.call('CreateGroup', { GroupName: 'devs' }), 'Group')
        await setUp(h, String(group['GroupId']))
        await expectAwsError(h.call('DeleteGroup', { GroupName: 'devs' }), {
          code: 'DeleteConflict',
          message,
          status: 409,
        })
        assert.deepEqual(await groupNames(h), ['devs'])
      })
    })
  }
})

describe('group membership', () => {
  test('AddUserToGroup is idempotent and RemoveUserFromGroup undoes it', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateGroup', { GroupName: 'devs' })
      await h.call('CreateGroup', { GroupName: 'admins' })
      assert.equal(
        await h.call('AddUserToGroup', { GroupName: 'devs', UserName: 'alice' }),
        undefined,
      )
      await h.call('AddUserToGroup', { GroupName: 'DEVS', UserName: 'ALICE' })
      await h.call('AddUserToGroup', { GroupName: 'admins', UserName: 'alice' })
      assert.deepEqual(await groupsOf(h, 'alice'), ['admins', 'devs'])
      assert.deepEqual(await membersOf(h, 'devs'), ['alice'])
      assert.equal(
        await h.call('RemoveUserFromGroup', { GroupName: 'devs', UserName: 'alice' }),
        undefined,
      )
      assert.deepEqual(await groupsOf(h, 'alice'), ['admins'])
      assert.deepEqual(await membersOf(h, 'devs'), [])
    })
  })

  test('membership operations name the missing user or group', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateGroup', { GroupName: 'devs' })
      await expectAwsError(
        h.call('AddUserToGroup', { GroupName: 'devs', UserName: 'ghost' }),
        userNotFound('ghost'),
      )
      await expectAwsError(
        h.call('AddUserToGroup', { GroupName: 'nope', UserName: 'alice' }),
        groupNotFound('nope'),
      )
      await expectAwsError(
        h.call('RemoveUserFromGroup', { GroupName: 'nope', UserName: 'alice' }),
        groupNotFound('nope'),
      )
      await expectAwsError(
        h.call('RemoveUserFromGroup', { GroupName: 'devs', UserName: 'alice' }),
        userNotFound('alice'),
      )
      await expectAwsError(
        h.call('ListGroupsForUser', { UserName: 'ghost' }),
        userNotFound('ghost'),
      )
      assert.deepEqual(await groupsOf(h, 'alice'), [])
    })
  })

  test('a user can be in at most 10 groups', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      for (let i = 1; i <= 11; i++)
        await h.call('CreateGroup', { GroupName: `g${String(i).padStart(2, '0')}` })
      for (let i = 1; i <= 10; i++) {
        await h.call('AddUserToGroup', {
          GroupName: `g${String(i).padStart(2, '0')}`,
          UserName: 'alice',
        })
      }
      await expectAwsError(h.call('AddUserToGroup', { GroupName: 'g11', UserName: 'alice' }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for GroupsPerUser: 10',
        status: 409,
      })
      // Adding again to a group it is already in is still fine at the quota.
      await h.call('AddUserToGroup', { GroupName: 'g01', UserName: 'alice' })
      assert.equal((await groupsOf(h, 'alice')).length, 10)
      assert.deepEqual(await membersOf(h, 'g11'), [])
    })
  })

  test('ListGroupsForUser pages', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      for (const name of ['c', 'a', 'b']) {
        await h.call('CreateGroup', { GroupName: name })
        await h.call('AddUserToGroup', { GroupName: name, UserName: 'alice' })
      }
      const first = await h.call('ListGroupsForUser', { UserName: 'alice', MaxItems: '2' })
      assert.deepEqual(
        list(first, 'Groups').map((g) => g['GroupName']),
        ['a', 'b'],
      )
      const rest = await h.call('ListGroupsForUser', {
        UserName: 'alice',
        Marker: String(first?.['Marker']),
      })
      assert.deepEqual(
        list(rest, 'Groups').map((g) => g['GroupName']),
        ['c'],
      )
    })
  })
})
