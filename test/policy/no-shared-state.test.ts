// The engine holds no state of its own: compiled statements are frozen and evaluation never
// writes to them, and the only memo it uses (lower-cased action names) is one the caller owns.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ActionNames } from '../../src/policy/action-names.js'
import { RequestContext } from '../../src/policy/context.js'
import { evaluate } from '../../src/policy/evaluate.js'
import type { EvaluationRequest } from '../../src/policy/evaluate.js'
import { ACCOUNT, allow, deny, policy, user } from './support.js'

const readAll = allow({ Action: 's3:Get*', Resource: '*' }, 'ReadAll')
const noSecrets = deny({ Action: 's3:*', Resource: 'arn:aws:s3:::secrets/*' }, 'NoSecrets')

const request = (action: string, resource = 'arn:aws:s3:::reports/q1.csv'): EvaluationRequest => ({
  principal: user('bob'),
  action,
  resource,
  resourceAccount: ACCOUNT,
  context: new RequestContext(),
  identityPolicies: [readAll, noSecrets],
})

test('compiled statements and their parts are frozen', () => {
  for (const compiled of [readAll, noSecrets]) {
    assert.ok(Object.isFrozen(compiled))
    assert.ok(Object.isFrozen(compiled.statements))
    for (const statement of compiled.statements) {
      assert.ok(Object.isFrozen(statement))
      assert.ok(Object.isFrozen(statement.actions))
      assert.ok(Object.isFrozen(statement.resources))
      assert.ok(Object.isFrozen(statement.conditions))
      assert.throws(() => {
        ;(statement as { effect: string }).effect = 'Allow'
      }, TypeError)
    }
  }
})

test('a decision leaves the statements as they were, and shares frozen records', () => {
  const before = readAll.statements.map((s) => ({ ...s }))
  const first = evaluate(request('s3:GetObject'))
  const again = evaluate(request('s3:GetObject'), { trace: true })
  assert.deepEqual(
    readAll.statements.map((s) => ({ ...s })),
    before,
  )
  assert.equal(first.decision, 'Allowed')
  assert.ok(Object.isFrozen(first.matchedStatements[0]))
  // The same statement matched twice is the same record, built when the policy was compiled.
  assert.equal(first.matchedStatements[0], again.matchedStatements[0])
  assert.deepEqual(
    { ...first.matchedStatements[0] },
    {
      policyId: 'ReadAll',
      policyType: 'identity',
      effect: 'Allow',
      statementIndex: 0,
      span: readAll.statements[0]!.span,
    },
  )
})

test('a policy evaluated as another type than its kind names that type', () => {
  // An identity-kind policy passed as a permissions boundary: its record says boundary.
  const boundary = policy(
    {
      Version: '2012-10-17',
      Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }],
    },
    'as-boundary',
  )
  const d = evaluate({ ...request('s3:GetObject'), permissionsBoundary: boundary })
  const matched = d.matchedStatements.find((m) => m.policyId === 'as-boundary')
  assert.equal(matched?.policyType, 'boundary')
  assert.equal(matched?.sid, 'All')
})

test('action names are remembered only in the memo the caller passes', () => {
  const one = new ActionNames()
  const two = new ActionNames()
  const allowed = evaluate(request('S3:GETOBJECT'), { actionNames: one })
  const denied = evaluate(request('s3:GetObject', 'arn:aws:s3:::secrets/key'), { actionNames: two })
  assert.equal(allowed.decision, 'Allowed')
  assert.equal(denied.decision, 'ExplicitlyDenied')
  assert.equal(one.size, 1)
  assert.equal(two.size, 1)
  assert.equal(one.lower('S3:GETOBJECT'), 's3:getobject')
  // Without a memo the decision is the same: the memo saves work, it never changes an answer.
  assert.equal(evaluate(request('S3:GETOBJECT')).decision, 'Allowed')
  assert.equal(new ActionNames().size, 0)
})

test('the memo is bounded', () => {
  const names = new ActionNames(2)
  names.lower('a:A')
  names.lower('b:B')
  names.lower('c:C')
  assert.ok(names.size <= 2)
  assert.equal(names.lower('a:A'), 'a:a')
})
