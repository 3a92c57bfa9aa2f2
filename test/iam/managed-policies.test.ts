import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import { managedPolicyOperations } from '../../src/iam/managed-policies.js'
import { policySizeWithoutWhitespace } from '../../src/policy/parse-policy.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, testScope } from '../support/iam.js'
import {
  NOW,
  expectAwsError,
  list,
  member,
  presentKeys,
  tagParams,
  withHarness,
} from './entity-helpers.js'

const DOC =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const DOC2 =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}'
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
const arnOf = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:policy${path}${name}`
const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

const create = (h: IamHarness, name: string, extra: Params = {}) =>
  h.call('CreatePolicy', { PolicyName: name, PolicyDocument: DOC, ...extra })

const versionIds = async (h: IamHarness, policyArn: string) =>
  list(await h.call('ListPolicyVersions', { PolicyArn: policyArn }), 'Versions').map(
    (version) => version['VersionId'],
  )

const policyNames = async (h: IamHarness, params: Params = {}) =>
  list(await h.call('ListPolicies', params), 'Policies').map((policy) => policy['PolicyName'])

describe('CreatePolicy', () => {
  test('answers in AWS element order with v1 as default (recorded shape)', async () => {
    await withHarness(async (h) => {
      const policy = member(await create(h, 'reader'), 'Policy')
      // Recorded against AWS (aws-shapes test_role_attach_policy create_policy_response).
      assert.deepEqual(presentKeys(policy), [
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
      ])
      assert.equal(policy['Arn'], arnOf('reader'))
      assert.match(String(policy['PolicyId']), /^ANPA[A-Z2-7]{17}$/)
      assert.equal(policy['DefaultVersionId'], 'v1')
      assert.equal(policy['AttachmentCount'], 0)
      assert.equal(policy['PermissionsBoundaryUsageCount'], 0)
      assert.equal(policy['IsAttachable'], true)
      assert.deepEqual(policy['CreateDate'], NOW)
      assert.deepEqual(await versionIds(h, arnOf('reader')), ['v1'])
    })
  })

  test('keeps path, description and tags, and GetPolicy returns them', async () => {
    await withHarness(async (h) => {
      const created = member(
        await create(h, 'tagged', {
          Path: '/team/',
          Description: 'for the team',
          ...tagParams(1, 2),
        }),
        'Policy',
      )
      assert.equal(created['Arn'], arnOf('tagged', '/team/'))
      assert.equal(created['Path'], '/team/')
      assert.equal(created['Description'], 'for the team')
      assert.deepEqual(created['Tags'], [
        { Key: 'key1', Value: 'value1' },
        { Key: 'key2', Value: 'value2' },
      ])
      const got = member(
        await h.call('GetPolicy', { PolicyArn: arnOf('tagged', '/team/') }),
        'Policy',
      )
      assert.deepEqual(got, created)
    })
  })

  test('refuses a name already used in the account, whatever its case or path', async () => {
    await withHarness(async (h) => {
      await create(h, 'dup')
      await expectAwsError(create(h, 'DUP', { Path: '/other/' }), {
        code: 'EntityAlreadyExists',
        message: 'A policy called DUP already exists. Duplicate names are not allowed.',
        status: 409,
      })
      assert.deepEqual(await policyNames(h, { Scope: 'Local' }), ['dup'])
    })
  })

  test('refuses a malformed document and writes nothing', async () => {
    await withHarness(async (h) => {
      await expectAwsError(create(h, 'bad', { PolicyDocument: '{"Version":"2012-10-17"' }), {
        code: 'MalformedPolicyDocument',
        message: 'Syntax errors in policy.',
        status: 400,
      })
      assert.deepEqual(await policyNames(h, { Scope: 'Local' }), [])
    })
  })

  test('refuses a document over 6,144 characters (whitespace excluded) and writes nothing', async () => {
    await withHarness(async (h) => {
      const actions = Array.from({ length: 500 }, (_, i) => `"s3:Action${i}"`).join(',')
      const big = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[${actions}],"Resource":"*"}]}`
      await expectAwsError(create(h, 'big', { PolicyDocument: big }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for PolicySize: 6144',
        status: 409,
      })
      assert.deepEqual(await policyNames(h, { Scope: 'Local' }), [])
    })
  })

  test('a document of exactly 6,144 characters is accepted, 6,145 is not', async () => {
    await withHarness(async (h) => {
      const sized = (size: number) => {
        const base = (sid: string) =>
          `{"Version":"2012-10-17","Statement":[{"Sid":"${sid}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
        const text = base('A'.repeat(size - policySizeWithoutWhitespace(base(''))))
        assert.equal(policySizeWithoutWhitespace(text), size)
        return text
      }
      await create(h, 'exact', { PolicyDocument: sized(6144) })
      await expectAwsError(
        h.call('CreatePolicyVersion', { PolicyArn: arnOf('exact'), PolicyDocument: sized(6145) }),
        { code: 'LimitExceeded', message: 'Cannot exceed quota for PolicySize: 6144', status: 409 },
      )
      assert.deepEqual(await versionIds(h, arnOf('exact')), ['v1'])
    })
  })

  test('whitespace does not count towards the size quota', async () => {
    await withHarness(async (h) => {
      const padded = DOC.replace('{', `{${' '.repeat(7000)}`)
      await create(h, 'padded', { PolicyDocument: padded })
      const version = member(
        await h.call('GetPolicyVersion', { PolicyArn: arnOf('padded'), VersionId: 'v1' }),
        'PolicyVersion',
      )
      assert.equal(decodeURIComponent(String(version['Document'])), padded)
    })
  })

  test('checks names, paths and descriptions with AWS validation wording', async () => {
    await withHarness(async (h) => {
      await expectAwsError(create(h, 'bad name'), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        status: 400,
      })
      await expectAwsError(create(h, 'p', { Path: 'nopath' }), {
        code: 'ValidationError',
        message:
          'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
        status: 400,
      })
    })
  })

  test('refuses duplicate and reserved tag keys', async () => {
    await withHarness(async (h) => {
      await expectAwsError(
        create(h, 'p', {
          'Tags.member.1.Key': 'aws:x',
          'Tags.member.1.Value': 'v',
        }),
        {
          code: 'InvalidInput',
          message: "Tag keys starting with 'aws:' are reserved for internal use.",
          status: 400,
        },
      )
      assert.deepEqual(await policyNames(h, { Scope: 'Local' }), [])
    })
  })
})

describe('GetPolicy', () => {
  test('answers NoSuchEntity for a missing policy and ValidationError for a non-ARN', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('GetPolicy', { PolicyArn: arnOf('missing') }), {
        code: 'NoSuchEntity',
        message: `Policy ${arnOf('missing')} was not found.`,
        status: 404,
      })
      await expectAwsError(h.call('GetPolicy', { PolicyArn: 'longpolicynamebutnoarn' }), {
        code: 'ValidationError',
        message: 'Invalid ARN:  Could not be parsed!',
        status: 400,
      })
    })
  })

  test("does not show another account's policy", async () => {
    await withHarness(async (h) => {
      await create(h, 'mine')
      const other = arnOf('mine').replace(ACCOUNT, '210987654321')
      await expectAwsError(h.call('GetPolicy', { PolicyArn: other }), {
        code: 'NoSuchEntity',
        message: `Policy ${other} was not found.`,
        status: 404,
      })
    })
  })

  test('reads AWS managed policies from the catalogue', async () => {
    await withHarness(async (h) => {
      const policy = member(await h.call('GetPolicy', { PolicyArn: ADMIN }), 'Policy')
      assert.equal(policy['PolicyName'], 'AdministratorAccess')
      assert.equal(policy['Path'], '/')
      assert.equal(policy['DefaultVersionId'], 'v1')
      assert.match(String(policy['PolicyId']), /^ANPA[A-Z2-7]{17}$/)
      assert.deepEqual(policy['CreateDate'], new Date('2015-02-06T18:39:46.000Z'))
      await expectAwsError(
        h.call('GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/NoSuchThing' }),
        {
          code: 'NoSuchEntity',
          message: 'Policy arn:aws:iam::aws:policy/NoSuchThing was not found.',
          status: 404,
        },
      )
    })
  })

  test('counts attachments and permissions boundary uses', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('counted')
      await create(h, 'counted')
      await h.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST })
      await h.call('CreateUser', { UserName: 'u', PermissionsBoundary: policyArn })
      await h.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: policyArn })
      const policy = member(await h.call('GetPolicy', { PolicyArn: policyArn }), 'Policy')
      assert.equal(policy['AttachmentCount'], 1)
      assert.equal(policy['PermissionsBoundaryUsageCount'], 1)
    })
  })
})

describe('ListPolicies', () => {
  test('Scope=Local lists the account policies by name, with paging', async () => {
    await withHarness(async (h) => {
      for (const name of ['charlie', 'Alpha', 'bravo']) await create(h, name)
      assert.deepEqual(await policyNames(h, { Scope: 'Local' }), ['Alpha', 'bravo', 'charlie'])
      const first = await h.call('ListPolicies', { Scope: 'Local', MaxItems: '2' })
      assert.deepEqual(
        list(first, 'Policies').map((p) => p['PolicyName']),
        ['Alpha', 'bravo'],
      )
      assert.equal(first?.['IsTruncated'], true)
      const next = await h.call('ListPolicies', {
        Scope: 'Local',
        Marker: String(first?.['Marker']),
      })
      assert.deepEqual(
        list(next, 'Policies').map((p) => p['PolicyName']),
        ['charlie'],
      )
      assert.equal(next?.['IsTruncated'], false)
      // Listings leave out Description and Tags, as AWS's do.
      assert.ok(!presentKeys(list(next, 'Policies')[0]).includes('Tags'))
    })
  })

  test('Scope=AWS lists the catalogue; All lists both', async () => {
    await withHarness(async (h) => {
      await create(h, 'ZZZMine')
      const aws = await policyNames(h, { Scope: 'AWS', MaxItems: '1000' })
      assert.ok(aws.length > 900)
      assert.ok(aws.includes('AdministratorAccess'))
      assert.ok(!aws.includes('ZZZMine'))
      const all = list(await h.call('ListPolicies', { MaxItems: '1000' }), 'Policies')
      assert.equal(all.length, 1000)
    })
  })

  test('OnlyAttached, PathPrefix and PolicyUsageFilter narrow the list', async () => {
    await withHarness(async (h) => {
      await create(h, 'attached', { Path: '/team/' })
      await create(h, 'boundary')
      await create(h, 'idle')
      await h.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST })
      await h.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: arnOf('attached', '/team/') })
      await h.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: ADMIN })
      await h.call('CreateUser', { UserName: 'u', PermissionsBoundary: arnOf('boundary') })
      assert.deepEqual(await policyNames(h, { OnlyAttached: 'true' }), [
        'AdministratorAccess',
        'attached',
        'boundary',
      ])
      assert.deepEqual(
        await policyNames(h, { OnlyAttached: 'true', PolicyUsageFilter: 'PermissionsPolicy' }),
        ['AdministratorAccess', 'attached'],
      )
      assert.deepEqual(await policyNames(h, { PolicyUsageFilter: 'PermissionsBoundary' }), [
        'boundary',
      ])
      assert.deepEqual(await policyNames(h, { Scope: 'Local', PathPrefix: '/team/' }), ['attached'])
      const aws = await policyNames(h, { Scope: 'AWS', PathPrefix: '/job-function/' })
      assert.ok(aws.includes('ViewOnlyAccess'))
      assert.ok(!aws.includes('AdministratorAccess'))
    })
  })

  test('checks Scope and PathPrefix', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('ListPolicies', { Scope: 'Mine' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'scope' failed to satisfy constraint: Member must satisfy enum value set",
        status: 400,
      })
      await expectAwsError(h.call('ListPolicies', { PathPrefix: 'team' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
        status: 400,
      })
    })
  })
})

describe('policy versions', () => {
  test('CreatePolicyVersion adds v2, v3 ... and SetAsDefault moves the default', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('versioned')
      await create(h, 'versioned')
      const v2 = member(
        await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 }),
        'PolicyVersion',
      )
      assert.deepEqual(presentKeys(v2), ['VersionId', 'IsDefaultVersion', 'CreateDate'])
      assert.equal(v2['VersionId'], 'v2')
      assert.equal(v2['IsDefaultVersion'], false)
      const v3 = member(
        await h.call('CreatePolicyVersion', {
          PolicyArn: policyArn,
          PolicyDocument: DOC2,
          SetAsDefault: 'true',
        }),
        'PolicyVersion',
      )
      assert.equal(v3['IsDefaultVersion'], true)
      const policy = member(await h.call('GetPolicy', { PolicyArn: policyArn }), 'Policy')
      assert.equal(policy['DefaultVersionId'], 'v3')
      const versions = list(
        await h.call('ListPolicyVersions', { PolicyArn: policyArn }),
        'Versions',
      )
      assert.deepEqual(
        versions.map((v) => [v['VersionId'], v['IsDefaultVersion']]),
        [
          ['v3', true],
          ['v2', false],
          ['v1', false],
        ],
      )
      assert.ok(versions.every((v) => v['Document'] === undefined))
    })
  })

  test('GetPolicyVersion returns the document URL-encoded', async () => {
    await withHarness(async (h) => {
      const doc =
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:PUT","Resource":"arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway"}]}'
      await create(h, 'encoded', { PolicyDocument: doc })
      const version = member(
        await h.call('GetPolicyVersion', { PolicyArn: arnOf('encoded'), VersionId: 'v1' }),
        'PolicyVersion',
      )
      assert.deepEqual(presentKeys(version), [
        'Document',
        'VersionId',
        'IsDefaultVersion',
        'CreateDate',
      ])
      assert.ok(!String(version['Document']).includes('{'))
      assert.equal(decodeURIComponent(String(version['Document'])), doc)
      await expectAwsError(
        h.call('GetPolicyVersion', { PolicyArn: arnOf('encoded'), VersionId: 'v9' }),
        {
          code: 'NoSuchEntity',
          message: `Policy ${arnOf('encoded')} version v9 does not exist or is not attachable.`,
          status: 404,
        },
      )
      await expectAwsError(
        h.call('GetPolicyVersion', { PolicyArn: arnOf('encoded'), VersionId: 'one' }),
        {
          code: 'ValidationError',
          message:
            "1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
          status: 400,
        },
      )
    })
  })

  test('a sixth version is refused and the version list is unchanged', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('full')
      await create(h, 'full')
      for (let i = 0; i < 4; i++) {
        await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 })
      }
      await expectAwsError(
        h.call('CreatePolicyVersion', {
          PolicyArn: policyArn,
          PolicyDocument: DOC2,
          SetAsDefault: 'true',
        }),
        {
          code: 'LimitExceeded',
          message:
            'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
          status: 409,
        },
      )
      assert.deepEqual(await versionIds(h, policyArn), ['v5', 'v4', 'v3', 'v2', 'v1'])
      const policy = member(await h.call('GetPolicy', { PolicyArn: policyArn }), 'Policy')
      assert.equal(policy['DefaultVersionId'], 'v1')
    })
  })

  test('a malformed version is refused and nothing is written', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('strict')
      await create(h, 'strict')
      await expectAwsError(
        h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: 'not json' }),
        { code: 'MalformedPolicyDocument', message: 'Syntax errors in policy.', status: 400 },
      )
      assert.deepEqual(await versionIds(h, policyArn), ['v1'])
      // The refused call did not use up a version number.
      const v2 = member(
        await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 }),
        'PolicyVersion',
      )
      assert.equal(v2['VersionId'], 'v2')
    })
  })

  test('version ids are never reused after a delete', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('reuse')
      await create(h, 'reuse')
      await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 })
      await h.call('DeletePolicyVersion', { PolicyArn: policyArn, VersionId: 'v2' })
      const next = member(
        await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 }),
        'PolicyVersion',
      )
      assert.equal(next['VersionId'], 'v3')
      assert.deepEqual(await versionIds(h, policyArn), ['v3', 'v1'])
    })
  })

  test('DeletePolicyVersion refuses the default version and a missing one', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('guarded')
      await create(h, 'guarded')
      await expectAwsError(
        h.call('DeletePolicyVersion', { PolicyArn: policyArn, VersionId: 'v1' }),
        {
          code: 'DeleteConflict',
          message: 'Cannot delete the default version of a policy.',
          status: 409,
        },
      )
      await expectAwsError(
        h.call('DeletePolicyVersion', { PolicyArn: policyArn, VersionId: 'v4' }),
        {
          code: 'NoSuchEntity',
          message: `Policy ${policyArn} version v4 does not exist or is not attachable.`,
          status: 404,
        },
      )
      assert.deepEqual(await versionIds(h, policyArn), ['v1'])
    })
  })

  test('SetDefaultPolicyVersion switches the default, and refuses a missing version', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('switch')
      await create(h, 'switch')
      await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 })
      assert.equal(
        await h.call('SetDefaultPolicyVersion', { PolicyArn: policyArn, VersionId: 'v2' }),
        undefined,
      )
      const policy = member(await h.call('GetPolicy', { PolicyArn: policyArn }), 'Policy')
      assert.equal(policy['DefaultVersionId'], 'v2')
      await expectAwsError(
        h.call('SetDefaultPolicyVersion', { PolicyArn: policyArn, VersionId: 'v7' }),
        {
          code: 'NoSuchEntity',
          message: `Policy ${policyArn} version v7 does not exist or is not attachable.`,
          status: 404,
        },
      )
      // v1 is no longer the default, so it can go now.
      await h.call('DeletePolicyVersion', { PolicyArn: policyArn, VersionId: 'v1' })
      assert.deepEqual(await versionIds(h, policyArn), ['v2'])
    })
  })

  test('AWS managed policies show their default version and refuse new ones', async () => {
    await withHarness(async (h) => {
      const versions = list(await h.call('ListPolicyVersions', { PolicyArn: ADMIN }), 'Versions')
      assert.deepEqual(
        versions.map((v) => [v['VersionId'], v['IsDefaultVersion']]),
        [['v1', true]],
      )
      const version = member(
        await h.call('GetPolicyVersion', { PolicyArn: ADMIN, VersionId: 'v1' }),
        'PolicyVersion',
      )
      assert.deepEqual(JSON.parse(decodeURIComponent(String(version['Document']))), {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      })
      const denied = (action: string) => ({
        code: 'AccessDenied',
        message: `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: iam:${action} on resource: policy ${ADMIN} because no resource-based policy allows the iam:${action} action`,
        status: 403,
      })
      await expectAwsError(
        h.call('CreatePolicyVersion', { PolicyArn: ADMIN, PolicyDocument: DOC }),
        denied('CreatePolicyVersion'),
      )
      await expectAwsError(h.call('DeletePolicy', { PolicyArn: ADMIN }), denied('DeletePolicy'))
      await expectAwsError(
        h.call('SetDefaultPolicyVersion', { PolicyArn: ADMIN, VersionId: 'v1' }),
        denied('SetDefaultPolicyVersion'),
      )
      await expectAwsError(
        h.call('TagPolicy', { PolicyArn: ADMIN, ...tagParams(1, 1) }),
        denied('TagPolicy'),
      )
      assert.ok(await h.call('GetPolicy', { PolicyArn: ADMIN }))
    })
  })
})

describe('DeletePolicy', () => {
  test('deletes a detached policy with only its default version', async () => {
    await withHarness(async (h) => {
      await create(h, 'gone')
      assert.equal(await h.call('DeletePolicy', { PolicyArn: arnOf('gone') }), undefined)
      await expectAwsError(h.call('GetPolicy', { PolicyArn: arnOf('gone') }), {
        code: 'NoSuchEntity',
        message: `Policy ${arnOf('gone')} was not found.`,
        status: 404,
      })
      // The name is free again.
      await create(h, 'gone')
    })
  })

  test('answers the recorded NoSuchEntity for a missing policy', async () => {
    await withHarness(async (h) => {
      const missing = arnOf('non-existent-policy')
      await expectAwsError(h.call('DeletePolicy', { PolicyArn: missing }), {
        code: 'NoSuchEntity',
        message: `Policy ${missing} was not found.`,
        status: 404,
      })
    })
  })

  test('refuses while attached or used as a boundary, and keeps the policy', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('busy')
      await create(h, 'busy')
      await h.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST })
      await h.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: policyArn })
      const conflict = {
        code: 'DeleteConflict',
        message: 'Cannot delete a policy attached to entities.',
        status: 409,
      }
      await expectAwsError(h.call('DeletePolicy', { PolicyArn: policyArn }), conflict)
      await h.call('DetachRolePolicy', { RoleName: 'r', PolicyArn: policyArn })
      await h.call('CreateUser', { UserName: 'u', PermissionsBoundary: policyArn })
      await expectAwsError(h.call('DeletePolicy', { PolicyArn: policyArn }), conflict)
      assert.ok(await h.call('GetPolicy', { PolicyArn: policyArn }))
    })
  })

  test('refuses while non-default versions remain, and keeps them', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('layered')
      await create(h, 'layered')
      await h.call('CreatePolicyVersion', { PolicyArn: policyArn, PolicyDocument: DOC2 })
      await expectAwsError(h.call('DeletePolicy', { PolicyArn: policyArn }), {
        code: 'DeleteConflict',
        message:
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        status: 409,
      })
      assert.deepEqual(await versionIds(h, policyArn), ['v2', 'v1'])
      await h.call('DeletePolicyVersion', { PolicyArn: policyArn, VersionId: 'v2' })
      await h.call('DeletePolicy', { PolicyArn: policyArn })
    })
  })
})

describe('policy tags', () => {
  test('TagPolicy merges, UntagPolicy removes, ListPolicyTags pages', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('labels')
      await create(h, 'labels', tagParams(1, 2))
      await h.call('TagPolicy', {
        PolicyArn: policyArn,
        'Tags.member.1.Key': 'key2',
        'Tags.member.1.Value': 'changed',
        'Tags.member.2.Key': 'key3',
        'Tags.member.2.Value': 'value3',
      })
      const tags = await h.call('ListPolicyTags', { PolicyArn: policyArn })
      assert.deepEqual(list(tags, 'Tags'), [
        { Key: 'key1', Value: 'value1' },
        { Key: 'key2', Value: 'changed' },
        { Key: 'key3', Value: 'value3' },
      ])
      await h.call('UntagPolicy', {
        PolicyArn: policyArn,
        'TagKeys.member.1': 'key1',
        'TagKeys.member.2': 'absent',
      })
      const page = await h.call('ListPolicyTags', { PolicyArn: policyArn, MaxItems: '1' })
      assert.deepEqual(list(page, 'Tags'), [{ Key: 'key2', Value: 'changed' }])
      assert.equal(page?.['IsTruncated'], true)
    })
  })

  test('policy tag keys are case-sensitive', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('cased')
      await create(h, 'cased', { 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'a' })
      await h.call('TagPolicy', {
        PolicyArn: policyArn,
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'b',
      })
      const tags = list(await h.call('ListPolicyTags', { PolicyArn: policyArn }), 'Tags')
      assert.deepEqual(tags, [
        { Key: 'Team', Value: 'a' },
        { Key: 'team', Value: 'b' },
      ])
    })
  })

  test('more than 50 tags in all is refused and the tags are unchanged', async () => {
    await withHarness(async (h) => {
      const policyArn = arnOf('crowded')
      await create(h, 'crowded', tagParams(1, 40))
      await expectAwsError(h.call('TagPolicy', { PolicyArn: policyArn, ...tagParams(41, 51) }), {
        code: 'LimitExceeded',
        message: 'Cannot exceed quota for TagsPerPolicy: 50',
        status: 409,
      })
      const tags = list(
        await h.call('ListPolicyTags', { PolicyArn: policyArn, MaxItems: '100' }),
        'Tags',
      )
      assert.equal(tags.length, 40)
    })
  })

  test('TagPolicy requires Tags, and a missing policy is NoSuchEntity', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('TagPolicy', { PolicyArn: arnOf('x12345') }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
        status: 400,
      })
      await expectAwsError(
        h.call('TagPolicy', { PolicyArn: arnOf('x12345'), ...tagParams(1, 1) }),
        {
          code: 'NoSuchEntity',
          message: `Policy ${arnOf('x12345')} was not found.`,
          status: 404,
        },
      )
    })
  })
})

describe('authorisation resources', () => {
  const operation = (name: string) => {
    const found = managedPolicyOperations.find((candidate) => candidate.name === name)
    assert.ok(found, name)
    return found
  }

  test('policy operations are authorised against the policy ARN', async () => {
    const scope = await testScope()
    assert.equal(
      await operation('CreatePolicy').resource(
        { PolicyName: 'p', Path: '/team/', PolicyDocument: DOC } as never,
        scope,
      ),
      `arn:aws:iam::${ACCOUNT}:policy/team/p`,
    )
    assert.equal(
      await operation('CreatePolicy').resource(
        { PolicyName: 'p', PolicyDocument: DOC } as never,
        scope,
      ),
      `arn:aws:iam::${ACCOUNT}:policy/p`,
    )
    for (const name of ['GetPolicy', 'DeletePolicy', 'CreatePolicyVersion', 'TagPolicy']) {
      assert.equal(operation(name).resource({ PolicyArn: arnOf('p') } as never, scope), arnOf('p'))
    }
    assert.equal(await operation('ListPolicies').resource({} as never, scope), '*')
  })

  test('tagging adds aws:RequestTag and aws:TagKeys to the context', () => {
    const context = operation('CreatePolicy').context?.({
      PolicyName: 'p',
      PolicyDocument: DOC,
      Tags: [{ key: 'team', value: 'core' }],
    } as never)
    assert.deepEqual(context, { 'aws:RequestTag/team': 'core', 'aws:TagKeys': ['team'] })
    assert.deepEqual(operation('UntagPolicy').context?.({ TagKeys: ['team'] } as never), {
      'aws:TagKeys': ['team'],
    })
  })

  test('reads are marked read-only and writes are not', () => {
    for (const name of [
      'GetPolicy',
      'ListPolicies',
      'GetPolicyVersion',
      'ListPolicyVersions',
      'ListPolicyTags',
    ]) {
      assert.equal(operation(name).store, 'read', name)
    }
    for (const name of ['CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'TagPolicy']) {
      assert.notEqual(operation(name).store, 'read', name)
    }
  })
})
