import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Params } from '../../src/core/input.js'
import { readInput } from '../../src/core/input.js'
import type { ResultObject } from '../../src/core/result.js'
import { roleOperations } from '../../src/iam/roles.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, testScope } from '../support/iam.js'
import {
  NOW,
  PERMISSIONS,
  READ_ONLY,
  expectAwsError,
  insertCustomerPolicy,
  list,
  member,
  presentKeys,
  tagParams,
  withHarness,
} from './entity-helpers.js'
import { corpus } from '../support/requirements.js'

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})

const roleNames = async (h: IamHarness, params: Params = {}) =>
  list(await h.call('ListRoles', params), 'Roles').map((role) => role['RoleName'])

const createRole = (h: IamHarness, name: string, params: Params = {}) =>
  h.call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST, ...params })

const getRole = async (h: IamHarness, name: string) =>
  member(await h.call('GetRole', { RoleName: name }), 'Role')

const notFound = (name: string) => ({
  code: 'NoSuchEntity',
  message: `The role with name ${name} cannot be found.`,
  status: 404,
})

/** A trust policy of valid statements over `size` characters without whitespace. */
function bigTrustPolicy(minimumSize: number): string {
  const principals: string[] = []
  let text = ''
  for (let i = 0; text.length <= minimumSize; i++) {
    principals.push(`arn:aws:iam::${String(100000000000 + i)}:root`)
    text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'sts:AssumeRole' }],
    })
  }
  return text
}

describe('CreateRole', () => {
  test('creates a role with an AROA id and answers with the members AWS returns', async () => {
    await withHarness(async (h) => {
      const role = member(await createRole(h, 'app', { Path: '/svc/' }), 'Role')
      assert.deepEqual(presentKeys(role), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
      ])
      assert.match(String(role['RoleId']), /^AROA[A-Z2-7]{17}$/)
      assert.equal(role['Arn'], `arn:aws:iam::${ACCOUNT}:role/svc/app`)
      assert.deepEqual(role['CreateDate'], NOW)
      assert.equal(role['AssumeRolePolicyDocument'], encodeURIComponent(TRUST))
    })
  })

  test('stores description, session duration, boundary and tags for GetRole', async () => {
    await withHarness(async (h) => {
      const boundary = await insertCustomerPolicy(h, 'boundary')
      const created = member(
        await createRole(h, 'app', {
          Description: 'runs the app',
          MaxSessionDuration: '7200',
          PermissionsBoundary: boundary,
          'Tags.member.1.Key': 'team',
          'Tags.member.1.Value': 'core',
        }),
        'Role',
      )
      assert.deepEqual(presentKeys(created), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
        'PermissionsBoundary',
        'Tags',
      ])
      const role = await getRole(h, 'APP')
      assert.deepEqual(presentKeys(role), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
        'Description',
        'MaxSessionDuration',
        'PermissionsBoundary',
        'Tags',
        'RoleLastUsed',
      ])
      assert.equal(role['RoleId'], created['RoleId'])
      assert.equal(role['Description'], 'runs the app')
      assert.equal(role['MaxSessionDuration'], 7200)
      assert.deepEqual(role['PermissionsBoundary'], {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: boundary,
      })
      assert.deepEqual(role['Tags'], [{ Key: 'team', Value: 'core' }])
      assert.deepEqual(role['RoleLastUsed'], {})
    })
  })

  test('defaults MaxSessionDuration to 3600', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app')
      assert.equal((await getRole(h, 'app'))['MaxSessionDuration'], 3600)
    })
  })

  test('adds the request tags to the authorisation context', async () => {
    const scope = await testScope()
    const operation = roleOperations.find((candidate) => candidate.name === 'CreateRole')
    assert.ok(operation?.context)
    const input = readInput(operation.input, {
      RoleName: 'app',
      AssumeRolePolicyDocument: TRUST,
      Path: '/svc/',
      ...tagParams(1, 2),
    })
    assert.deepEqual(operation.context(input), {
      'aws:RequestTag/key1': 'value1',
      'aws:RequestTag/key2': 'value2',
      'aws:TagKeys': ['key1', 'key2'],
    })
    assert.equal(await operation.resource(input, scope), `arn:aws:iam::${ACCOUNT}:role/svc/app`)
  })

  const rejected: {
    name: string
    params: Params
    code: string
    message: string
    status: number
  }[] = [
    {
      name: 'a trust policy that is not JSON',
      params: { AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [{},]}' },
      code: 'MalformedPolicyDocument',
      message: 'This policy contains invalid Json',
      status: 400,
    },
    {
      name: 'a trust policy with a Resource',
      params: {
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Resource: '*',
            },
          ],
        }),
      },
      code: 'MalformedPolicyDocument',
      message: 'Has prohibited field Resource',
      status: 400,
    },
    {
      name: 'a trust policy over 2048 characters',
      params: { AssumeRolePolicyDocument: bigTrustPolicy(2048) },
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for ACLSizePerRole: 2048',
      status: 409,
    },
    {
      name: 'a session duration under an hour',
      params: { MaxSessionDuration: '3599' },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
      status: 400,
    },
    {
      name: 'a session duration over twelve hours',
      params: { MaxSessionDuration: '43201' },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
      status: 400,
    },
    {
      name: 'a missing trust policy',
      params: { AssumeRolePolicyDocument: undefined as unknown as string },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
      status: 400,
    },
    {
      name: 'duplicate tag keys',
      params: { ...tagParams(1, 1, 'k'), 'Tags.member.2.Key': 'K1', 'Tags.member.2.Value': 'x' },
      code: 'InvalidInput',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      status: 400,
    },
    {
      name: 'a boundary that does not exist',
      params: { PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/none` },
      code: 'NoSuchEntity',
      message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/none does not exist or is not attachable.`,
      status: 404,
    },
  ]
  for (const { name, params, ...expected } of rejected) {
    test(`refuses ${name} and writes nothing`, async () => {
      await withHarness(async (h) => {
        const request: Record<string, string> = { RoleName: 'app', AssumeRolePolicyDocument: TRUST }
        for (const [key, value] of Object.entries(params)) {
          if (value === undefined) delete request[key]
          else request[key] = value
        }
        await expectAwsError(h.call('CreateRole', request), expected)
        assert.deepEqual(await roleNames(h), [])
      })
    })
  }

  test('names are unique without regard to case', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'Deployer')
      await expectAwsError(createRole(h, 'deployer'), {
        code: 'EntityAlreadyExists',
        message: 'Role with name deployer already exists.',
        status: 409,
      })
      assert.deepEqual(await roleNames(h), ['Deployer'])
    })
  })
})

describe('GetRole and ListRoles', () => {
  test('GetRole answers NoSuchEntity for an unknown role', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('GetRole', { RoleName: 'ghost' }), notFound('ghost'))
    })
  })

  test('ListRoles sorts, filters by path prefix and omits boundary, tags and last use', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'zeta', {
        Path: '/ops/',
        Description: 'd',
        PermissionsBoundary: READ_ONLY,
        ...tagParams(1, 1),
      })
      await createRole(h, 'Beta', { Path: '/eng/' })
      await createRole(h, 'alpha', { Path: '/eng/app/' })
      assert.deepEqual(await roleNames(h), ['alpha', 'Beta', 'zeta'])
      assert.deepEqual(await roleNames(h, { PathPrefix: '/eng/' }), ['alpha', 'Beta'])
      const [zeta] = list(await h.call('ListRoles', { PathPrefix: '/ops' }), 'Roles')
      assert.deepEqual(presentKeys(zeta), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
        'Description',
        'MaxSessionDuration',
      ])
    })
  })

  test('ListRoles pages', async () => {
    await withHarness(async (h) => {
      for (const name of ['r1', 'r2', 'r3']) await createRole(h, name)
      const first = await h.call('ListRoles', { MaxItems: '2' })
      assert.deepEqual(
        list(first, 'Roles').map((role) => role['RoleName']),
        ['r1', 'r2'],
      )
      assert.equal(first?.['IsTruncated'], true)
      const rest = await h.call('ListRoles', { Marker: String(first?.['Marker']) })
      assert.deepEqual(
        list(rest, 'Roles').map((role) => role['RoleName']),
        ['r3'],
      )
      assert.equal(rest?.['IsTruncated'], false)
    })
  })
})

describe('UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy', () => {
  test('UpdateRole changes description and session duration only where given', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app', { Description: 'old' })
      assert.deepEqual(
        await h.call('UpdateRole', { RoleName: 'app', MaxSessionDuration: '43200' }),
        {},
      )
      let role = await getRole(h, 'app')
      assert.equal(role['MaxSessionDuration'], 43200)
      assert.equal(role['Description'], 'old')
      await h.call('UpdateRole', { RoleName: 'app', Description: 'new' })
      role = await getRole(h, 'app')
      assert.equal(role['MaxSessionDuration'], 43200)
      assert.equal(role['Description'], 'new')
    })
  })

  test('UpdateRole refuses a bad duration and changes nothing', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app')
      await expectAwsError(h.call('UpdateRole', { RoleName: 'app', MaxSessionDuration: '60' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
        status: 400,
      })
      assert.equal((await getRole(h, 'app'))['MaxSessionDuration'], 3600)
      await expectAwsError(h.call('UpdateRole', { RoleName: 'ghost' }), notFound('ghost'))
    })
  })

  test('UpdateRoleDescription answers with the role without duration and last use', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app', tagParams(1, 1))
      const role = member(
        await h.call('UpdateRoleDescription', { RoleName: 'app', Description: 'described' }),
        'Role',
      )
      assert.deepEqual(presentKeys(role), [
        'Path',
        'RoleName',
        'RoleId',
        'Arn',
        'CreateDate',
        'AssumeRolePolicyDocument',
        'Description',
        'Tags',
      ])
      assert.equal((await getRole(h, 'app'))['Description'], 'described')
      await expectAwsError(h.call('UpdateRoleDescription', { RoleName: 'app' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must not be null",
        status: 400,
      })
    })
  })

  test('UpdateAssumeRolePolicy replaces a valid trust policy and refuses a bad one', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app')
      const next = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      })
      assert.equal(
        await h.call('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: next }),
        undefined,
      )
      assert.equal((await getRole(h, 'app'))['AssumeRolePolicyDocument'], encodeURIComponent(next))
      await expectAwsError(
        h.call('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: 'not json' }),
        {
          code: 'MalformedPolicyDocument',
          message: 'This policy contains invalid Json',
          status: 400,
        },
      )
      await expectAwsError(
        h.call('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: bigTrustPolicy(2048) }),
        {
          code: 'LimitExceeded',
          message: 'Cannot exceed quota for ACLSizePerRole: 2048',
          status: 409,
        },
      )
      assert.equal((await getRole(h, 'app'))['AssumeRolePolicyDocument'], encodeURIComponent(next))
      await expectAwsError(
        h.call('UpdateAssumeRolePolicy', { RoleName: 'ghost', PolicyDocument: next }),
        notFound('ghost'),
      )
    })
  })
})

describe('DeleteRole', () => {
  test('deletes a role and frees its name; a new role gets a new id', async () => {
    await withHarness(async (h) => {
      const first = member(await createRole(h, 'app'), 'Role')
      assert.equal(await h.call('DeleteRole', { RoleName: 'APP' }), undefined)
      assert.deepEqual(await roleNames(h), [])
      const second = member(await createRole(h, 'app'), 'Role')
      assert.notEqual(second['RoleId'], first['RoleId'])
    })
  })

  const conflicts = [
    {
      name: 'an attached policy',
      setUp: (h: IamHarness, roleId: string) =>
        h.store.transaction((repo) =>
          repo.attachments.attach({
            accountId: ACCOUNT,
            entityType: 'role',
            entityId: roleId,
            policyArn: READ_ONLY,
          }),
        ),
      message: 'Cannot delete entity, must detach all policies first.',
    },
    {
      name: 'an inline policy',
      setUp: (h: IamHarness, roleId: string) =>
        h.store.transaction((repo) =>
          repo.inlinePolicies.put({
            accountId: ACCOUNT,
            entityType: 'role',
            entityId: roleId,
            policyName: 'inline',
            document: PERMISSIONS,
          }),
        ),
      message: 'Cannot delete entity, must delete policies first.',
    },
  ]
  for (const { name, setUp, message } of conflicts) {
    test(`refuses while the role has ${name}`, async () => {
      await withHarness(async (h) => {
        const role = member(await createRole(h, 'app'), 'Role')
        await setUp(h, String(role['RoleId']))
        await expectAwsError(h.call('DeleteRole', { RoleName: 'app' }), {
          code: 'DeleteConflict',
          message,
          status: 409,
        })
        assert.deepEqual(await roleNames(h), ['app'])
      })
    })
  }

  test('answers NoSuchEntity for an unknown role', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('DeleteRole', { RoleName: 'ghost' }), notFound('ghost'))
    })
  })
})

describe('role tags and boundary', () => {
  const tagsOf = async (h: IamHarness) =>
    list(await h.call('ListRoleTags', { RoleName: 'app' }), 'Tags')

  test('TagRole merges, UntagRole removes, ListRoleTags pages', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app', { 'Tags.member.1.Key': 'Env', 'Tags.member.1.Value': 'dev' })
      await h.call('TagRole', {
        RoleName: 'app',
        'Tags.member.1.Key': 'env',
        'Tags.member.1.Value': 'prod',
        ...{ 'Tags.member.2.Key': 'owner', 'Tags.member.2.Value': 'me' },
      })
      assert.deepEqual(await tagsOf(h), [
        { Key: 'Env', Value: 'prod' },
        { Key: 'owner', Value: 'me' },
      ])
      const page = await h.call('ListRoleTags', { RoleName: 'app', MaxItems: '1' })
      assert.deepEqual(list(page, 'Tags'), [{ Key: 'Env', Value: 'prod' }])
      assert.equal(page?.['IsTruncated'], true)
      await h.call('UntagRole', {
        RoleName: 'app',
        'TagKeys.member.1': 'ENV',
        'TagKeys.member.2': 'gone',
      })
      assert.deepEqual(await tagsOf(h), [{ Key: 'owner', Value: 'me' }])
      assert.deepEqual((await getRole(h, 'app'))['Tags'], [{ Key: 'owner', Value: 'me' }])
      await h.call('UntagRole', { RoleName: 'app', 'TagKeys.member.1': 'owner' })
      assert.equal((await getRole(h, 'app'))['Tags'], undefined)
    })
  })

  test('TagRole past 50 tags and with reserved keys fails whole', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app', tagParams(1, 30))
      await expectAwsError(h.call('TagRole', { RoleName: 'app', ...tagParams(1, 30, 'other') }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for TagsPerRole: 50',
        status: 409,
      })
      await expectAwsError(
        h.call('TagRole', {
          RoleName: 'app',
          ...tagParams(31, 31),
          'Tags.member.2.Key': 'aws:cloudformation:stack-name',
          'Tags.member.2.Value': 'x',
        }),
        {
          code: 'InvalidInput',
          message: "Tag keys starting with 'aws:' are reserved for internal use.",
          status: 400,
        },
      )
      assert.equal((await tagsOf(h)).length, 30)
    })
  })

  test('tag operations on an unknown role answer NoSuchEntity', async () => {
    await withHarness(async (h) => {
      await expectAwsError(
        h.call('TagRole', { RoleName: 'ghost', ...tagParams(1, 1) }),
        notFound('ghost'),
      )
      await expectAwsError(
        h.call('UntagRole', { RoleName: 'ghost', 'TagKeys.member.1': 'k' }),
        notFound('ghost'),
      )
      await expectAwsError(h.call('ListRoleTags', { RoleName: 'ghost' }), notFound('ghost'))
    })
  })

  test('PutRolePermissionsBoundary and DeleteRolePermissionsBoundary', async () => {
    await withHarness(async (h) => {
      await createRole(h, 'app')
      await h.call('PutRolePermissionsBoundary', {
        RoleName: 'app',
        PermissionsBoundary: READ_ONLY,
      })
      assert.deepEqual((await getRole(h, 'app'))['PermissionsBoundary'], {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: READ_ONLY,
      })
      await expectAwsError(
        h.call('PutRolePermissionsBoundary', {
          RoleName: 'app',
          PermissionsBoundary: 'arn:aws:iam::aws:policy/Nonexistent',
        }),
        {
          code: 'NoSuchEntity',
          message:
            'Scope ARN: arn:aws:iam::aws:policy/Nonexistent does not exist or is not attachable.',
          status: 404,
        },
      )
      assert.equal(
        member(await getRole(h, 'app'), 'PermissionsBoundary')['PermissionsBoundaryArn'],
        READ_ONLY,
      )
      await h.call('DeleteRolePermissionsBoundary', { RoleName: 'app' })
      assert.equal((await getRole(h, 'app'))['PermissionsBoundary'], undefined)
      await expectAwsError(
        h.call('DeleteRolePermissionsBoundary', { RoleName: 'ghost' }),
        notFound('ghost'),
      )
    })
  })
})

// aws-shapes holds CreateRole/GetRole/ListRoles answers recorded against AWS (localstack's
// tests/aws/services/iam/test_iam.py, which sent Python json.dumps of the recorded documents).
const { path: snapshotFile, skip } = corpus('aws-shapes/iam/test_iam.snapshot.json')

describe('role shapes recorded against AWS', { skip }, () => {
  const recorded = (): Record<string, { 'recorded-content': Record<string, ResultObject> }> =>
    JSON.parse(readFileSync(snapshotFile, 'utf8')) as Record<
      string,
      { 'recorded-content': Record<string, ResultObject> }
    >
  const key = (name: string) => `tests/aws/services/iam/test_iam.py::${name}`
  const withoutMetadata = (response: ResultObject | undefined) =>
    Object.keys(response?.['Role'] ? member(response, 'Role') : (response ?? {})).sort()

  const cases = [
    {
      test: 'TestIAMIntegrations::test_create_describe_role',
      create: 'create_role_result',
      get: 'get_role_result',
      listing: 'list_roles_result',
      params: { Path: '/prefix/' } as Params,
    },
    {
      test: 'TestRoles::test_role_with_tags',
      create: 'create-role-response',
      get: 'get-role-response',
      listing: 'list-role-response',
      params: {
        Path: '/role-with-tags/',
        'Tags.member.1.Key': 'test',
        'Tags.member.1.Value': 'value',
      },
    },
  ]
  for (const entry of cases) {
    test(`${entry.test}: same members and decoded trust policy`, async () => {
      const content = recorded()[key(entry.test)]?.['recorded-content']
      assert.ok(content)
      const createdRecord = member(content[entry.create], 'Role')
      const document = JSON.stringify(createdRecord['AssumeRolePolicyDocument'])
      await withHarness(async (h) => {
        const created = member(
          await h.call('CreateRole', {
            RoleName: 'shape',
            AssumeRolePolicyDocument: document,
            ...entry.params,
          }),
          'Role',
        )
        assert.deepEqual(presentKeys(created).sort(), Object.keys(createdRecord).sort())
        assert.deepEqual(
          JSON.parse(decodeURIComponent(String(created['AssumeRolePolicyDocument']))),
          createdRecord['AssumeRolePolicyDocument'],
        )
        const got = await getRole(h, 'shape')
        assert.deepEqual(presentKeys(got).sort(), withoutMetadata(content[entry.get]))
        const [listed] = list(await h.call('ListRoles'), 'Roles')
        const [listedRecord] = list(content[entry.listing], 'Roles')
        assert.deepEqual(presentKeys(listed).sort(), Object.keys(listedRecord ?? {}).sort())
      })
    })
  }

  test('TestIAMIntegrations::test_list_roles_with_permission_boundary: ListRoles omits it', async () => {
    const content =
      recorded()[key('TestIAMIntegrations::test_list_roles_with_permission_boundary')]?.[
        'recorded-content'
      ]
    const [listedRecord] = list(content?.['list_roles_result'], 'Roles')
    await withHarness(async (h) => {
      await createRole(h, 'bounded', { PermissionsBoundary: READ_ONLY })
      const [listed] = list(await h.call('ListRoles'), 'Roles')
      assert.deepEqual(presentKeys(listed).sort(), Object.keys(listedRecord ?? {}).sort())
    })
  })

  test('TestIAMExtensions::test_create_role_with_malformed_assume_role_policy_document', async () => {
    const content =
      recorded()[
        key('TestIAMExtensions::test_create_role_with_malformed_assume_role_policy_document')
      ]?.['recorded-content']
    const error = member(content?.['invalid-json'], 'Error')
    const metadata = member(content?.['invalid-json'], 'ResponseMetadata')
    const document = `
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Action": "sts:AssumeRole",
              "Principal": "*",
              "Effect": "Allow",
            }
          ]
        }
        `
    await withHarness(async (h) => {
      await expectAwsError(createRole(h, 'bad', { AssumeRolePolicyDocument: document }), {
        code: String(error['Code']),
        message: String(error['Message']),
        status: Number(metadata['HTTPStatusCode']),
      })
    })
  })
})
