import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Caller, RequestInfo } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import { IamAuthorizer } from '../../src/iam/authorize.js'
import { iamOperations } from '../../src/iam/operations.js'
import { defineOperation } from '../../src/iam/operation.js'
import { IamService } from '../../src/iam/service.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { ACCOUNT, rootCaller } from '../support/iam.js'

const request = (): RequestInfo => ({
  requestId: 'r',
  region: 'us-east-1',
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  secureTransport: false,
  now: new Date(),
})

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})

// Resources carry the stored entity's path, and calls that default to the caller name the caller:
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
test('IAM calls are authorised against the entity ARN with its stored path, and the caller for self calls', async () => {
  const store = await openSqliteStore({ file: ':memory:' })
  const service = new IamService(store, new IamAuthorizer(store), randomIds, iamOperations)
  const root = rootCaller()
  await store.transaction((repo) =>
    repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date() }),
  )
  for (const [name, path] of [
    ['app', '/team/'],
    ['other', '/'],
  ] as const) {
    await service.call(
      root,
      'CreateRole',
      { RoleName: name, Path: path, AssumeRolePolicyDocument: trust },
      request(),
    )
  }
  const created = await service.call(root, 'CreateUser', { UserName: 'dev' }, request())
  const devArn = `arn:aws:iam::${ACCOUNT}:user/dev`
  assert.equal((created?.['User'] as { Arn: string }).Arn, devArn)
  await service.call(
    root,
    'PutUserPolicy',
    {
      UserName: 'dev',
      PolicyName: 'team-roles',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iam:GetRole',
            Resource: `arn:aws:iam::${ACCOUNT}:role/team/*`,
          },
          {
            Effect: 'Allow',
            Action: 'iam:GetUser',
            Resource: 'arn:aws:iam::*:user/${aws:username}',
          },
        ],
      }),
    },
    request(),
  )
  const userId = (created?.['User'] as { UserId: string }).UserId
  const dev: Caller = {
    type: 'user',
    accountId: ACCOUNT,
    arn: devArn,
    userId,
    principalId: userId,
    name: 'dev',
    accessKeyId: 'AKIDDEV',
  }

  const role = await service.call(dev, 'GetRole', { RoleName: 'app' }, request())
  assert.equal((role?.['Role'] as { Arn: string }).Arn, `arn:aws:iam::${ACCOUNT}:role/team/app`)
  await assert.rejects(service.call(dev, 'GetRole', { RoleName: 'other' }, request()), (error) => {
    assert.ok(error instanceof AwsError)
    assert.equal(
      error.message,
      `User: ${devArn} is not authorized to perform: iam:GetRole on resource: arn:aws:iam::${ACCOUNT}:role/other because no identity-based policy allows the iam:GetRole action`,
    )
    return true
  })
  // GetUser without a name authorises against the caller's own ARN: ${aws:username} matches.
  const self = await service.call(dev, 'GetUser', {}, request())
  assert.equal((self?.['User'] as { UserName: string }).UserName, 'dev')
  await store.close()
})

test('a call that fails after it has written commits nothing', async () => {
  const store = await openSqliteStore({ file: ':memory:' })
  await store.transaction((repo) =>
    repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date() }),
  )
  const createUser = iamOperations.find((operation) => operation.name === 'CreateUser')!
  // A real operation that writes (CreateUser, then an inline policy) and then fails part way.
  const failing = defineOperation({
    name: 'CreateUserThenFail',
    input: createUser.input,
    resource: () => '*',
    async run(input, context) {
      await createUser.run(input, context, undefined)
      const user = await context.repo.users.getByName(ACCOUNT, 'half')
      await context.repo.inlinePolicies.put({
        accountId: ACCOUNT,
        entityType: 'user',
        entityId: user!.userId,
        policyName: 'p',
        document: '{}',
      })
      throw new AwsError('ServiceFailure', 'failed part way')
    },
  })
  const service = new IamService(store, new IamAuthorizer(store), randomIds, [
    ...iamOperations,
    failing,
  ])
  const before = store.generation
  await assert.rejects(
    service.call(rootCaller(), 'CreateUserThenFail', { UserName: 'half' }, request()),
    /failed part way/,
  )
  const users = await service.call(rootCaller(), 'ListUsers', {}, request())
  assert.deepEqual(users?.['Users'], [])
  assert.equal(store.generation, before)
  await store.close()
})

// Users and roles carry their tags into authorisation as aws:ResourceTag/* and iam:ResourceTag/*:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html
test('a user or role being acted on supplies aws:ResourceTag and iam:ResourceTag', async () => {
  const store = await openSqliteStore({ file: ':memory:' })
  const service = new IamService(store, new IamAuthorizer(store), randomIds, iamOperations)
  const root = rootCaller()
  await store.transaction((repo) =>
    repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date() }),
  )
  for (const [name, team] of [
    ['blue-app', 'blue'],
    ['red-app', 'red'],
  ] as const) {
    await service.call(
      root,
      'CreateRole',
      {
        RoleName: name,
        AssumeRolePolicyDocument: trust,
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': team,
      },
      request(),
    )
  }
  const created = await service.call(root, 'CreateUser', { UserName: 'ops' }, request())
  const { UserId: userId, Arn: arn } = created?.['User'] as { UserId: string; Arn: string }
  await service.call(
    root,
    'PutUserPolicy',
    {
      UserName: 'ops',
      PolicyName: 'blue-only',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iam:UpdateRoleDescription',
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } },
          },
          {
            Effect: 'Allow',
            Action: 'iam:GetRole',
            Resource: '*',
            Condition: { StringEquals: { 'iam:ResourceTag/team': 'blue' } },
          },
        ],
      }),
    },
    request(),
  )
  const ops: Caller = {
    type: 'user',
    accountId: ACCOUNT,
    arn,
    userId,
    principalId: userId,
    name: 'ops',
    accessKeyId: 'AKIDOPS',
  }
  await service.call(
    ops,
    'UpdateRoleDescription',
    { RoleName: 'blue-app', Description: 'x' },
    request(),
  )
  await service.call(ops, 'GetRole', { RoleName: 'blue-app' }, request())
  for (const action of ['UpdateRoleDescription', 'GetRole']) {
    await assert.rejects(
      service.call(ops, action, { RoleName: 'red-app', Description: 'x' }, request()),
      (error) => error instanceof AwsError && error.code === 'AccessDenied',
    )
  }
  await store.close()
})

test('each service compiles simulated policies in its own cache, shared with no other service', async () => {
  const store = await openSqliteStore({ file: ':memory:' })
  await store.transaction((repo) =>
    repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date() }),
  )
  const seen: unknown[] = []
  const sizes: number[] = []
  const peek = defineOperation({
    name: 'PeekPolicyCache',
    input: {},
    resource: () => '*',
    async run(_input, context) {
      seen.push(context.policies)
      sizes.push(context.policies.size)
      return {}
    },
  })
  const operations = [...iamOperations, peek]
  const first = new IamService(store, new IamAuthorizer(store), randomIds, operations)
  const second = new IamService(store, new IamAuthorizer(store), randomIds, operations)
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
  })
  await first.call(
    rootCaller(),
    'SimulateCustomPolicy',
    { 'PolicyInputList.member.1': policy, 'ActionNames.member.1': 's3:GetObject' },
    request(),
  )
  await first.call(rootCaller(), 'PeekPolicyCache', {}, request())
  await second.call(rootCaller(), 'PeekPolicyCache', {}, request())
  await first.call(rootCaller(), 'PeekPolicyCache', {}, request())
  assert.deepEqual(sizes, [1, 0, 1])
  assert.equal(seen[0], seen[2])
  assert.notEqual(seen[0], seen[1])
  await store.close()
})
