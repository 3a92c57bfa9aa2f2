// IAM's default quotas on what one account holds (IAM User Guide, "IAM and AWS STS quotas", IAM
// object quotas: 5,000 users, 1,000 roles, 300 groups, 1,500 customer managed policies and 1,000
// instance profiles per account), refused with LimitExceeded in AWS's words ("Cannot exceed quota for UsersPerAccount:
// 5000", as AWS answers CreateUser), writing nothing; a place freed is taken again, and another
// account's count is its own.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { iamArn } from '../../src/core/arn.js'
import type { Repositories } from '../../src/store/repositories.js'
import { ACCOUNT, rejectsWithAwsError, rootCaller, withHarness } from '../support/iam.js'

const T = new Date('2025-01-01T00:00:00Z')
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})
const DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
})

interface Kind {
  quota: string
  limit: number
  /** Stores `count` of them in `accountId` directly, as if created earlier. */
  fill(repo: Repositories, accountId: string, count: number): Promise<void>
  create: [action: string, params: Record<string, string>]
  remove: [action: string, params: Record<string, string>]
  count(repo: Repositories, accountId: string): Promise<number>
}

const kinds: Kind[] = [
  {
    quota: 'UsersPerAccount',
    limit: 5000,
    async fill(repo, accountId, count) {
      for (let i = 0; i < count; i += 1) {
        await repo.users.insert({
          accountId,
          userId: `AIDA${accountId}${i}`,
          userName: `u${i}`,
          path: '/',
          arn: iamArn(accountId, 'user', '/', `u${i}`),
          createDate: T,
          permissionsBoundaryArn: null,
          tags: [],
        })
      }
    },
    create: ['CreateUser', { UserName: 'one-more' }],
    remove: ['DeleteUser', { UserName: 'u0' }],
    count: (repo, accountId) => repo.users.count(accountId),
  },
  {
    quota: 'RolesPerAccount',
    limit: 1000,
    async fill(repo, accountId, count) {
      for (let i = 0; i < count; i += 1) {
        await repo.roles.insert({
          accountId,
          roleId: `AROA${accountId}${i}`,
          roleName: `r${i}`,
          path: '/',
          arn: iamArn(accountId, 'role', '/', `r${i}`),
          createDate: T,
          assumeRolePolicyDocument: TRUST,
          description: null,
          maxSessionDuration: 3600,
          permissionsBoundaryArn: null,
          tags: [],
          lastUsed: null,
        })
      }
    },
    create: ['CreateRole', { RoleName: 'one-more', AssumeRolePolicyDocument: TRUST }],
    remove: ['DeleteRole', { RoleName: 'r0' }],
    count: (repo, accountId) => repo.roles.count(accountId),
  },
  {
    quota: 'GroupsPerAccount',
    limit: 300,
    async fill(repo, accountId, count) {
      for (let i = 0; i < count; i += 1) {
        await repo.groups.insert({
          accountId,
          groupId: `AGPA${accountId}${i}`,
          groupName: `g${i}`,
          path: '/',
          arn: iamArn(accountId, 'group', '/', `g${i}`),
          createDate: T,
        })
      }
    },
    create: ['CreateGroup', { GroupName: 'one-more' }],
    remove: ['DeleteGroup', { GroupName: 'g0' }],
    count: (repo, accountId) => repo.groups.count(accountId),
  },
  {
    quota: 'PoliciesPerAccount',
    limit: 1500,
    async fill(repo, accountId, count) {
      for (let i = 0; i < count; i += 1) {
        const arn = iamArn(accountId, 'policy', '/', `p${i}`)
        await repo.policies.insert({
          accountId,
          policyId: `ANPA${accountId}${i}`,
          policyName: `p${i}`,
          path: '/',
          arn,
          description: null,
          defaultVersionId: 'v1',
          nextVersionNumber: 2,
          createDate: T,
          updateDate: T,
          tags: [],
        })
        await repo.policies.insertVersion({
          accountId,
          policyArn: arn,
          versionId: 'v1',
          document: DOCUMENT,
          createDate: T,
        })
      }
    },
    create: ['CreatePolicy', { PolicyName: 'one-more', PolicyDocument: DOCUMENT }],
    remove: ['DeletePolicy', { PolicyArn: iamArn(ACCOUNT, 'policy', '/', 'p0') }],
    count: (repo, accountId) => repo.policies.count(accountId),
  },
  {
    // "Instance profiles in an AWS account: 1000" (IAM object quotas).
    quota: 'InstanceProfilesPerAccount',
    limit: 1000,
    async fill(repo, accountId, count) {
      for (let i = 0; i < count; i += 1) {
        await repo.instanceProfiles.insert({
          accountId,
          instanceProfileId: `AIPA${accountId}${i}`,
          instanceProfileName: `ip${i}`,
          path: '/',
          arn: iamArn(accountId, 'instance-profile', '/', `ip${i}`),
          createDate: T,
          tags: [],
          roleId: null,
        })
      }
    },
    create: ['CreateInstanceProfile', { InstanceProfileName: 'one-more' }],
    remove: ['DeleteInstanceProfile', { InstanceProfileName: 'ip0' }],
    count: (repo, accountId) => repo.instanceProfiles.count(accountId),
  },
]

const OTHER = '210987654321'

describe('account quotas', () => {
  for (const kind of kinds) {
    test(`${kind.quota}: ${kind.limit}, then LimitExceeded writing nothing`, () =>
      withHarness(async (h) => {
        await h.store.transaction(async (repo) => {
          await repo.accounts.insert({ accountId: OTHER, createDate: T })
          await kind.fill(repo, ACCOUNT, kind.limit - 1)
          await kind.fill(repo, OTHER, 1)
        })
        // The last place is taken...
        await h.call(kind.create[0], kind.create[1])
        // ...and one more is refused, in AWS's words, with nothing written.
        const [action, params] = kind.create
        await rejectsWithAwsError(
          h.call(action, { ...params, [Object.keys(params)[0]!]: 'past-the-quota' }),
          'LimitExceeded',
          409,
          `Cannot exceed quota for ${kind.quota}: ${kind.limit}`,
        )
        assert.equal(await h.store.transaction((repo) => kind.count(repo, ACCOUNT)), kind.limit)
        // Another account's count is its own.
        await h.call(action, params, rootCaller(OTHER))
        // A place freed is taken again.
        await h.call(kind.remove[0], kind.remove[1])
        await h.call(action, { ...params, [Object.keys(params)[0]!]: 'past-the-quota' })
        assert.equal(await h.store.transaction((repo) => kind.count(repo, ACCOUNT)), kind.limit)
      }))
  }
})
