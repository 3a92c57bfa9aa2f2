import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import type { ResultObject } from '../../src/core/result.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT } from '../support/iam.js'
import { expectAwsError, list, presentKeys, withHarness } from './entity-helpers.js'

const DOC =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
const EKS_NODE = 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy'
const LOCAL = `arn:aws:iam::${ACCOUNT}:policy/local`

/** Two users (one in a group, one with a boundary), a group, a role, and policies on each. */
async function scene(h: IamHarness) {
  await h.call('CreatePolicy', { PolicyName: 'local', PolicyDocument: DOC })
  await h.call('CreatePolicy', { PolicyName: 'unused', PolicyDocument: DOC })
  await h.call('CreatePolicyVersion', {
    PolicyArn: LOCAL,
    PolicyDocument: DOC,
    SetAsDefault: 'true',
  })
  await h.call('CreateUser', {
    UserName: 'alice',
    'Tags.member.1.Key': 'team',
    'Tags.member.1.Value': 'core',
  })
  await h.call('CreateUser', { UserName: 'bob', PermissionsBoundary: EKS_NODE })
  await h.call('CreateGroup', { GroupName: 'admins' })
  await h.call('AddUserToGroup', { GroupName: 'admins', UserName: 'alice' })
  await h.call('CreateRole', { RoleName: 'nodes', AssumeRolePolicyDocument: TRUST })
  await h.call('PutUserPolicy', {
    UserName: 'alice',
    PolicyName: 'inline-user',
    PolicyDocument: DOC,
  })
  await h.call('PutGroupPolicy', {
    GroupName: 'admins',
    PolicyName: 'inline-group',
    PolicyDocument: DOC,
  })
  await h.call('PutRolePolicy', {
    RoleName: 'nodes',
    PolicyName: 'inline-role',
    PolicyDocument: DOC,
  })
  await h.call('AttachGroupPolicy', { GroupName: 'admins', PolicyArn: ADMIN })
  await h.call('AttachRolePolicy', { RoleName: 'nodes', PolicyArn: LOCAL })
}

const details = (h: IamHarness, params: Params = {}) =>
  h.call('GetAccountAuthorizationDetails', params)

const names = (result: ResultObject | undefined) => ({
  users: list(result, 'UserDetailList').map((u) => u['UserName']),
  groups: list(result, 'GroupDetailList').map((g) => g['GroupName']),
  roles: list(result, 'RoleDetailList').map((r) => r['RoleName']),
  policies: list(result, 'Policies').map((p) => p['PolicyName']),
})

describe('GetAccountAuthorizationDetails', () => {
  test('returns the four lists in AWS order, with AWS policies only when used', async () => {
    await withHarness(async (h) => {
      await scene(h)
      const result = await details(h)
      assert.deepEqual(presentKeys(result), [
        'UserDetailList',
        'GroupDetailList',
        'RoleDetailList',
        'Policies',
        'IsTruncated',
      ])
      assert.deepEqual(names(result), {
        users: ['alice', 'bob'],
        groups: ['admins'],
        roles: ['nodes'],
        // AdministratorAccess is attached and the EKS policy is a boundary; the other ~1,500
        // AWS managed policies are not in use and stay out.
        policies: ['AdministratorAccess', 'AmazonEKSWorkerNodePolicy', 'local', 'unused'],
      })
      assert.equal(result?.['IsTruncated'], false)
    })
  })

  test('details users with inline policies, groups, attachments, boundary and tags', async () => {
    await withHarness(async (h) => {
      await scene(h)
      const [alice, bob] = list(await details(h), 'UserDetailList')
      assert.deepEqual(presentKeys(alice), [
        'Path',
        'UserName',
        'UserId',
        'Arn',
        'CreateDate',
        'UserPolicyList',
        'GroupList',
        'AttachedManagedPolicies',
        'Tags',
      ])
      assert.deepEqual(alice?.['UserPolicyList'], [
        { PolicyName: 'inline-user', PolicyDocument: encodeURIComponent(DOC) },
      ])
      assert.deepEqual(alice?.['GroupList'], ['admins'])
      assert.deepEqual(alice?.['AttachedManagedPolicies'], [])
      assert.deepEqual(alice?.['Tags'], [{ Key: 'team', Value: 'core' }])
      assert.deepEqual(bob?.['PermissionsBoundary'], {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: EKS_NODE,
      })
      assert.equal(bob?.['UserPolicyList'], undefined)
    })
  })

  test('details groups and roles', async () => {
    await withHarness(async (h) => {
      await scene(h)
      const result = await details(h)
      const [group] = list(result, 'GroupDetailList')
      assert.deepEqual(presentKeys(group), [
        'Path',
        'GroupName',
        'GroupId',
        'Arn',
        'CreateDate',
        'GroupPolicyList',
        'AttachedManagedPolicies',
      ])
      assert.deepEqual(group?.['AttachedManagedPolicies'], [
        { PolicyName: 'AdministratorAccess', PolicyArn: ADMIN },
      ])
      const [role] = list(result, 'RoleDetailList')
      assert.deepEqual(presentKeys(role), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
        'InstanceProfileList',
        'RolePolicyList',
        'AttachedManagedPolicies',
        'RoleLastUsed',
      ])
      assert.equal(decodeURIComponent(String(role?.['AssumeRolePolicyDocument'])), TRUST)
      assert.deepEqual(role?.['RolePolicyList'], [
        { PolicyName: 'inline-role', PolicyDocument: encodeURIComponent(DOC) },
      ])
      assert.deepEqual(role?.['AttachedManagedPolicies'], [
        { PolicyName: 'local', PolicyArn: LOCAL },
      ])
    })
  })

  test('details managed policies with every version, URL-encoded', async () => {
    await withHarness(async (h) => {
      await scene(h)
      const policies = list(await details(h), 'Policies')
      const local = policies.find((p) => p['Arn'] === LOCAL)
      assert.deepEqual(presentKeys(local), [
        'PolicyName',
        'PolicyId',
        'Arn',
        'Path',
        'DefaultVersionId',
        'AttachmentCount',
        'PermissionsBoundaryUsageCount',
        'IsAttachable',
        'CreateDate',
        'UpdateDate',
        'PolicyVersionList',
      ])
      assert.equal(local?.['DefaultVersionId'], 'v2')
      assert.equal(local?.['AttachmentCount'], 1)
      const versions = list(local, 'PolicyVersionList')
      assert.deepEqual(
        versions.map((v) => [v['VersionId'], v['IsDefaultVersion'], v['Document']]),
        [
          ['v1', false, encodeURIComponent(DOC)],
          ['v2', true, encodeURIComponent(DOC)],
        ],
      )
      const boundary = policies.find((p) => p['Arn'] === EKS_NODE)
      assert.equal(boundary?.['PermissionsBoundaryUsageCount'], 1)
      assert.equal(boundary?.['AttachmentCount'], 0)
      const admin = policies.find((p) => p['Arn'] === ADMIN)
      const [adminVersion] = list(admin, 'PolicyVersionList')
      assert.equal(
        JSON.parse(decodeURIComponent(String(adminVersion?.['Document']))).Statement[0].Action,
        '*',
      )
    })
  })

  test('Filter picks the lists to fill', async () => {
    await withHarness(async (h) => {
      await scene(h)
      assert.deepEqual(names(await details(h, { 'Filter.member.1': 'Role' })), {
        users: [],
        groups: [],
        roles: ['nodes'],
        policies: [],
      })
      assert.deepEqual(
        names(
          await details(h, { 'Filter.member.1': 'User', 'Filter.member.2': 'LocalManagedPolicy' }),
        ),
        { users: ['alice', 'bob'], groups: [], roles: [], policies: ['local', 'unused'] },
      )
      assert.deepEqual(
        names(await details(h, { 'Filter.member.1': 'AWSManagedPolicy' })).policies,
        ['AdministratorAccess', 'AmazonEKSWorkerNodePolicy'],
      )
      assert.ok(!names(await details(h)).policies.includes('ReadOnlyAccess'))
    })
  })

  test('one Marker pages through all four lists', async () => {
    await withHarness(async (h) => {
      await scene(h)
      const seen = {
        users: [] as unknown[],
        groups: [] as unknown[],
        roles: [] as unknown[],
        policies: [] as unknown[],
      }
      let marker: string | undefined
      let pages = 0
      do {
        const page = await details(h, { MaxItems: '3', ...(marker ? { Marker: marker } : {}) })
        const got = names(page)
        seen.users.push(...got.users)
        seen.groups.push(...got.groups)
        seen.roles.push(...got.roles)
        seen.policies.push(...got.policies)
        assert.ok(
          got.users.length + got.groups.length + got.roles.length + got.policies.length <= 3,
        )
        marker = page?.['IsTruncated'] ? String(page['Marker']) : undefined
        pages += 1
      } while (marker)
      assert.equal(pages, 3)
      assert.deepEqual(seen, names(await details(h)))
    })
  })

  test('refuses an unknown filter', async () => {
    await withHarness(async (h) => {
      await expectAwsError(details(h, { 'Filter.member.1': 'Robots' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set]",
        status: 400,
      })
    })
  })

  test('an empty account answers four empty lists', async () => {
    await withHarness(async (h) => {
      assert.deepEqual(await details(h), {
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [],
        IsTruncated: false,
        Marker: undefined,
      })
    })
  })
})
