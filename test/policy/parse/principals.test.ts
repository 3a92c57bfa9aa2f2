// Principal and NotPrincipal: refused in identity-side policies, required and checked in trust and
// resource policies, and kept as written in the parsed document.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import type { PolicyKind } from '../../../src/policy/parse-policy.js'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { assertMalformed, policyWith } from './malformed.js'

const trust = (statement: Record<string, unknown>) =>
  policyWith({ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement })
const NO_PRINCIPALS =
  'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: ' +
  'The passed in policy has a statement with no principals!'

describe('identity-side policies name no principal', () => {
  const kinds: PolicyKind[] = ['identity', 'managed', 'boundary', 'session']
  const statements: [string, Record<string, unknown>][] = [
    ['Principal *', { Principal: '*' }],
    ['Principal AWS', { Principal: { AWS: 'arn:aws:iam::123456789012:root' } }],
    ['NotPrincipal', { NotPrincipal: { AWS: '123456789012' } }],
  ]
  for (const kind of kinds) {
    for (const [name, extra] of statements) {
      test(`${kind}: ${name}`, () => {
        const text = policyWith({ Effect: 'Allow', Action: 's3:*', Resource: '*', ...extra })
        assertMalformed(text, kind, 'Policy document should not specify a principal.')
      })
    }
  }
})

describe('principals are parsed as written', () => {
  const cases: [string, unknown, unknown][] = [
    ['"*" is any principal', '*', { kind: 'any' }],
    ['AWS "*" stays typed', { AWS: '*' }, { kind: 'typed', values: { AWS: ['*'] } }],
    [
      'single values become lists',
      { AWS: '123456789012', Service: 'ec2.amazonaws.com' },
      { kind: 'typed', values: { AWS: ['123456789012'], Service: ['ec2.amazonaws.com'] } },
    ],
    [
      'lists are kept in order',
      {
        AWS: ['arn:aws:iam::123456789012:role/a', 'AROAEXAMPLEEXAMPLE1234'],
        Federated: 'arn:aws:iam::123456789012:oidc-provider/issuer.example.com',
        CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      },
      {
        kind: 'typed',
        values: {
          AWS: ['arn:aws:iam::123456789012:role/a', 'AROAEXAMPLEEXAMPLE1234'],
          Federated: ['arn:aws:iam::123456789012:oidc-provider/issuer.example.com'],
          CanonicalUser: ['79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
        },
      },
    ],
  ]
  for (const [name, principal, expected] of cases) {
    test(`trust: ${name}`, () => {
      const [statement] = parsePolicy(trust({ Principal: principal }), 'trust').statements
      assert.deepEqual(statement?.principal, expected)
      assert.equal(statement?.notPrincipal, undefined)
    })
  }

  test('resource policy NotPrincipal is kept apart from Principal', () => {
    const text = policyWith({
      Effect: 'Deny',
      NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 's3:*',
      Resource: 'arn:aws:s3:::bucket/*',
    })
    const [statement] = parsePolicy(text, 'resource').statements
    assert.equal(statement?.principal, undefined)
    assert.deepEqual(statement?.notPrincipal, {
      kind: 'typed',
      values: { AWS: ['arn:aws:iam::123456789012:root'] },
    })
  })
})

describe('trust and resource policies need principals', () => {
  const missing: [string, Record<string, unknown>][] = [
    ['no Principal', {}],
    ['empty Principal object', { Principal: {} }],
    ['Principal with an empty list', { Principal: { AWS: [] } }],
  ]
  for (const [name, extra] of missing) {
    test(`trust: ${name}`, () => assertMalformed(trust(extra), 'trust', NO_PRINCIPALS))
    test(`resource: ${name}`, () => {
      const text = policyWith({ Effect: 'Allow', Action: 's3:*', Resource: '*', ...extra })
      assertMalformed(text, 'resource', 'Missing required field Principal')
    })
  }
})

describe('principal values', () => {
  const invalid: [Record<string, unknown>, string][] = [
    [{ AWS: 'not-an-account' }, 'Invalid principal in policy: "AWS":"not-an-account"'],
    [{ AWS: '12345678901' }, 'Invalid principal in policy: "AWS":"12345678901"'],
    [{ AWS: 'arn:aws:iam::root' }, 'Invalid principal in policy: "AWS":"arn:aws:iam::root"'],
    [{ AWS: ['123456789012', ''] }, 'Invalid principal in policy: "AWS":""'],
    [{ Service: '' }, 'Invalid principal in policy: "Service":""'],
    [{ Federated: ' ' }, 'Invalid principal in policy: "Federated":" "'],
  ]
  for (const [principal, message] of invalid) {
    test(`trust refuses ${JSON.stringify(principal)}`, () => {
      assertMalformed(trust({ Principal: principal }), 'trust', message)
    })
  }

  const shapes: [string, unknown][] = [
    ['a bare ARN string', 'arn:aws:iam::123456789012:root'],
    ['an unknown principal type', { Foo: 'x' }],
    ['a lower-case principal type', { aws: '123456789012' }],
    ['a number', { AWS: 123456789012 }],
    ['a list at the top', ['*']],
    ['a nested object', { AWS: { id: '1' } }],
  ]
  for (const [name, principal] of shapes) {
    test(`Principal as ${name} is a syntax error`, () => {
      assertMalformed(trust({ Principal: principal }), 'trust', 'Syntax errors in policy.')
    })
  }

  test('Principal and NotPrincipal together is a syntax error', () => {
    const text = trust({ Principal: '*', NotPrincipal: { AWS: '123456789012' } })
    assertMalformed(text, 'trust', 'Syntax errors in policy.')
  })
})
