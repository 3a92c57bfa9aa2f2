import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { ResultObject } from '../../src/core/result.js'
import type { IamHarness } from '../support/iam.js'
import {
  NOW,
  expectAwsError,
  list,
  member,
  presentKeys,
  roleCaller,
  userCaller,
  withHarness,
} from './entity-helpers.js'

const keysOf = async (h: IamHarness, user: string) =>
  list(await h.call('ListAccessKeys', { UserName: user }), 'AccessKeyMetadata')

const createKey = async (h: IamHarness, user: string): Promise<ResultObject> =>
  member(await h.call('CreateAccessKey', { UserName: user }), 'AccessKey')

const keyNotFound = (id: string) => ({
  code: 'NoSuchEntity',
  message: `The Access Key with id ${id} cannot be found.`,
  status: 404,
})

describe('CreateAccessKey', () => {
  test('creates an active AKIA key with its secret, in AWS element order', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const key = await createKey(h, 'ALICE')
      assert.deepEqual(presentKeys(key), [
        'UserName',
        'AccessKeyId',
        'Status',
        'SecretAccessKey',
        'CreateDate',
      ])
      assert.equal(key['UserName'], 'alice')
      assert.match(String(key['AccessKeyId']), /^AKIA[A-Z2-7]{16}$/)
      assert.equal(key['Status'], 'Active')
      assert.equal(String(key['SecretAccessKey']).length, 40)
      assert.deepEqual(key['CreateDate'], NOW)
    })
  })

  test('allows two keys per user, then answers LimitExceeded and writes nothing', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await createKey(h, 'alice')
      await createKey(h, 'alice')
      await expectAwsError(h.call('CreateAccessKey', { UserName: 'alice' }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for AccessKeysPerUser: 2',
        status: 409,
      })
      assert.equal((await keysOf(h, 'alice')).length, 2)
    })
  })

  test('without UserName creates a key for the calling user', async () => {
    await withHarness(async (h) => {
      const user = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      const caller = userCaller(String(user['UserId']), 'alice')
      const key = member(await h.call('CreateAccessKey', {}, caller), 'AccessKey')
      assert.equal(key['UserName'], 'alice')
      const listed = list(await h.call('ListAccessKeys', {}, caller), 'AccessKeyMetadata')
      assert.deepEqual(
        listed.map((k) => k['AccessKeyId']),
        [key['AccessKeyId']],
      )
    })
  })

  test('without UserName refuses non-user callers', async () => {
    await withHarness(async (h) => {
      const refused = {
        code: 'ValidationError',
        message: 'Must specify userName when calling with non-User credentials',
        status: 400,
      }
      await expectAwsError(h.call('CreateAccessKey', {}, roleCaller), refused)
      await expectAwsError(h.call('ListAccessKeys', {}, roleCaller), refused)
    })
  })

  test('answers NoSuchEntity for an unknown user', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('CreateAccessKey', { UserName: 'ghost' }), {
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
        status: 404,
      })
    })
  })
})

describe('ListAccessKeys', () => {
  test('lists metadata without secrets', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const key = await createKey(h, 'alice')
      const result = await h.call('ListAccessKeys', { UserName: 'alice' })
      assert.deepEqual(presentKeys(result), ['AccessKeyMetadata', 'IsTruncated'])
      const [listed] = list(result, 'AccessKeyMetadata')
      assert.deepEqual(listed, {
        UserName: 'alice',
        AccessKeyId: key['AccessKeyId'],
        Status: 'Active',
        CreateDate: NOW,
      })
    })
  })
})

describe('UpdateAccessKey and DeleteAccessKey', () => {
  test('deactivate, reactivate and delete a key', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const id = String((await createKey(h, 'alice'))['AccessKeyId'])
      assert.equal(
        await h.call('UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Inactive' }),
        undefined,
      )
      assert.equal((await keysOf(h, 'alice'))[0]?.['Status'], 'Inactive')
      await h.call('UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Active' })
      assert.equal((await keysOf(h, 'alice'))[0]?.['Status'], 'Active')
      assert.equal(
        await h.call('DeleteAccessKey', { UserName: 'alice', AccessKeyId: id }),
        undefined,
      )
      assert.deepEqual(await keysOf(h, 'alice'), [])
      // The freed slot can be used again.
      await createKey(h, 'alice')
      await createKey(h, 'alice')
    })
  })

  test("refuses a bad status and another user's key, changing nothing", async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateUser', { UserName: 'bob' })
      const id = String((await createKey(h, 'alice'))['AccessKeyId'])
      await expectAwsError(
        h.call('UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Disabled' }),
        {
          code: 'ValidationError',
          message:
            "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set",
          status: 400,
        },
      )
      await expectAwsError(h.call('UpdateAccessKey', { UserName: 'alice', AccessKeyId: id }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must not be null",
        status: 400,
      })
      await expectAwsError(
        h.call('UpdateAccessKey', { UserName: 'bob', AccessKeyId: id, Status: 'Inactive' }),
        keyNotFound(id),
      )
      await expectAwsError(
        h.call('DeleteAccessKey', { UserName: 'bob', AccessKeyId: id }),
        keyNotFound(id),
      )
      const missing = 'AKIAAAAAAAAAAAAAAAAA'
      await expectAwsError(
        h.call('DeleteAccessKey', { UserName: 'alice', AccessKeyId: missing }),
        keyNotFound(missing),
      )
      assert.deepEqual(
        (await keysOf(h, 'alice')).map((k) => [k['AccessKeyId'], k['Status']]),
        [[id, 'Active']],
      )
    })
  })

  test('refuses a malformed access key id', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await expectAwsError(h.call('DeleteAccessKey', { UserName: 'alice', AccessKeyId: 'short' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
        status: 400,
      })
    })
  })
})

describe('GetAccessKeyLastUsed', () => {
  test('reports N/A for a key never used and the recorded use otherwise', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const id = String((await createKey(h, 'alice'))['AccessKeyId'])
      const fresh = await h.call('GetAccessKeyLastUsed', { AccessKeyId: id })
      assert.deepEqual(fresh, {
        UserName: 'alice',
        AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
      })
      const usedAt = new Date('2025-06-02T08:00:00Z')
      await h.store.transaction(async (repo) => {
        const key = await repo.accessKeys.get(id)
        assert.ok(key)
        await repo.accessKeys.update({
          ...key,
          lastUsed: { date: usedAt, serviceName: 'sts', region: 'eu-west-1' },
        })
      })
      assert.deepEqual(await h.call('GetAccessKeyLastUsed', { AccessKeyId: id }), {
        UserName: 'alice',
        AccessKeyLastUsed: { LastUsedDate: usedAt, ServiceName: 'sts', Region: 'eu-west-1' },
      })
      const missing = 'AKIAAAAAAAAAAAAAAAAA'
      await expectAwsError(
        h.call('GetAccessKeyLastUsed', { AccessKeyId: missing }),
        keyNotFound(missing),
      )
    })
  })
})
