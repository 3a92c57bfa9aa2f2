// Instance profiles: AIPA ids and instance-profile ARNs with their path, at most one role (a
// second is LimitExceeded in AWS's words), DeleteConflict both ways between profile and role,
// lists by name and by role with paging, tags, the resource they are authorised on, and their
// place in GetAccountAuthorizationDetails. Every refusal writes nothing.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import { readInput } from '../../src/core/input.js'
import { instanceProfileOperations } from '../../src/iam/instance-profiles.js'
import { resourceScope } from '../../src/operation/resource-scope.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, rootCaller } from '../support/iam.js'
import { NOW, expectAwsError, list, member, presentKeys, withHarness } from './entity-helpers.js'

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})

const createRole = (h: IamHarness, name: string) =>
  h.call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST })

const createProfile = async (h: IamHarness, name: string, params: Params = {}) =>
  member(
    await h.call('CreateInstanceProfile', { InstanceProfileName: name, ...params }),
    'InstanceProfile',
  )

const getProfile = async (h: IamHarness, name: string) =>
  member(await h.call('GetInstanceProfile', { InstanceProfileName: name }), 'InstanceProfile')

const profileNames = async (h: IamHarness, action: string, params: Params = {}) =>
  list(await h.call(action, params), 'InstanceProfiles').map((p) => p['InstanceProfileName'])

const noProfile = (name: string) => ({
  code: 'NoSuchEntity',
  message: `Instance Profile ${name} cannot be found.`,
  status: 404,
})
const noRole = (name: string) => ({
  code: 'NoSuchEntity',
  message: `The role with name ${name} cannot be found.`,
  status: 404,
})
const ONE_ROLE = {
  code: 'LimitExceeded',
  message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
  status: 409,
}

describe('CreateInstanceProfile and GetInstanceProfile', () => {
  test('creates a profile with an AIPA id, its path in the ARN and no roles', async () => {
    await withHarness(async (h) => {
      const created = await createProfile(h, 'Webserver', { Path: '/web/' })
      assert.deepEqual(presentKeys(created), [
        'Path',
        'InstanceProfileName',
        'InstanceProfileId',
        'Arn',
        'CreateDate',
        'Roles',
      ])
      assert.match(String(created['InstanceProfileId']), /^AIPA[A-Z2-7]{17}$/)
      assert.equal(created['Arn'], `arn:aws:iam::${ACCOUNT}:instance-profile/web/Webserver`)
      assert.equal(created['Path'], '/web/')
      assert.deepEqual(created['CreateDate'], NOW)
      assert.deepEqual(created['Roles'], [])
      assert.deepEqual(await getProfile(h, 'WEBSERVER'), created)
    })
  })

  test('keeps tags, shown by Create and Get', async () => {
    await withHarness(async (h) => {
      const created = await createProfile(h, 'tagged', {
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'core',
      })
      assert.deepEqual(created['Tags'], [{ Key: 'team', Value: 'core' }])
      assert.deepEqual((await getProfile(h, 'tagged'))['Tags'], [{ Key: 'team', Value: 'core' }])
    })
  })

  test('refusals are AWS errors and write nothing', async () => {
    await withHarness(async (h) => {
      await createProfile(h, 'web')
      await expectAwsError(h.call('CreateInstanceProfile', { InstanceProfileName: 'WEB' }), {
        code: 'EntityAlreadyExists',
        message: 'Instance Profile WEB already exists.',
        status: 409,
      })
      await expectAwsError(h.call('CreateInstanceProfile', { InstanceProfileName: 'a b' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        status: 400,
      })
      await expectAwsError(
        h.call('CreateInstanceProfile', { InstanceProfileName: 'x'.repeat(129) }),
        {
          code: 'ValidationError',
          message:
            "1 validation error detected: Value at 'instanceProfileName' failed to satisfy constraint: Member must have length less than or equal to 128",
          status: 400,
        },
      )
      await expectAwsError(
        h.call('CreateInstanceProfile', {
          InstanceProfileName: 'dup',
          'Tags.member.1.Key': 'Team',
          'Tags.member.1.Value': 'a',
          'Tags.member.2.Key': 'team',
          'Tags.member.2.Value': 'b',
        }),
        {
          code: 'InvalidInput',
          message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
          status: 400,
        },
      )
      await expectAwsError(
        h.call('GetInstanceProfile', { InstanceProfileName: 'dup' }),
        noProfile('dup'),
      )
      // A name of 128 characters is allowed (instanceProfileNameType, longer than a role's 64).
      await createProfile(h, 'x'.repeat(128))
      assert.deepEqual(await profileNames(h, 'ListInstanceProfiles'), ['web', 'x'.repeat(128)])
    })
  })
})

describe('AddRoleToInstanceProfile and RemoveRoleFromInstanceProfile', () => {
  test('a profile holds one role, shown with the six members AWS embeds', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'S3Access')
      await createProfile(h, 'Webserver')
      assert.equal(
        await h.call('AddRoleToInstanceProfile', {
          InstanceProfileName: 'webserver',
          RoleName: 's3access',
        }),
        undefined,
      )
      const roles = list(await getProfile(h, 'Webserver'), 'Roles')
      assert.equal(roles.length, 1)
      assert.deepEqual(presentKeys(roles[0]), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
      ])
      assert.equal(roles[0]!['RoleName'], 'S3Access')
      assert.equal(roles[0]!['AssumeRolePolicyDocument'], encodeURIComponent(TRUST))
    })
  })

  test('a second role, or the same again, exceeds the quota of one', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'first')
      await createRole(h, 'second')
      await createProfile(h, 'web')
      await h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'first' })
      for (const role of ['second', 'first']) {
        await expectAwsError(
          h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: role }),
          ONE_ROLE,
        )
      }
      assert.deepEqual(
        list(await getProfile(h, 'web'), 'Roles').map((r) => r['RoleName']),
        ['first'],
      )
      // Removing the role makes room for another.
      await h.call('RemoveRoleFromInstanceProfile', {
        InstanceProfileName: 'web',
        RoleName: 'first',
      })
      assert.deepEqual((await getProfile(h, 'web'))['Roles'], [])
      await h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'second' })
    })
  })

  test('missing profiles and roles, and a role the profile does not hold', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'held')
      await createRole(h, 'other')
      await createProfile(h, 'web')
      await expectAwsError(
        h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'nope', RoleName: 'held' }),
        noProfile('nope'),
      )
      await expectAwsError(
        h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'nope' }),
        noRole('nope'),
      )
      assert.deepEqual((await getProfile(h, 'web'))['Roles'], [])
      await h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'held' })
      await expectAwsError(
        h.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'web', RoleName: 'other' }),
        noRole('other'),
      )
      await expectAwsError(
        h.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'nope', RoleName: 'held' }),
        noProfile('nope'),
      )
      assert.equal(list(await getProfile(h, 'web'), 'Roles').length, 1)
    })
  })
})

describe('deleting profiles and roles', () => {
  test('DeleteInstanceProfile and DeleteRole are refused while the role is in the profile', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app')
      await createProfile(h, 'app')
      await h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'app', RoleName: 'app' })
      const conflict = {
        code: 'DeleteConflict',
        message: 'Cannot delete entity, must remove roles from instance profile first.',
        status: 409,
      }
      await expectAwsError(
        h.call('DeleteInstanceProfile', { InstanceProfileName: 'app' }),
        conflict,
      )
      await expectAwsError(h.call('DeleteRole', { RoleName: 'app' }), conflict)
      assert.ok(await getProfile(h, 'app'))
      assert.ok(await h.call('GetRole', { RoleName: 'app' }))

      await h.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'app', RoleName: 'app' })
      await h.call('DeleteRole', { RoleName: 'app' })
      assert.equal(await h.call('DeleteInstanceProfile', { InstanceProfileName: 'APP' }), undefined)
      await expectAwsError(
        h.call('GetInstanceProfile', { InstanceProfileName: 'app' }),
        noProfile('app'),
      )
      await expectAwsError(
        h.call('DeleteInstanceProfile', { InstanceProfileName: 'app' }),
        noProfile('app'),
      )
    })
  })
})

describe('ListInstanceProfiles and ListInstanceProfilesForRole', () => {
  test('list by name, filter by path prefix, page with Marker, and show roles but not tags', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'web')
      for (const [name, path] of [
        ['delta', '/a/'],
        ['Alpha', '/'],
        ['charlie', '/a/b/'],
        ['Bravo', '/'],
      ] as const) {
        await createProfile(h, name, {
          Path: path,
          'Tags.member.1.Key': 'k',
          'Tags.member.1.Value': 'v',
        })
      }
      await h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'Bravo', RoleName: 'web' })
      assert.deepEqual(await profileNames(h, 'ListInstanceProfiles'), [
        'Alpha',
        'Bravo',
        'charlie',
        'delta',
      ])
      assert.deepEqual(await profileNames(h, 'ListInstanceProfiles', { PathPrefix: '/a/' }), [
        'charlie',
        'delta',
      ])
      const listed = list(await h.call('ListInstanceProfiles'), 'InstanceProfiles')
      for (const profile of listed) assert.equal(profile['Tags'], undefined)
      assert.deepEqual(
        list(listed[1], 'Roles').map((r) => r['RoleName']),
        ['web'],
      )

      const first = await h.call('ListInstanceProfiles', { MaxItems: '3' })
      assert.equal(first?.['IsTruncated'], true)
      assert.equal(list(first, 'InstanceProfiles').length, 3)
      const rest = await h.call('ListInstanceProfiles', {
        MaxItems: '3',
        Marker: String(first?.['Marker']),
      })
      assert.equal(rest?.['IsTruncated'], false)
      assert.equal(rest?.['Marker'], undefined)
      assert.deepEqual(
        list(rest, 'InstanceProfiles').map((p) => p['InstanceProfileName']),
        ['delta'],
      )
      await expectAwsError(h.call('ListInstanceProfiles', { Marker: 'garbage' }), {
        code: 'InvalidInput',
        message: 'Invalid Marker.',
        status: 400,
      })
    })
  })

  test('the profiles holding a role, paged; a missing role is NoSuchEntity', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'web')
      await createRole(h, 'db')
      for (const name of ['web-2', 'web-1', 'web-3', 'db-1', 'empty']) await createProfile(h, name)
      for (const name of ['web-2', 'web-1', 'web-3']) {
        await h.call('AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: 'web' })
      }
      await h.call('AddRoleToInstanceProfile', { InstanceProfileName: 'db-1', RoleName: 'db' })
      assert.deepEqual(await profileNames(h, 'ListInstanceProfilesForRole', { RoleName: 'WEB' }), [
        'web-1',
        'web-2',
        'web-3',
      ])
      const page = await h.call('ListInstanceProfilesForRole', { RoleName: 'web', MaxItems: '2' })
      assert.equal(page?.['IsTruncated'], true)
      const next = await h.call('ListInstanceProfilesForRole', {
        RoleName: 'web',
        Marker: String(page?.['Marker']),
      })
      assert.deepEqual(
        list(next, 'InstanceProfiles').map((p) => p['InstanceProfileName']),
        ['web-3'],
      )
      assert.deepEqual(await profileNames(h, 'ListInstanceProfilesForRole', { RoleName: 'db' }), [
        'db-1',
      ])
      await expectAwsError(
        h.call('ListInstanceProfilesForRole', { RoleName: 'nope' }),
        noRole('nope'),
      )
    })
  })
})

describe('instance profile tags', () => {
  test('tag, untag and list, keys matched without case, at most 50', async () => {
    await withHarness(async (h) => {
      await createProfile(h, 'web')
      await h.call('TagInstanceProfile', {
        InstanceProfileName: 'web',
        'Tags.member.1.Key': 'Team',
        'Tags.member.1.Value': 'core',
        'Tags.member.2.Key': 'env',
        'Tags.member.2.Value': 'dev',
      })
      await h.call('TagInstanceProfile', {
        InstanceProfileName: 'web',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'platform',
      })
      await h.call('UntagInstanceProfile', {
        InstanceProfileName: 'web',
        'TagKeys.member.1': 'ENV',
      })
      assert.deepEqual(
        list(await h.call('ListInstanceProfileTags', { InstanceProfileName: 'web' }), 'Tags'),
        [{ Key: 'Team', Value: 'platform' }],
      )
      const many: Record<string, string> = { InstanceProfileName: 'web' }
      for (let i = 1; i <= 50; i++) {
        many[`Tags.member.${i}.Key`] = `k${i}`
        many[`Tags.member.${i}.Value`] = 'v'
      }
      await expectAwsError(h.call('TagInstanceProfile', many), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for TagsPerInstanceProfile: 50',
        status: 409,
      })
      assert.equal(
        list(await h.call('ListInstanceProfileTags', { InstanceProfileName: 'web' }), 'Tags')
          .length,
        1,
      )
      await expectAwsError(
        h.call('ListInstanceProfileTags', { InstanceProfileName: 'nope' }),
        noProfile('nope'),
      )
    })
  })
})

describe('authorisation and GetAccountAuthorizationDetails', () => {
  test('operations on a profile name its ARN with its stored path', async () => {
    await withHarness(async (h) => {
      await createProfile(h, 'web', { Path: '/team/' })
      const scope = resourceScope(h.store, rootCaller())
      const resource = async (action: string, params: Params) => {
        const operation = instanceProfileOperations.find((o) => o.name === action)!
        return operation.resource(readInput(operation.input, params), scope)
      }
      const arn = `arn:aws:iam::${ACCOUNT}:instance-profile/team/web`
      for (const action of [
        'GetInstanceProfile',
        'DeleteInstanceProfile',
        'ListInstanceProfileTags',
        'UntagInstanceProfile',
      ]) {
        assert.equal(
          await resource(action, { InstanceProfileName: 'web', 'TagKeys.member.1': 'k' }),
          arn,
        )
      }
      assert.equal(
        await resource('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'r' }),
        arn,
      )
      assert.equal(
        await resource('CreateInstanceProfile', { InstanceProfileName: 'new', Path: '/x/' }),
        `arn:aws:iam::${ACCOUNT}:instance-profile/x/new`,
      )
      assert.equal(
        await resource('ListInstanceProfiles', { PathPrefix: '/team/' }),
        `arn:aws:iam::${ACCOUNT}:instance-profile/team/`,
      )
      assert.equal(
        await resource('ListInstanceProfilesForRole', { RoleName: 'r' }),
        `arn:aws:iam::${ACCOUNT}:role/r`,
      )
      // A profile that does not exist is named with path `/`; the call then says it is missing.
      assert.equal(
        await resource('GetInstanceProfile', { InstanceProfileName: 'nope' }),
        `arn:aws:iam::${ACCOUNT}:instance-profile/nope`,
      )
    })
  })

  test('a role’s details list the instance profiles that hold it', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'web')
      await createRole(h, 'alone')
      await createProfile(h, 'web-profile', {
        'Tags.member.1.Key': 'k',
        'Tags.member.1.Value': 'v',
      })
      await h.call('AddRoleToInstanceProfile', {
        InstanceProfileName: 'web-profile',
        RoleName: 'web',
      })
      const roles = list(
        await h.call('GetAccountAuthorizationDetails', { 'Filter.member.1': 'Role' }),
        'RoleDetailList',
      )
      const byName = new Map(roles.map((role) => [role['RoleName'], role]))
      assert.deepEqual(byName.get('alone')?.['InstanceProfileList'], [])
      const [profile] = list(byName.get('web'), 'InstanceProfileList')
      assert.deepEqual(presentKeys(profile), [
        'Path',
        'InstanceProfileName',
        'InstanceProfileId',
        'Arn',
        'CreateDate',
        'Roles',
      ])
      assert.equal(profile?.['InstanceProfileName'], 'web-profile')
      assert.deepEqual(
        list(profile, 'Roles').map((r) => r['RoleName']),
        ['web'],
      )
    })
  })
})
