import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import { attachmentOperations } from '../../src/iam/attachments.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, testScope } from '../support/iam.js'
import { expectAwsError, list, member, withHarness } from './entity-helpers.js'

const DOC =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
const EKS_NODE = 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy'
const ECR_READ = 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly'
const arnOf = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:policy${path}${name}`

const createPolicy = async (h: IamHarness, name: string, path = '/') => {
  await h.call('CreatePolicy', { PolicyName: name, PolicyDocument: DOC, Path: path })
  return arnOf(name, path)
}

/** Creates one user, group or role named `name` through the real operations. */
async function createEntity(h: IamHarness, word: string, name: string, extra: Params = {}) {
  if (word === 'Role') {
    await h.call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST, ...extra })
  } else {
    await h.call(`Create${word}`, { [`${word}Name`]: name, ...extra })
  }
}

const attachedArns = async (h: IamHarness, word: string, name: string, params: Params = {}) =>
  list(
    await h.call(`ListAttached${word}Policies`, { [`${word}Name`]: name, ...params }),
    'AttachedPolicies',
  ).map((policy) => policy['PolicyArn'])

for (const word of ['Role', 'User', 'Group']) {
  const nameKey = `${word}Name`
  const type = word.toLowerCase()

  describe(`Attach${word}Policy / Detach${word}Policy / ListAttached${word}Policies`, () => {
    test('attaches customer and AWS managed policies and lists them in attachment order', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        const mine = await createPolicy(h, 'mine', '/team/')
        assert.equal(
          await h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: ADMIN }),
          undefined,
        )
        await h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: mine })
        const attached = await h.call(`ListAttached${word}Policies`, { [nameKey]: 'subject' })
        assert.deepEqual(list(attached, 'AttachedPolicies'), [
          { PolicyName: 'AdministratorAccess', PolicyArn: ADMIN },
          { PolicyName: 'mine', PolicyArn: mine },
        ])
        assert.equal(attached?.['IsTruncated'], false)
        assert.deepEqual(await attachedArns(h, word, 'subject', { PathPrefix: '/team/' }), [mine])
        const policy = member(await h.call('GetPolicy', { PolicyArn: mine }), 'Policy')
        assert.equal(policy['AttachmentCount'], 1)
      })
    })

    test('attaching twice changes nothing', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        await h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: ADMIN })
        await h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: ADMIN })
        assert.deepEqual(await attachedArns(h, word, 'subject'), [ADMIN])
      })
    })

    test('detaches, and refuses to detach a policy that is not attached', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        await h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: ADMIN })
        assert.equal(
          await h.call(`Detach${word}Policy`, { [nameKey]: 'subject', PolicyArn: ADMIN }),
          undefined,
        )
        assert.deepEqual(await attachedArns(h, word, 'subject'), [])
        await expectAwsError(
          h.call(`Detach${word}Policy`, { [nameKey]: 'subject', PolicyArn: ADMIN }),
          {
            code: 'NoSuchEntity',
            message: `Policy ${ADMIN} was not found.`,
            status: 404,
          },
        )
      })
    })

    test('refuses a missing entity, a missing policy and a malformed ARN, attaching nothing', async () => {
      await withHarness(async (h) => {
        await expectAwsError(
          h.call(`Attach${word}Policy`, { [nameKey]: 'nobody', PolicyArn: ADMIN }),
          {
            code: 'NoSuchEntity',
            message: `The ${type} with name nobody cannot be found.`,
            status: 404,
          },
        )
        await createEntity(h, word, 'subject')
        const real = await createPolicy(h, 'test-policy-abcdefgh')
        // Recorded against AWS: aws-shapes test_role_attach_policy / test_user_attach_policy.
        await expectAwsError(
          h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: `${real}123` }),
          {
            code: 'NoSuchEntity',
            message: `Policy ${real}123 does not exist or is not attachable.`,
            status: 404,
          },
        )
        for (const bad of ['longpolicynamebutnoarn', 'test-policy-abcdefgh']) {
          await expectAwsError(
            h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: bad }),
            {
              code: 'ValidationError',
              message: 'Invalid ARN:  Could not be parsed!',
              status: 400,
            },
          )
        }
        const missingAws = 'arn:aws:iam::aws:policy/NoSuchManagedPolicy'
        await expectAwsError(
          h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: missingAws }),
          {
            code: 'NoSuchEntity',
            message: `Policy ${missingAws} does not exist or is not attachable.`,
            status: 404,
          },
        )
        assert.deepEqual(await attachedArns(h, word, 'subject'), [])
      })
    })

    test('refuses an 11th policy with the quota message and keeps the first 10', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        const arns: string[] = []
        for (let i = 1; i <= 11; i++)
          arns.push(await createPolicy(h, `p${String(i).padStart(2, '0')}`))
        for (const policyArn of arns.slice(0, 10)) {
          await h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: policyArn })
        }
        await expectAwsError(
          h.call(`Attach${word}Policy`, { [nameKey]: 'subject', PolicyArn: arns[10] ?? '' }),
          {
            code: 'LimitExceeded',
            message: `Cannot exceed quota for PoliciesPer${word}: 10`,
            status: 409,
          },
        )
        assert.deepEqual(await attachedArns(h, word, 'subject'), arns.slice(0, 10))
        const page = await h.call(`ListAttached${word}Policies`, {
          [nameKey]: 'subject',
          MaxItems: '4',
        })
        assert.equal(list(page, 'AttachedPolicies').length, 4)
        assert.equal(page?.['IsTruncated'], true)
        const rest = await h.call(`ListAttached${word}Policies`, {
          [nameKey]: 'subject',
          Marker: String(page?.['Marker']),
        })
        assert.deepEqual(
          list(rest, 'AttachedPolicies').map((p) => p['PolicyArn']),
          arns.slice(4, 10),
        )
      })
    })

    test('ListAttached answers NoSuchEntity for a missing entity', async () => {
      await withHarness(async (h) => {
        await expectAwsError(h.call(`ListAttached${word}Policies`, { [nameKey]: 'ghost' }), {
          code: 'NoSuchEntity',
          message: `The ${type} with name ghost cannot be found.`,
          status: 404,
        })
      })
    })
  })
}

describe('service-linked role policies', () => {
  test('are listed as not attachable and cannot be attached', async () => {
    await withHarness(async (h) => {
      const slr = 'arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy'
      const policy = member(await h.call('GetPolicy', { PolicyArn: slr }), 'Policy')
      assert.equal(policy['IsAttachable'], false)
      await createEntity(h, 'Role', 'r')
      await expectAwsError(h.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: slr }), {
        code: 'NoSuchEntity',
        message: `Policy ${slr} does not exist or is not attachable.`,
        status: 404,
      })
    })
  })
})

describe('ListEntitiesForPolicy', () => {
  async function scene(h: IamHarness) {
    const policyArn = await createPolicy(h, 'shared')
    await createEntity(h, 'User', 'ursula', { Path: '/eng/' })
    await createEntity(h, 'User', 'boundaried', { PermissionsBoundary: policyArn })
    await createEntity(h, 'Group', 'admins')
    await createEntity(h, 'Role', 'nodes')
    await createEntity(h, 'Role', 'unrelated')
    await h.call('AttachUserPolicy', { UserName: 'ursula', PolicyArn: policyArn })
    await h.call('AttachGroupPolicy', { GroupName: 'admins', PolicyArn: policyArn })
    await h.call('AttachRolePolicy', { RoleName: 'nodes', PolicyArn: policyArn })
    return policyArn
  }

  const names = (result: Awaited<ReturnType<IamHarness['call']>>) => ({
    groups: list(result, 'PolicyGroups').map((g) => g['GroupName']),
    users: list(result, 'PolicyUsers').map((u) => u['UserName']),
    roles: list(result, 'PolicyRoles').map((r) => r['RoleName']),
  })

  test('lists the groups, users and roles using the policy, with their ids', async () => {
    await withHarness(async (h) => {
      const policyArn = await scene(h)
      const result = await h.call('ListEntitiesForPolicy', { PolicyArn: policyArn })
      assert.deepEqual(
        Object.keys(result ?? {}).filter((k) => result?.[k] !== undefined),
        ['PolicyGroups', 'PolicyUsers', 'PolicyRoles', 'IsTruncated'],
      )
      assert.deepEqual(names(result), {
        groups: ['admins'],
        users: ['boundaried', 'ursula'],
        roles: ['nodes'],
      })
      const role = list(result, 'PolicyRoles')[0]
      assert.deepEqual(Object.keys(role ?? {}), ['RoleName', 'RoleId'])
      assert.match(String(role?.['RoleId']), /^AROA/)
    })
  })

  test('EntityFilter, PathPrefix and PolicyUsageFilter narrow the answer', async () => {
    await withHarness(async (h) => {
      const policyArn = await scene(h)
      const call = (params: Params) =>
        h.call('ListEntitiesForPolicy', { PolicyArn: policyArn, ...params })
      assert.deepEqual(names(await call({ EntityFilter: 'Role' })), {
        groups: [],
        users: [],
        roles: ['nodes'],
      })
      assert.deepEqual(names(await call({ PathPrefix: '/eng/' })), {
        groups: [],
        users: ['ursula'],
        roles: [],
      })
      assert.deepEqual(names(await call({ PolicyUsageFilter: 'PermissionsBoundary' })), {
        groups: [],
        users: ['boundaried'],
        roles: [],
      })
      assert.deepEqual(names(await call({ PolicyUsageFilter: 'PermissionsPolicy' })), {
        groups: ['admins'],
        users: ['ursula'],
        roles: ['nodes'],
      })
    })
  })

  test('pages across the three lists with one marker', async () => {
    await withHarness(async (h) => {
      const policyArn = await scene(h)
      const first = await h.call('ListEntitiesForPolicy', { PolicyArn: policyArn, MaxItems: '2' })
      assert.deepEqual(names(first), { groups: ['admins'], users: ['boundaried'], roles: [] })
      assert.equal(first?.['IsTruncated'], true)
      const second = await h.call('ListEntitiesForPolicy', {
        PolicyArn: policyArn,
        Marker: String(first?.['Marker']),
      })
      assert.deepEqual(names(second), { groups: [], users: ['ursula'], roles: ['nodes'] })
      assert.equal(second?.['IsTruncated'], false)
    })
  })

  test('works for AWS managed policies, and refuses a missing policy or bad filter', async () => {
    await withHarness(async (h) => {
      await createEntity(h, 'Role', 'nodes')
      await h.call('AttachRolePolicy', { RoleName: 'nodes', PolicyArn: EKS_NODE })
      await h.call('AttachRolePolicy', { RoleName: 'nodes', PolicyArn: ECR_READ })
      assert.deepEqual(
        names(await h.call('ListEntitiesForPolicy', { PolicyArn: EKS_NODE })).roles,
        ['nodes'],
      )
      await expectAwsError(h.call('ListEntitiesForPolicy', { PolicyArn: arnOf('missing') }), {
        code: 'NoSuchEntity',
        message: `Policy ${arnOf('missing')} was not found.`,
        status: 404,
      })
      await expectAwsError(
        h.call('ListEntitiesForPolicy', { PolicyArn: EKS_NODE, EntityFilter: 'Robot' }),
        {
          code: 'ValidationError',
          message:
            "1 validation error detected: Value at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set",
          status: 400,
        },
      )
    })
  })
})

describe('authorisation resources and context', () => {
  const operation = (name: string) => {
    const found = attachmentOperations.find((candidate) => candidate.name === name)
    assert.ok(found, name)
    return found
  }

  test('attach and detach are authorised against the entity and carry iam:PolicyARN', async () => {
    const scope = await testScope()
    const input = { RoleName: 'nodes', PolicyArn: EKS_NODE } as never
    assert.equal(
      await operation('AttachRolePolicy').resource(input, scope),
      `arn:aws:iam::${ACCOUNT}:role/nodes`,
    )
    assert.deepEqual(operation('AttachRolePolicy').context?.(input), { 'iam:PolicyARN': EKS_NODE })
    assert.deepEqual(
      operation('DetachUserPolicy').context?.({ UserName: 'u', PolicyArn: ADMIN } as never),
      { 'iam:PolicyARN': ADMIN },
    )
    assert.equal(
      await operation('DetachGroupPolicy').resource(
        { GroupName: 'g', PolicyArn: ADMIN } as never,
        scope,
      ),
      `arn:aws:iam::${ACCOUNT}:group/g`,
    )
    assert.equal(
      await operation('ListEntitiesForPolicy').resource({ PolicyArn: ADMIN } as never, scope),
      ADMIN,
    )
  })
})
