// Resource and NotResource: the ARN-shape messages, legacy-parser refusals, the order IAM reports
// them in, and presence rules.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { assertMalformed, policyWith } from './malformed.js'

const LEGACY = 'The policy failed legacy parsing'
const IAM_PATH =
  'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, ' +
  'instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, ' +
  'oidc-provider/, report/, access-report/.'

describe('resource format', () => {
  const cases: [string, string | undefined][] = [
    ['*', undefined],
    ['arn:aws:s3:::bucket/key', undefined],
    ['arn:*:s3:::bucket', undefined],
    ['arn:aws:s3:us-west-2:123456789012:accesspoint/ap', undefined],
    ['arn:aws:ec2:us-east-1::instance/*', undefined],
    ['arn:aws:iam::*:user/${aws:username}', undefined],
    ['arn:aws:iam::123456789012:*', undefined],
    ['arn:aws:unknown-service:::x', undefined],
    ['arn:aws:fdsasf', undefined],
    ['bucket', 'Resource bucket must be in ARN format or "*".'],
    ['', 'Resource  must be in ARN format or "*".'],
    ['arn', 'Resource arn must be in ARN format or "*".'],
    ['arn:aws', 'Resource vendor must be fully qualified and cannot contain regexes.'],
    ['arn:aws-cn:s3:::b', 'Partition "aws-cn" is not valid for resource "arn:aws-cn:s3:::b".'],
    ['a:b', 'Partition "b" is not valid for resource "arn:b:*:*:*:*".'],
    ['a:b:c', 'Partition "b" is not valid for resource "arn:b:c:*:*:*".'],
    ['a:b:c:d:e:f:g:h', 'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".'],
    ['aws:s3:::bucket', 'Partition "s3" is not valid for resource "arn:s3:::bucket:*".'],
    [
      'arn:aws:iam:us-east-1::user/x',
      'IAM resource arn:aws:iam:us-east-1::user/x cannot contain region information.',
    ],
    [
      'arn:aws:s3:us-east-1::bucket',
      'Resource arn:aws:s3:us-east-1::bucket can not contain region information.',
    ],
    ['arn:aws:iam:::bucket', IAM_PATH],
    // AWS managed policies (IAMAuditRootUserCredentials) name the root user this way.
    ['arn:aws:iam::123456789012:root', undefined],
    ['arn:aws:iam::123456789012:rootx', IAM_PATH],
    ['arn:aws:iam::123456789012', IAM_PATH],
    ['arn:aws:s3::bucket', LEGACY],
    ['arn:aws::::bucket', LEGACY],
    ['arn:aws::x', LEGACY],
  ]
  for (const [resource, message] of cases) {
    for (const element of ['Resource', 'NotResource']) {
      test(`${element} ${JSON.stringify(resource)} -> ${message ?? 'accepted'}`, () => {
        const text = policyWith({ Effect: 'Allow', Action: 's3:*', [element]: resource })
        if (message === undefined) {
          const [statement] = parsePolicy(text, 'managed').statements
          const parsed = element === 'Resource' ? statement?.resource : statement?.notResource
          assert.deepEqual(parsed, [resource])
        } else {
          assertMalformed(text, 'managed', message)
        }
      })
    }
  }
})

describe('which fault IAM reports', () => {
  const cases: [string, Record<string, unknown>[], string][] = [
    [
      'within a list, the fault of the lexically smallest bad resource',
      [{ Effect: 'Allow', Action: 's3:*', Resource: ['b', 'arn:aws:s3:::ok', 'a'] }],
      'Resource a must be in ARN format or "*".',
    ],
    [
      'across statements, the last fault found',
      [
        { Effect: 'Allow', Action: 's3:*', Resource: 'first' },
        { Effect: 'Allow', Action: 's3:*', Resource: 'second' },
      ],
      'Resource second must be in ARN format or "*".',
    ],
    [
      'NotResource faults are found after every Resource fault',
      [
        { Effect: 'Allow', Action: 's3:*', NotResource: 'not' },
        { Effect: 'Allow', Action: 's3:*', Resource: 'res' },
      ],
      'Resource not must be in ARN format or "*".',
    ],
    [
      'a format fault hides a later legacy fault',
      [
        { Effect: 'Allow', Action: 's3:*', Resource: 'bad' },
        { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3::bucket' },
      ],
      'Resource bad must be in ARN format or "*".',
    ],
    [
      'a legacy fault before any format fault wins',
      [
        { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3::bucket' },
        { Effect: 'Allow', Action: 's3:*', Resource: 'bad' },
      ],
      LEGACY,
    ],
    [
      'duplicate SIDs are reported before a format fault',
      [
        { Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: 'bad' },
        { Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      ],
      'Statement IDs (SID) in a single policy must be unique.',
    ],
    [
      'missing actions are reported before a format fault',
      [{ Effect: 'Allow', Resource: 'bad' }],
      'Policy statement must contain actions.',
    ],
    [
      'a format fault is reported before a bad action',
      [{ Effect: 'Allow', Action: 's:3:x', Resource: 'bad' }],
      'Resource bad must be in ARN format or "*".',
    ],
  ]
  for (const [name, statements, message] of cases) {
    test(name, () => {
      const text = JSON.stringify({ Version: '2012-10-17', Statement: statements })
      assertMalformed(text, 'managed', message)
    })
  }
})

describe('resource presence and shape', () => {
  const missing: [string, Record<string, unknown>][] = [
    ['no Resource or NotResource', {}],
    ['empty Resource list', { Resource: [] }],
    ['empty NotResource list', { NotResource: [] }],
  ]
  for (const [name, extra] of missing) {
    for (const kind of ['managed', 'identity', 'boundary', 'session'] as const) {
      test(`${kind}: ${name}`, () => {
        const text = policyWith({ Effect: 'Allow', Action: 's3:*', ...extra })
        assertMalformed(text, kind, 'Policy statement must contain resources.')
      })
    }
    test(`resource policy: ${name}`, () => {
      const text = policyWith({ Effect: 'Allow', Principal: '*', Action: 's3:*', ...extra })
      assertMalformed(text, 'resource', 'Policy statement must contain resources.')
    })
  }

  test('nulls in a list are skipped', () => {
    const text = policyWith({ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::b', null] })
    assert.deepEqual(parsePolicy(text, 'managed').statements[0]?.resource, ['arn:aws:s3:::b'])
  })

  const shapes: [string, Record<string, unknown>][] = [
    ['Resource and NotResource together', { Resource: '*', NotResource: '*' }],
    ['Resource as an object', { Resource: { a: 'arn:aws:s3:::b' } }],
    ['Resource list holding an object', { Resource: ['arn:aws:s3:::b', {}] }],
    ['Resource as true', { Resource: true }],
  ]
  for (const [name, extra] of shapes) {
    test(`${name} is a syntax error`, () => {
      const text = policyWith({ Effect: 'Allow', Action: 's3:*', ...extra })
      assertMalformed(text, 'managed', 'Syntax errors in policy.')
    })
  }
})
