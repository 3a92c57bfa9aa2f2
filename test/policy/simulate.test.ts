// SimulatePrincipalPolicy-shaped results (API_EvaluationResult): one per action and resource,
// matched statements with positions, missing context values, boundary and Organizations details.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestContext } from '../../src/policy/context.js'
import { simulatePolicies } from '../../src/policy/simulate.js'
import { allow, policy, user } from './support.js'

test('simulate: results per action and resource with statement positions', () => {
  const p = policy(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' },
        {
          Effect: 'Deny',
          Action: 's3:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        },
      ],
    },
    'arn:aws:iam::123456789012:policy/p',
  )
  const boundary = allow(
    { Action: 's3:*', Resource: '*' },
    'arn:aws:iam::123456789012:policy/b',
    'boundary',
  )
  const results = simulatePolicies({
    principal: user('bob'),
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: ['arn:aws:s3:::a/x', 'arn:aws:s3:::b/x'],
    resourceOwner: '123456789012',
    context: new RequestContext({ 'aws:RequestedRegion': 'eu-west-1' }),
    identityPolicies: [p],
    permissionsBoundary: boundary,
    sourceTypeOf: (id, type) =>
      type === 'boundary' ? 'none' : id.endsWith('/p') ? 'user-managed' : 'role',
  })
  assert.deepEqual(
    results.map((r) => [r.evalActionName, r.evalResourceName, r.evalDecision]),
    [
      ['s3:GetObject', 'arn:aws:s3:::a/x', 'allowed'],
      ['s3:GetObject', 'arn:aws:s3:::b/x', 'implicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::a/x', 'implicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::b/x', 'implicitDeny'],
    ],
  )
  const first = results[0]!
  assert.deepEqual(first.matchedStatements, [
    {
      sourcePolicyId: 'arn:aws:iam::123456789012:policy/p',
      sourcePolicyType: 'user-managed',
      startPosition: { line: 4, column: 5 },
      endPosition: { line: 8, column: 5 },
    },
    {
      sourcePolicyId: 'arn:aws:iam::123456789012:policy/b',
      sourcePolicyType: 'none',
      startPosition: { line: 4, column: 5 },
      endPosition: { line: 8, column: 5 },
    },
  ])
  assert.deepEqual(first.permissionsBoundaryDecisionDetail, { allowedByPermissionsBoundary: true })
  assert.equal(first.organizationsDecisionDetail, undefined)
  assert.deepEqual(first.missingContextValues, [])
})

test('simulate: missing context values and the default resource *', () => {
  const p = allow({
    Action: 'iam:*',
    Resource: '*',
    Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  })
  const [result] = simulatePolicies({
    principal: user('bob'),
    actions: ['iam:ListUsers'],
    context: new RequestContext(),
    identityPolicies: [p],
  })
  assert.equal(result!.evalResourceName, '*')
  assert.equal(result!.evalDecision, 'implicitDeny')
  assert.deepEqual(result!.missingContextValues, ['aws:MultiFactorAuthPresent'])
})
