import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import {
  awsManagedPolicy,
  isAwsManagedPolicyArn,
  listAwsManagedPolicies,
} from '../../src/iam/aws-managed-policies.js'
import { parsePolicy } from '../../src/policy/parse-policy.js'
// @ts-expect-error: the build script is plain JavaScript without type declarations.
import { latestVersionOf } from '../../scripts/extract-managed-policies.js'

const PREFIX = 'arn:aws:iam::aws:policy'

const REQUIRED: Record<string, string> = {
  AdministratorAccess: '/',
  PowerUserAccess: '/',
  ReadOnlyAccess: '/',
  IAMFullAccess: '/',
  IAMReadOnlyAccess: '/',
  AmazonS3FullAccess: '/',
  AmazonS3ReadOnlyAccess: '/',
  AmazonEC2FullAccess: '/',
  AmazonEC2ReadOnlyAccess: '/',
  AmazonEKSClusterPolicy: '/',
  AmazonEKSServicePolicy: '/',
  AmazonEKSWorkerNodePolicy: '/',
  AmazonEKS_CNI_Policy: '/',
  AmazonEKSVPCResourceController: '/',
  AmazonEC2ContainerRegistryReadOnly: '/',
  ViewOnlyAccess: '/job-function/',
  AWSLambdaBasicExecutionRole: '/service-role/',
  AmazonEKSServiceRolePolicy: '/aws-service-role/',
}

describe('AWS managed policy catalogue', () => {
  test('holds the policies rolegate promises, at their real paths, with valid documents', () => {
    for (const [name, path] of Object.entries(REQUIRED)) {
      const arn = `${PREFIX}${path}${name}`
      const policy = awsManagedPolicy(arn)
      assert.ok(policy, `${name} is missing`)
      assert.equal(policy.policyName, name)
      assert.equal(policy.path, path)
      assert.equal(policy.arn, arn)
      assert.match(policy.defaultVersionId, /^v[1-9][0-9]*$/)
      assert.ok(policy.createDate.getTime() <= policy.updateDate.getTime(), name)
      const document = parsePolicy(policy.document, 'managed')
      assert.ok(document.statements.length > 0, name)
    }
  })

  test('carries the real documents', () => {
    const admin = awsManagedPolicy(`${PREFIX}/AdministratorAccess`)
    assert.deepEqual(JSON.parse(admin?.document ?? ''), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    })
    const cni = JSON.parse(awsManagedPolicy(`${PREFIX}/AmazonEKS_CNI_Policy`)?.document ?? '{}')
    const actions = (cni.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action)
    assert.ok(actions.includes('ec2:AssignPrivateIpAddresses'))
  })

  test('is sorted by name without regard to case, as IAM lists, one entry per ARN', () => {
    const all = listAwsManagedPolicies()
    assert.ok(all.length > 1000, `only ${all.length} policies`)
    const names = all.map((policy) => policy.policyName.toLowerCase())
    assert.deepEqual(names, [...names].sort())
    assert.equal(new Set(all.map((policy) => policy.arn)).size, all.length)
    for (const policy of all) {
      assert.equal(policy.arn, `${PREFIX}${policy.path}${policy.policyName}`)
      assert.match(policy.path, /^\/([\w-]+\/)*$/)
    }
  })

  test('gives every policy a distinct, stable ANPA id', () => {
    const all = listAwsManagedPolicies()
    assert.equal(new Set(all.map((policy) => policy.policyId)).size, all.length)
    for (const policy of all) assert.match(policy.policyId, /^ANPA[A-Z2-7]{17}$/)
    assert.equal(
      awsManagedPolicy(`${PREFIX}/ReadOnlyAccess`)?.policyId,
      listAwsManagedPolicies().find((policy) => policy.policyName === 'ReadOnlyAccess')?.policyId,
    )
  })

  test('only service-linked role policies are unattachable', () => {
    assert.equal(
      awsManagedPolicy(`${PREFIX}/aws-service-role/AmazonEKSServiceRolePolicy`)?.isAttachable,
      false,
    )
    assert.equal(
      awsManagedPolicy(`${PREFIX}/service-role/AWSLambdaBasicExecutionRole`)?.isAttachable,
      true,
    )
    assert.equal(awsManagedPolicy(`${PREFIX}/AdministratorAccess`)?.isAttachable, true)
  })

  test('knows nothing of other ARNs, nor of a wrong path or case', () => {
    assert.equal(
      awsManagedPolicy('arn:aws:iam::123456789012:policy/AdministratorAccess'),
      undefined,
    )
    assert.equal(awsManagedPolicy(`${PREFIX}/service-role/AdministratorAccess`), undefined)
    assert.equal(awsManagedPolicy(`${PREFIX}/administratoraccess`), undefined)
    assert.equal(awsManagedPolicy(`${PREFIX}/NoSuchPolicy`), undefined)
    assert.equal(isAwsManagedPolicyArn(`${PREFIX}/NoSuchPolicy`), true)
    assert.equal(isAwsManagedPolicyArn('arn:aws:iam::123456789012:policy/x'), false)
  })
})

describe('scripts/extract-managed-policies.js', () => {
  test('keeps only the latest version of a policy, with its dates and path', () => {
    const entry = latestVersionOf('AWSLambdaBasicExecutionRole', {
      arn: `${PREFIX}/service-role/AWSLambdaBasicExecutionRole`,
      latestVersionId: 'v2',
      versionsCount: 2,
      versions: {
        v1: {
          createdDate: '2015-04-09T15:03:43.000Z',
          document: { Version: '2012-10-17', Statement: [] },
        },
        v2: {
          createdDate: '2016-01-01T00:00:00.000Z',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
          },
        },
      },
      createdDate: '2015-04-09T15:03:43.000Z',
      lastUpdatedDate: '2016-01-01T00:00:00.000Z',
    })
    assert.deepEqual(entry, {
      name: 'AWSLambdaBasicExecutionRole',
      arn: `${PREFIX}/service-role/AWSLambdaBasicExecutionRole`,
      path: '/service-role/',
      defaultVersionId: 'v2',
      createDate: '2015-04-09T15:03:43.000Z',
      updateDate: '2016-01-01T00:00:00.000Z',
      versionCreateDate: '2016-01-01T00:00:00.000Z',
      document: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
        },
        null,
        4,
      ),
    })
  })

  test('refuses an entry whose latest version is missing', () => {
    assert.throws(
      () =>
        latestVersionOf('Broken', {
          arn: `${PREFIX}/Broken`,
          latestVersionId: 'v3',
          versions: { v1: { document: {} } },
        }),
      /version v3 is missing/,
    )
  })

  test('writes a file the catalogue agrees with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-policies-'))
    try {
      const output = join(dir, 'aws-managed-policies.json')
      const run = spawnSync(process.execPath, ['scripts/extract-managed-policies.js', output], {
        encoding: 'utf8',
      })
      assert.equal(run.status, 0, run.stderr)
      const written = JSON.parse(readFileSync(output, 'utf8')) as {
        arn: string
        document: string
      }[]
      const catalogue = listAwsManagedPolicies()
      assert.equal(written.length, catalogue.length)
      const admin = written.find((entry) => entry.arn === `${PREFIX}/AdministratorAccess`)
      assert.equal(admin?.document, awsManagedPolicy(`${PREFIX}/AdministratorAccess`)?.document)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

test('every AWS managed policy document passes our managed-policy validator', () => {
  // Real documents AWS accepted are the widest valid-policy corpus we have (e.g. IAMAuditRootUserCredentials names arn:aws:iam::*:root).
  const refused = listAwsManagedPolicies().flatMap((policy) => {
    try {
      parsePolicy(policy.document, 'managed')
      return []
    } catch (error) {
      return [`${policy.policyName}: ${(error as Error).message}`]
    }
  })
  assert.deepEqual(refused, [])
})
