// formatDecision: the terminal explanation names the outcome, the deciding type, every statement
// considered and every condition with expected and actual values.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestContext } from '../../src/policy/context.js'
import { evaluate } from '../../src/policy/evaluate.js'
import { formatDecision } from '../../src/policy/format-decision.js'
import { policy, user } from './support.js'

const p = policy(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadReports',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::reports/*',
      },
      {
        Sid: 'DenyOutsideOffice',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ],
  },
  'arn:aws:iam::123456789012:policy/Reports',
)

test('format-decision: an explicit deny with its condition values', () => {
  const d = evaluate(
    {
      principal: user('bob'),
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports/q1.csv',
      resourceAccount: '123456789012',
      context: new RequestContext({ 'aws:SourceIp': '198.51.100.9' }),
      identityPolicies: [p],
    },
    { trace: true },
  )
  const text = formatDecision(d)
  const lines = text.split('\n')
  assert.equal(lines[0], 'EXPLICITLY DENIED  s3:GetObject on arn:aws:s3:::reports/q1.csv')
  assert.equal(lines[1], 'principal: arn:aws:iam::123456789012:user/bob (same account)')
  assert.equal(lines[2], 'decided by: identity-based policy')
  assert.match(
    text,
    /Statement "DenyOutsideOffice" of identity-based policy arn:aws:iam::123456789012:policy\/Reports denies it/,
  )
  assert.match(
    text,
    /identity-based policy arn:aws:iam::123456789012:policy\/Reports: ExplicitlyDenied/,
  )
  assert.match(text, /\+ Allow statement 1 "ReadReports" \(lines 4:5-9:5\)/)
  assert.match(
    text,
    /\+ NotIpAddress aws:SourceIp: expected \["203\.0\.113\.0\/24"\], actual \["198\.51\.100\.9"\]/,
  )
})

test('format-decision: without a trace it lists the matched statements and missing keys', () => {
  // No aws:SourceIp: a negated operator holds on a missing key, so the Deny applies.
  const d = evaluate({
    principal: user('bob'),
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::reports/q1.csv',
    resourceAccount: '123456789012',
    context: new RequestContext(),
    identityPolicies: [p],
  })
  const text = formatDecision(d)
  assert.match(text, /^EXPLICITLY DENIED {2}s3:GetObject/)
  assert.match(
    text,
    /matched statements:\n {2}Allow statement 1 "ReadReports" of identity-based policy/,
  )
  assert.match(
    text,
    /\n {2}Deny statement 2 "DenyOutsideOffice" of identity-based policy .* \(lines 10:5-20:5\)/,
  )
  assert.match(text, /missing context keys: aws:SourceIp$/)
})
