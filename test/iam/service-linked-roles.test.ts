// Service-linked roles: the service data matches what AWS was recorded answering (aws-shapes
// TestIAMServiceRoles, from LocalStack's tests against AWS), each recorded service's role comes out
// as recorded, and every refusal is AWS's, with nothing written.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { iamArn } from '../../src/core/arn.js'
import type { Caller, RequestInfo } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import { IamAuthorizer } from '../../src/iam/authorize.js'
import { iamOperations } from '../../src/iam/operations.js'
import { IamService } from '../../src/iam/service.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import type { ResultObject } from '../../src/core/result.js'
import { serviceLinkedRoleServices } from '../../src/iam/service-linked-roles.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, rootCaller } from '../support/iam.js'
import { corpus } from '../support/requirements.js'
import { deriveServiceLinkedRoles } from '../../scripts/extract-service-linked-roles.js'
import { expectAwsError, list, member, presentKeys, withHarness } from './entity-helpers.js'

type Recorded = Record<string, { 'recorded-content': Record<string, ResultObject> }>

const { path: snapshotFile, skip } = corpus('aws-shapes/iam/test_iam.snapshot.json')
const recorded = (): Recorded => JSON.parse(readFileSync(snapshotFile, 'utf8')) as Recorded
const key = (test: string) => `tests/aws/services/iam/test_iam.py::TestIAMServiceRoles::${test}`

const roleNames = async (h: IamHarness) =>
  list(await h.call('ListRoles'), 'Roles').map((role) => role['RoleName'])

const create = (h: IamHarness, params: Record<string, string>) =>
  h.call('CreateServiceLinkedRole', params)

/** Keys in order, recursively, so two JSON documents compare by content. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  )
}

/** GetRole's Role, ListRolePolicies and ListAttachedRolePolicies, in the recording's shape. */
async function describeRole(h: IamHarness, roleName: string) {
  const role = member(await h.call('GetRole', { RoleName: roleName }), 'Role')
  const inline = await h.call('ListRolePolicies', { RoleName: roleName })
  const attached = await h.call('ListAttachedRolePolicies', { RoleName: roleName })
  const decoded: Record<string, unknown> = {
    ...role,
    AssumeRolePolicyDocument: JSON.parse(
      decodeURIComponent(String(role['AssumeRolePolicyDocument'])),
    ) as unknown,
  }
  return {
    role: decoded,
    inline: list(inline, 'PolicyNames'),
    attached: list(attached, 'AttachedPolicies'),
  }
}

/** The recording with its placeholders put back as this run's values. */
const fromRecording = (value: unknown, suffix = ''): unknown =>
  JSON.parse(
    JSON.stringify(value)
      .replaceAll('arn:<partition>:', 'arn:aws:')
      .replaceAll('111111111111', ACCOUNT)
      .replaceAll('<suffix>', suffix),
  )

describe('service-linked role data', { skip }, () => {
  test('src/iam/service-linked-roles.json is what the script derives from the recordings', () => {
    const derived = deriveServiceLinkedRoles(recorded())
    assert.deepEqual([...serviceLinkedRoleServices().values()], derived)
    assert.equal(derived.length, 71)
    assert.deepEqual(
      derived.filter((entry) => entry.customSuffix).map((entry) => entry.service),
      ['autoscaling.amazonaws.com', 'connect.amazonaws.com', 'lexv2.amazonaws.com'],
    )
  })
})

describe('CreateServiceLinkedRole against the recordings', { skip }, () => {
  const services = () =>
    Object.keys(recorded())
      .map((k) => /TestIAMServiceRoles::test_service_role_lifecycle\[(.+)\]$/.exec(k)?.[1])
      .filter((service): service is string => service !== undefined)

  test('every recorded service: the role, its trust policy and its policies as AWS made them', async () => {
    const all = recorded()
    const found = services()
    assert.equal(found.length, 71)
    await withHarness(async (h) => {
      for (const service of found) {
        const content = all[key(`test_service_role_lifecycle[${service}]`)]!['recorded-content']
        const expectedRole = fromRecording(member(content['describe-response'], 'Role')) as Record<
          string,
          unknown
        >
        const created = member(await create(h, { AWSServiceName: service }), 'Role')
        const roleName = String(created['RoleName'])
        const got = await describeRole(h, roleName)
        // Members AWS varies by how the role came to be (LocalStack skips them too): RoleLastUsed
        // and Description of roles a service had made before; ids and dates are this run's.
        const comparable = (role: Record<string, unknown>) => {
          const skipped = ['RoleId', 'CreateDate', 'RoleLastUsed', 'Description']
          return sorted(
            Object.fromEntries(
              Object.entries(role).filter(([k, v]) => v !== undefined && !skipped.includes(k)),
            ),
          )
        }
        assert.deepEqual(comparable(got.role), comparable(expectedRole), service)
        assert.deepEqual(got.inline, list(content['inline-role-policies'], 'PolicyNames'))
        assert.deepEqual(
          got.attached,
          fromRecording(list(content['attached-role-policies'], 'AttachedPolicies')),
          service,
        )
      }
    })
  })

  test('services taking a CustomSuffix name the role NAME_SUFFIX (recorded)', async () => {
    const all = recorded()
    for (const service of [
      'autoscaling.amazonaws.com',
      'connect.amazonaws.com',
      'lexv2.amazonaws.com',
    ]) {
      const content =
        all[key(`test_service_role_lifecycle_custom_suffix[${service}]`)]!['recorded-content']
      await withHarness(async (h) => {
        const created = member(
          await create(h, { AWSServiceName: service, CustomSuffix: 'a1b2c3' }),
          'Role',
        )
        const expected = fromRecording(
          member(content['describe-response'], 'Role'),
          'a1b2c3',
        ) as ResultObject
        assert.equal(created['RoleName'], expected['RoleName'])
        const got = await describeRole(h, String(created['RoleName']))
        assert.equal(got.role['Arn'], expected['Arn'])
        assert.deepEqual(
          got.attached,
          fromRecording(list(content['attached-role-policies'], 'AttachedPolicies')),
        )
      })
    }
  })

  test('every other service refuses a CustomSuffix in AWS words and writes nothing', async () => {
    const all = recorded()
    const refusing = Object.keys(all)
      .map((k) => /test_service_role_lifecycle_custom_suffix_not_allowed\[(.+)\]$/.exec(k)?.[1])
      .filter((service): service is string => service !== undefined)
    assert.equal(refusing.length, 68)
    await withHarness(async (h) => {
      for (const service of refusing) {
        const content =
          all[key(`test_service_role_lifecycle_custom_suffix_not_allowed[${service}]`)]![
            'recorded-content'
          ]
        const error = member(content['custom-suffix-not-allowed'], 'Error')
        await expectAwsError(create(h, { AWSServiceName: service, CustomSuffix: 'testsuffix' }), {
          code: String(error['Code']),
          message: String(error['Message']),
          status: 400,
        })
      }
      assert.deepEqual(await roleNames(h), [])
    })
  })

  test('a second role for the same service: the name is taken (recorded)', async () => {
    const content = recorded()[key('test_service_role_already_exists')]!['recorded-content']
    const error = member(content['role-already-exists-error'], 'Error')
    await withHarness(async (h) => {
      await create(h, { AWSServiceName: 'batch.amazonaws.com' })
      await expectAwsError(create(h, { AWSServiceName: 'batch.amazonaws.com' }), {
        code: String(error['Code']),
        message: String(error['Message']),
        status: 400,
      })
      assert.deepEqual(await roleNames(h), ['AWSServiceRoleForBatch'])
    })
  })

  test('DeleteServiceLinkedRole hands out a task that reports SUCCEEDED (recorded shape)', async () => {
    const content = recorded()[key('test_service_role_deletion')]!['recorded-content']
    const recordedId = String(
      content['service-linked-role-deletion-response']?.['DeletionTaskId'],
    ).replace('<uuid>', '(?<uuid>[0-9a-f-]{36})')
    await withHarness(async (h) => {
      await create(h, { AWSServiceName: 'batch.amazonaws.com' })
      const deleted = await h.call('DeleteServiceLinkedRole', {
        RoleName: 'AWSServiceRoleForBatch',
      })
      assert.deepEqual(presentKeys(deleted), ['DeletionTaskId'])
      const taskId = String(deleted?.['DeletionTaskId'])
      assert.match(taskId, new RegExp(`^${recordedId}$`))
      assert.deepEqual(await roleNames(h), [])
      const status = await h.call('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId: taskId })
      const expected = { ...content['service-linked-role-deletion-status-response'] }
      delete expected['ResponseMetadata']
      assert.deepEqual(status, expected)
      // The role's name is free again.
      await create(h, { AWSServiceName: 'batch.amazonaws.com' })
    })
  })
})

describe('CreateServiceLinkedRole', () => {
  test('takes a Description, and the role counts against RolesPerAccount', async () => {
    await withHarness(async (h) => {
      const created = member(
        await create(h, { AWSServiceName: 'ecs.amazonaws.com', Description: 'for ECS' }),
        'Role',
      )
      assert.equal(created['Path'], '/aws-service-role/ecs.amazonaws.com/')
      assert.equal(
        created['Arn'],
        iamArn(ACCOUNT, 'role', '/aws-service-role/ecs.amazonaws.com/', 'AWSServiceRoleForECS'),
      )
      assert.match(String(created['RoleId']), /^AROA[A-Z2-7]{17}$/)
      const got = member(await h.call('GetRole', { RoleName: 'AWSServiceRoleForECS' }), 'Role')
      assert.equal(got['Description'], 'for ECS')
      assert.equal(await h.store.read((repo) => repo.roles.count(ACCOUNT)), 1)
    })
  })

  test('refuses at the RolesPerAccount quota and writes nothing', async () => {
    await withHarness(async (h) => {
      await h.store.transaction(async (repo) => {
        for (let i = 0; i < 1000; i += 1) {
          await repo.roles.insert({
            accountId: ACCOUNT,
            roleId: `AROAQUOTA${String(i).padStart(12, '0')}`,
            roleName: `r${i}`,
            path: '/',
            arn: iamArn(ACCOUNT, 'role', '/', `r${i}`),
            createDate: new Date(),
            assumeRolePolicyDocument: '{}',
            description: null,
            maxSessionDuration: 3600,
            permissionsBoundaryArn: null,
            tags: [],
            lastUsed: null,
          })
        }
      })
      await expectAwsError(create(h, { AWSServiceName: 'ecs.amazonaws.com' }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for RolesPerAccount: 1000',
        status: 409,
      })
      assert.equal(await h.store.read((repo) => repo.roles.count(ACCOUNT)), 1000)
    })
  })

  test('a role of the same name, in any case, takes the name', async () => {
    await withHarness(async (h) => {
      await h.call('CreateRole', {
        RoleName: 'awsserviceroleforecs',
        AssumeRolePolicyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
      })
      await expectAwsError(create(h, { AWSServiceName: 'ecs.amazonaws.com' }), {
        code: 'InvalidInput',
        message:
          'Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.',
        status: 400,
      })
      assert.deepEqual(await roleNames(h), ['awsserviceroleforecs'])
    })
  })

  const refused = [
    {
      name: 'a service with no service-linked role',
      params: { AWSServiceName: 'example.amazonaws.com' },
      code: 'InvalidInput',
      message: 'Invalid service name: example.amazonaws.com',
      status: 400,
    },
    {
      // Service principals are case-sensitive (API Reference, AWSServiceName).
      name: 'a service principal in another case',
      params: { AWSServiceName: 'ECS.amazonaws.com' },
      code: 'InvalidInput',
      message: 'Invalid service name: ECS.amazonaws.com',
      status: 400,
    },
    {
      name: 'no service name',
      params: {},
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'aWSServiceName' failed to satisfy constraint: Member must not be null",
      status: 400,
    },
    {
      name: 'a suffix outside the pattern',
      params: { AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'a b' },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'customSuffix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      status: 400,
    },
    {
      name: 'a suffix of 65 characters',
      params: { AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'x'.repeat(65) },
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'customSuffix' failed to satisfy constraint: Member must have length less than or equal to 64",
      status: 400,
    },
  ]
  for (const { name, params, ...expected } of refused) {
    test(`refuses ${name} and writes nothing`, async () => {
      await withHarness(async (h) => {
        await expectAwsError(create(h, params), expected)
        assert.deepEqual(await roleNames(h), [])
      })
    })
  }
})

describe('DeleteServiceLinkedRole and GetServiceLinkedRoleDeletionStatus', () => {
  test('deleting removes the role with its policies; the task is the caller account’s', async () => {
    await withHarness(async (h) => {
      await create(h, { AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'one' })
      const name = 'AWSServiceRoleForAutoScaling_one'
      const roleId = String(member(await h.call('GetRole', { RoleName: name }), 'Role')['RoleId'])
      assert.deepEqual(
        await h.store.read((repo) => repo.attachments.listForEntity('role', roleId)),
        ['arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy'],
      )
      const deleted = await h.call('DeleteServiceLinkedRole', { RoleName: name })
      const taskId = String(deleted?.['DeletionTaskId'])
      assert.ok(taskId.startsWith(`task/aws-service-role/autoscaling.amazonaws.com/${name}/`))
      assert.deepEqual(await roleNames(h), [])
      assert.deepEqual(
        await h.store.read((repo) => repo.attachments.listForEntity('role', roleId)),
        [],
      )
      // Another account cannot read it.
      const other = {
        type: 'root' as const,
        accountId: '210987654321',
        arn: 'arn:aws:iam::210987654321:root',
        userId: '210987654321',
        principalId: '',
        name: 'root',
        accessKeyId: 'AKIAOTHER',
      }
      await expectAwsError(
        h.call('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId: taskId }, other),
        {
          code: 'NoSuchEntity',
          message: `Deletion task ${taskId} cannot be found.`,
          status: 404,
        },
      )
    })
  })

  test('a role no service owns is refused and kept', async () => {
    await withHarness(async (h) => {
      await h.call('CreateRole', {
        RoleName: 'mine',
        AssumeRolePolicyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
      })
      await expectAwsError(h.call('DeleteServiceLinkedRole', { RoleName: 'mine' }), {
        code: 'InvalidInput',
        message: 'Role mine is not a service-linked role.',
        status: 400,
      })
      assert.deepEqual(await roleNames(h), ['mine'])
    })
  })

  test('an unknown role is NoSuchEntity in the words of the role family', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('DeleteServiceLinkedRole', { RoleName: 'ghost' }), {
        code: 'NoSuchEntity',
        message: 'The role with name ghost cannot be found.',
        status: 404,
      })
    })
  })

  test('a task id never handed out is NoSuchEntity', async () => {
    await withHarness(async (h) => {
      for (const id of [
        'nonsense',
        'task/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch/x',
      ]) {
        await expectAwsError(h.call('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId: id }), {
          code: 'NoSuchEntity',
          message: `Deletion task ${id} cannot be found.`,
          status: 404,
        })
      }
    })
  })
})

// The Service Authorization Reference: iam:CreateServiceLinkedRole on the role, with the
// iam:AWSServiceName condition key naming the service.
describe('authorisation of service-linked role calls', () => {
  test('a user allowed one service by iam:AWSServiceName creates its role and no other', async () => {
    const store = await openSqliteStore({ file: ':memory:' })
    try {
      const service = new IamService(store, new IamAuthorizer(store), randomIds, iamOperations)
      const request = (): RequestInfo => ({
        requestId: 'r',
        region: 'us-east-1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
        secureTransport: false,
        now: new Date(),
      })
      await store.transaction((repo) =>
        repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date() }),
      )
      const root = rootCaller()
      const created = await service.call(root, 'CreateUser', { UserName: 'ops' }, request())
      const user = created?.['User'] as { UserId: string; Arn: string }
      await service.call(
        root,
        'PutUserPolicy',
        {
          UserName: 'ops',
          PolicyName: 'ecs-only',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'iam:CreateServiceLinkedRole',
                Resource:
                  'arn:aws:iam::*:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS*',
                Condition: { StringLike: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } },
              },
            ],
          }),
        },
        request(),
      )
      const ops: Caller = {
        type: 'user',
        accountId: ACCOUNT,
        arn: user.Arn,
        userId: user.UserId,
        principalId: user.UserId,
        name: 'ops',
        accessKeyId: 'AKIDOPS',
      }
      await service.call(
        ops,
        'CreateServiceLinkedRole',
        { AWSServiceName: 'ecs.amazonaws.com' },
        request(),
      )
      await assert.rejects(
        service.call(
          ops,
          'CreateServiceLinkedRole',
          { AWSServiceName: 'batch.amazonaws.com' },
          request(),
        ),
        (error) => {
          assert.ok(error instanceof AwsError)
          assert.equal(error.code, 'AccessDenied')
          assert.equal(
            error.message,
            `User: ${user.Arn} is not authorized to perform: iam:CreateServiceLinkedRole on resource: arn:aws:iam::${ACCOUNT}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch because no identity-based policy allows the iam:CreateServiceLinkedRole action`,
          )
          return true
        },
      )
      const roles = await service.call(root, 'ListRoles', {}, request())
      assert.deepEqual(
        (roles?.['Roles'] as { RoleName: string }[]).map((role) => role.RoleName),
        ['AWSServiceRoleForECS'],
      )
    } finally {
      await store.close()
    }
  })
})
