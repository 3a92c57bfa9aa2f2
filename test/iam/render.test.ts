import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  encodePolicyDocument,
  renderAccessKeyMetadata,
  renderGroup,
  renderNewAccessKey,
  renderRole,
  renderUser,
} from '../../src/iam/render.js'
import type { AccessKeyRecord, RoleRecord, UserRecord } from '../../src/store/ports.js'

const created = new Date('2025-01-02T03:04:05Z')
const present = (element: object) =>
  Object.entries(element)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key)

const role: RoleRecord = {
  accountId: '123456789012',
  roleId: 'AROAEXAMPLEEXAMPLE12',
  roleName: 'app',
  path: '/',
  arn: 'arn:aws:iam::123456789012:role/app',
  createDate: created,
  assumeRolePolicyDocument: '{\n  "Version": "2012-10-17", "Statement": []\n}',
  description: 'desc',
  maxSessionDuration: 3600,
  permissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  tags: [{ key: 'k', value: 'v' }],
  lastUsed: { date: new Date('2025-02-01T00:00:00Z'), region: 'us-east-2' },
}

const user: UserRecord = {
  accountId: '123456789012',
  userId: 'AIDAEXAMPLEEXAMPLE12',
  userName: 'alice',
  path: '/',
  arn: 'arn:aws:iam::123456789012:user/alice',
  createDate: created,
  permissionsBoundaryArn: null,
  tags: [],
}

describe('encodePolicyDocument', () => {
  test('percent-encodes like AWS and decodes back to the text', () => {
    const text = '{"Statement": [{"Condition": {"StringEquals": {"aws:SourceArn": "a/b"}}}]}\n'
    const encoded = encodePolicyDocument(text)
    assert.equal(
      encoded,
      '%7B%22Statement%22%3A%20%5B%7B%22Condition%22%3A%20%7B%22StringEquals%22%3A%20%7B%22aws%3ASourceArn%22%3A%20%22a%2Fb%22%7D%7D%7D%5D%7D%0A',
    )
    assert.equal(decodeURIComponent(encoded), text)
  })
})

describe('renderRole', () => {
  const views = {
    get: ['Description', 'MaxSessionDuration', 'PermissionsBoundary', 'Tags', 'RoleLastUsed'],
    create: ['PermissionsBoundary', 'Tags'],
    listing: ['Description', 'MaxSessionDuration'],
    description: ['Description', 'PermissionsBoundary', 'Tags'],
  } as const
  const common = ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument']
  for (const [view, extra] of Object.entries(views)) {
    test(`${view} view members in AWS order`, () => {
      assert.deepEqual(present(renderRole(role, view as keyof typeof views)), [...common, ...extra])
    })
  }
  test('RoleLastUsed carries date and region, or is empty', () => {
    assert.deepEqual(renderRole(role)['RoleLastUsed'], {
      LastUsedDate: new Date('2025-02-01T00:00:00Z'),
      Region: 'us-east-2',
    })
    assert.deepEqual(renderRole({ ...role, lastUsed: null })['RoleLastUsed'], {})
  })
  test('optional members are absent when unset', () => {
    const bare = renderRole({ ...role, description: null, permissionsBoundaryArn: null, tags: [] })
    assert.deepEqual(present(bare), [...common, 'MaxSessionDuration', 'RoleLastUsed'])
  })
})

describe('renderUser, renderGroup and access keys', () => {
  test('user views', () => {
    const full = renderUser({
      ...user,
      permissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      tags: [{ key: 'a', value: 'b' }],
    })
    assert.deepEqual(present(full), [
      'Path',
      'UserName',
      'UserId',
      'Arn',
      'CreateDate',
      'PermissionsBoundary',
      'Tags',
    ])
    assert.deepEqual(present(renderUser(user)), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'])
    assert.deepEqual(
      present(renderUser({ ...user, tags: [{ key: 'a', value: 'b' }] }, 'listing')),
      ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'],
    )
  })

  test('group members in AWS order', () => {
    assert.deepEqual(
      renderGroup({
        accountId: '123456789012',
        groupId: 'AGPAEXAMPLEEXAMPLE12',
        groupName: 'devs',
        path: '/',
        arn: 'arn:aws:iam::123456789012:group/devs',
        createDate: created,
      }),
      {
        Path: '/',
        GroupName: 'devs',
        GroupId: 'AGPAEXAMPLEEXAMPLE12',
        Arn: 'arn:aws:iam::123456789012:group/devs',
        CreateDate: created,
      },
    )
  })

  test('only a new access key carries its secret', () => {
    const key: AccessKeyRecord = {
      accessKeyId: 'AKIAEXAMPLEEXAMPLE12',
      accountId: '123456789012',
      userId: user.userId,
      secretAccessKey: 'x'.repeat(40),
      status: 'Active',
      createDate: created,
      lastUsed: null,
    }
    assert.deepEqual(present(renderNewAccessKey(key, 'alice')), [
      'UserName',
      'AccessKeyId',
      'Status',
      'SecretAccessKey',
      'CreateDate',
    ])
    assert.deepEqual(present(renderAccessKeyMetadata(key, 'alice')), [
      'UserName',
      'AccessKeyId',
      'Status',
      'CreateDate',
    ])
  })
})
