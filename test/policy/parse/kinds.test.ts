// Rules that depend on where the policy is used (identity-side, trust, resource), beyond
// principals and versions, which have their own files.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { assertMalformed, policyWith } from './malformed.js'

const TRUST_ACTIONS = 'AssumeRole policy may only specify STS AssumeRole actions.'

const trustWith = (extra: Record<string, unknown>) =>
  policyWith({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, ...extra })

describe('trust policies', () => {
  const actions: [unknown, string | undefined][] = [
    ['sts:AssumeRole', undefined],
    ['sts:AssumeRoleWithWebIdentity', undefined],
    ['sts:AssumeRoleWithSAML', undefined],
    [['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], undefined],
    ['sts:*', undefined],
    ['STS:AssumeRole', undefined],
    ['s3:GetObject', TRUST_ACTIONS],
    [['sts:AssumeRole', 'iam:PassRole'], TRUST_ACTIONS],
    ['*', TRUST_ACTIONS],
    ['GetObject', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ]
  for (const [action, message] of actions) {
    for (const element of ['Action', 'NotAction']) {
      test(`${element} ${JSON.stringify(action)} -> ${message ?? 'accepted'}`, () => {
        const text = trustWith({ [element]: action })
        if (message === undefined) assert.equal(parsePolicy(text, 'trust').statements.length, 1)
        else assertMalformed(text, 'trust', message)
      })
    }
  }

  for (const field of ['Resource', 'NotResource']) {
    test(`${field} is a prohibited field`, () => {
      const text = trustWith({ Action: 'sts:AssumeRole', [field]: '*' })
      assertMalformed(text, 'trust', `Has prohibited field ${field}`)
    })
  }

  test('a prohibited Resource is reported before a version or action fault', () => {
    const text = JSON.stringify({
      Statement: { Effect: 'allow', Principal: '*', Action: 's3:x', Resource: 'bad' },
    })
    assertMalformed(text, 'trust', 'Has prohibited field Resource')
  })

  test('a trust policy needs no resource', () => {
    const document = parsePolicy(trustWith({ Action: 'sts:AssumeRole' }), 'trust')
    assert.equal(document.statements[0]?.resource, undefined)
    assert.equal(document.statements[0]?.notResource, undefined)
  })

  test('trust policies still need actions', () => {
    assertMalformed(trustWith({}), 'trust', 'Policy statement must contain actions.')
  })

  test('the common checks run too: legacy Effect, duplicate SIDs', () => {
    assertMalformed(
      trustWith({ Effect: 'allow', Action: 'sts:AssumeRole' }),
      'trust',
      'The policy failed legacy parsing',
    )
    const twice = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        { Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
      ],
    })
    assertMalformed(twice, 'trust', 'Statement IDs (SID) in a single policy must be unique.')
  })

  test('a realistic web-identity trust policy parses fully', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'oidc.example.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'oidc.example.com:sub': 'system:serviceaccount:ns:*' },
          },
        },
      ],
    })
    const [statement] = parsePolicy(text, 'trust').statements
    assert.deepEqual(statement?.action, ['sts:AssumeRoleWithWebIdentity'])
    assert.deepEqual(statement?.principal, {
      kind: 'typed',
      values: { Federated: ['arn:aws:iam::123456789012:oidc-provider/oidc.example.com'] },
    })
    assert.equal(statement?.conditions.length, 2)
  })
})

describe('resource policies', () => {
  test('any action vendor is fine and resources are checked like identity policies', () => {
    const ok = policyWith({
      Effect: 'Allow',
      Principal: { AWS: '123456789012' },
      Action: ['s3:GetObject', 'kms:Decrypt'],
      Resource: 'arn:aws:s3:::bucket/*',
    })
    assert.equal(parsePolicy(ok, 'resource').statements.length, 1)
    const bad = policyWith({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'bucket' })
    assertMalformed(bad, 'resource', 'Resource bucket must be in ARN format or "*".')
  })
})

describe('identity-side kinds', () => {
  for (const kind of ['identity', 'managed', 'boundary', 'session'] as const) {
    test(`${kind}: a plain permissions policy parses`, () => {
      const text = policyWith({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' })
      const [statement] = parsePolicy(text, kind).statements
      assert.equal(statement?.effect, 'Deny')
      assert.equal(statement?.principal, undefined)
    })
  }
})
