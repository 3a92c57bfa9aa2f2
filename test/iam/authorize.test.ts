import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Caller, RequestInfo } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { IamAuthorizer } from '../../src/iam/authorize.js'
import type { Store } from '../../src/store/ports.js'
import type { Repositories } from '../../src/store/repositories.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

const ACCOUNT = '123456789012'
const NOW = new Date('2024-01-01T00:00:00Z')
const REQUEST: RequestInfo = {
  requestId: 'r',
  region: 'us-east-1',
  sourceIp: '10.0.0.1',
  userAgent: 'test',
  secureTransport: true,
  now: NOW,
}
const doc = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements })
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`

async function addUser(repo: Repositories, name: string, boundary: string | null = null) {
  const user = {
    accountId: ACCOUNT,
    userId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`,
    userName: name,
    path: '/',
    arn: userArn(name),
    createDate: NOW,
    permissionsBoundaryArn: boundary,
    tags: [{ key: 'team', value: 'blue' }],
  }
  await repo.users.insert(user)
  return user
}

const callerFor = (user: { userId: string; userName: string; arn: string }): Caller => ({
  type: 'user',
  accountId: ACCOUNT,
  arn: user.arn,
  userId: user.userId,
  principalId: user.userId,
  name: user.userName,
  accessKeyId: 'AKIDTEST',
})

async function withStore(work: (store: Store) => Promise<void>) {
  const store = await openSqliteStore({ file: ':memory:' })
  try {
    await store.transaction((repo) => repo.accounts.insert({ accountId: ACCOUNT, createDate: NOW }))
    await work(store)
  } finally {
    await store.close()
  }
}

const denied = (message: string) => (error: unknown) => {
  assert.ok(error instanceof AwsError)
  assert.equal(error.code, 'AccessDenied')
  assert.equal(error.status, 403)
  assert.equal(error.message, message)
  return true
}

describe('IamAuthorizer', () => {
  test('allows through an attached AWS managed policy', async () => {
    await withStore(async (store) => {
      const user = await store.transaction(async (repo) => {
        const u = await addUser(repo, 'reader')
        await repo.attachments.attach({
          accountId: ACCOUNT,
          entityType: 'user',
          entityId: u.userId,
          policyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
        })
        return u
      })
      const authorizer = new IamAuthorizer(store)
      await authorizer.authorize(callerFor(user), 'iam:ListUsers', '*', {}, REQUEST)
      await assert.rejects(
        authorizer.authorize(callerFor(user), 'iam:CreateUser', userArn('x'), {}, REQUEST),
        denied(
          `User: ${userArn('reader')} is not authorized to perform: iam:CreateUser on resource: ${userArn('x')} because no identity-based policy allows the iam:CreateUser action`,
        ),
      )
    })
  })

  test('group policies count, and an explicit deny in any of them wins', async () => {
    await withStore(async (store) => {
      const user = await store.transaction(async (repo) => {
        const u = await addUser(repo, 'member')
        await repo.groups.insert({
          accountId: ACCOUNT,
          groupId: 'AGPAGROUPXXXXXXXXXXXX',
          groupName: 'ops',
          path: '/',
          arn: `arn:aws:iam::${ACCOUNT}:group/ops`,
          createDate: NOW,
        })
        await repo.groups.addMember('AGPAGROUPXXXXXXXXXXXX', u.userId)
        await repo.inlinePolicies.put({
          accountId: ACCOUNT,
          entityType: 'group',
          entityId: 'AGPAGROUPXXXXXXXXXXXX',
          policyName: 'all',
          document: doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }),
        })
        await repo.inlinePolicies.put({
          accountId: ACCOUNT,
          entityType: 'user',
          entityId: u.userId,
          policyName: 'no-delete',
          document: doc({ Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }),
        })
        return u
      })
      const authorizer = new IamAuthorizer(store)
      await authorizer.authorize(callerFor(user), 'iam:CreateUser', userArn('x'), {}, REQUEST)
      await assert.rejects(
        authorizer.authorize(callerFor(user), 'iam:DeleteUser', userArn('x'), {}, REQUEST),
        denied(
          `User: ${userArn('member')} is not authorized to perform: iam:DeleteUser on resource: ${userArn('x')} with an explicit deny in an identity-based policy`,
        ),
      )
    })
  })

  test('a permissions boundary limits what the policies allow', async () => {
    await withStore(async (store) => {
      const user = await store.transaction(async (repo) => {
        const u = await addUser(repo, 'bounded', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess')
        await repo.attachments.attach({
          accountId: ACCOUNT,
          entityType: 'user',
          entityId: u.userId,
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        })
        return u
      })
      const authorizer = new IamAuthorizer(store)
      await authorizer.authorize(callerFor(user), 'iam:GetUser', userArn('bounded'), {}, REQUEST)
      await assert.rejects(
        authorizer.authorize(
          callerFor(user),
          'iam:CreateRole',
          `arn:aws:iam::${ACCOUNT}:role/r`,
          {},
          REQUEST,
        ),
        denied(
          `User: ${userArn('bounded')} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/r because no permissions boundary allows the iam:CreateRole action`,
        ),
      )
    })
  })

  test('conditions read the request context: principal tags, source IP and operation context', async () => {
    await withStore(async (store) => {
      const user = await store.transaction(async (repo) => {
        const u = await addUser(repo, 'cond')
        await repo.inlinePolicies.put({
          accountId: ACCOUNT,
          entityType: 'user',
          entityId: u.userId,
          policyName: 'p',
          document: doc({
            Effect: 'Allow',
            Action: 'iam:TagUser',
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:PrincipalTag/team': 'blue', 'aws:RequestTag/env': 'dev' },
              IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
            },
          }),
        })
        return u
      })
      const authorizer = new IamAuthorizer(store)
      await authorizer.authorize(
        callerFor(user),
        'iam:TagUser',
        userArn('x'),
        { 'aws:RequestTag/env': 'dev' },
        REQUEST,
      )
      await assert.rejects(
        authorizer.authorize(
          callerFor(user),
          'iam:TagUser',
          userArn('x'),
          { 'aws:RequestTag/env': 'prod' },
          REQUEST,
        ),
        AwsError,
      )
      await assert.rejects(
        authorizer.authorize(
          callerFor(user),
          'iam:TagUser',
          userArn('x'),
          { 'aws:RequestTag/env': 'dev' },
          { ...REQUEST, sourceIp: '192.168.1.1' },
        ),
        AwsError,
      )
    })
  })

  test('the account root needs no policy', async () => {
    await withStore(async (store) => {
      const root: Caller = {
        type: 'root',
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        userId: ACCOUNT,
        principalId: '',
        name: 'root',
        accessKeyId: 'AKIDROOT',
      }
      await new IamAuthorizer(store).authorize(
        root,
        'iam:DeleteRole',
        `arn:aws:iam::${ACCOUNT}:role/x`,
        {},
        REQUEST,
      )
    })
  })

  test('a policy change takes effect on the next decision', async () => {
    await withStore(async (store) => {
      const user = await store.transaction((repo) => addUser(repo, 'late'))
      const authorizer = new IamAuthorizer(store)
      await assert.rejects(
        authorizer.authorize(callerFor(user), 'iam:ListRoles', '*', {}, REQUEST),
        AwsError,
      )
      await store.transaction((repo) =>
        repo.inlinePolicies.put({
          accountId: ACCOUNT,
          entityType: 'user',
          entityId: user.userId,
          policyName: 'p',
          document: doc({ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }),
        }),
      )
      await authorizer.authorize(callerFor(user), 'iam:ListRoles', '*', {}, REQUEST)
    })
  })

  test('a boundary naming a policy that does not exist allows nothing', async () => {
    await withStore(async (store) => {
      const user = await store.transaction(async (repo) => {
        const u = await addUser(repo, 'orphan', `arn:aws:iam::${ACCOUNT}:policy/gone`)
        await repo.attachments.attach({
          accountId: ACCOUNT,
          entityType: 'user',
          entityId: u.userId,
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        })
        return u
      })
      await assert.rejects(
        new IamAuthorizer(store).authorize(callerFor(user), 'iam:ListUsers', '*', {}, REQUEST),
        denied(
          `User: ${userArn('orphan')} is not authorized to perform: iam:ListUsers on resource: * because no permissions boundary allows the iam:ListUsers action`,
        ),
      )
    })
  })
})
