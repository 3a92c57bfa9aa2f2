// AWS's enhanced AccessDenied messages (troubleshoot_access-denied, "Access denied error
// messages"): implicit ("because no <type> allows the <action> action") and explicit ("with an
// explicit deny in <type>").
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { accessDeniedMessage } from '../../src/policy/access-denied-message.js'
import { RequestContext } from '../../src/policy/context.js'
import type { EvaluationRequest } from '../../src/policy/evaluate.js'
import { evaluate } from '../../src/policy/evaluate.js'
import { ACCOUNT, OTHER, allow, deny, policy, roleSession, user } from './support.js'

const bob = user('bob')
const target = `arn:aws:iam::${ACCOUNT}:role/x`
const base = (over: Partial<EvaluationRequest>): EvaluationRequest => ({
  principal: bob,
  action: 'iam:CreateRole',
  resource: target,
  context: new RequestContext(),
  identityPolicies: [],
  ...over,
})
const message = (over: Partial<EvaluationRequest>) =>
  accessDeniedMessage(
    over.principal?.arn ?? bob.arn,
    over.action ?? 'iam:CreateRole',
    target,
    evaluate(base(over)),
  )

const iamAll = allow({ Action: 'iam:*', Resource: '*' })

test('access-denied: no identity-based policy allows', () => {
  assert.equal(
    message({}),
    'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:CreateRole action',
  )
})

test('access-denied: explicit deny in an identity-based policy', () => {
  assert.equal(
    message({ identityPolicies: [iamAll, deny({ Action: 'iam:Create*', Resource: '*' })] }),
    'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x with an explicit deny in an identity-based policy',
  )
})

test('access-denied: permissions boundary, implicit and explicit', () => {
  const boundary = allow({ Action: 's3:*', Resource: '*' }, 'B', 'boundary')
  assert.equal(
    message({ identityPolicies: [iamAll], permissionsBoundary: boundary }),
    'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no permissions boundary allows the iam:CreateRole action',
  )
  const denying = deny({ Action: 'iam:*', Resource: '*' }, 'B', 'boundary')
  assert.match(
    message({ identityPolicies: [iamAll], permissionsBoundary: denying }),
    / with an explicit deny in a permissions boundary$/,
  )
})

test('access-denied: session policy, implicit and explicit', () => {
  const session = roleSession('ops', 's1')
  const narrow = allow({ Action: 's3:*', Resource: '*' }, 'S', 'session')
  assert.equal(
    message({ principal: session, identityPolicies: [iamAll], sessionPolicies: [narrow] }),
    'User: arn:aws:sts::123456789012:assumed-role/ops/s1 is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no session policy allows the iam:CreateRole action',
  )
  const denying = deny({ Action: 'iam:*', Resource: '*' }, 'S', 'session')
  assert.match(
    message({ principal: session, identityPolicies: [iamAll], sessionPolicies: [denying] }),
    / with an explicit deny in a session policy$/,
  )
})

test('access-denied: resource-based variants', () => {
  const carol = user('carol', OTHER)
  assert.equal(
    message({ principal: carol, identityPolicies: [iamAll] }),
    'User: arn:aws:iam::210987654321:user/carol is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no resource-based policy allows the iam:CreateRole action',
  )
  const rp = policy(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }],
    },
    'rp',
    'resource',
  )
  assert.match(
    message({ identityPolicies: [iamAll], resourcePolicy: rp }),
    / with an explicit deny in a resource-based policy$/,
  )
})

test('access-denied: service control policy', () => {
  const scp = allow({ Action: 's3:*', Resource: '*' }, 'scp', 'scp')
  assert.match(
    message({
      identityPolicies: [iamAll],
      organizationPolicies: { serviceControlPolicies: [[scp]] },
    }),
    / because no service control policy allows the iam:CreateRole action$/,
  )
})

test('access-denied: a trust policy refusal gets the plain AssumeRole wording', () => {
  const trust = policy(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sts:AssumeRole' }],
    },
    't',
    'trust',
  )
  const d = evaluate(base({ action: 'sts:AssumeRole', resourcePolicy: trust }))
  assert.equal(
    accessDeniedMessage(bob.arn, 'sts:AssumeRole', target, d),
    'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/x',
  )
})

test('access-denied: without a resource the "on resource" part is left out', () => {
  const d = evaluate(base({ action: 'iam:ListRoles', resource: '*' }))
  assert.equal(
    accessDeniedMessage(bob.arn, 'iam:ListRoles', undefined, d),
    'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ListRoles because no identity-based policy allows the iam:ListRoles action',
  )
})

// IAM names a managed policy "policy ARN", as AWS answered in cds-snc/dns#523: "... is not
// authorized to perform: iam:DeletePolicyVersion on resource: policy arn:aws:iam::866996500832:
// policy/Route53TerraformDeploy because no identity-based policy allows ...".
test('access-denied: a managed policy is named "policy ARN"', () => {
  const mine = `arn:aws:iam::${ACCOUNT}:policy/Route53TerraformDeploy`
  const d = evaluate(base({ action: 'iam:DeletePolicyVersion', resource: mine }))
  assert.equal(
    accessDeniedMessage(bob.arn, 'iam:DeletePolicyVersion', mine, d),
    `User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:DeletePolicyVersion on resource: policy ${mine} because no identity-based policy allows the iam:DeletePolicyVersion action`,
  )
  // An AWS managed policy is AWS's: even Action * leaves its writes to no resource-based policy.
  const aws = 'arn:aws:iam::aws:policy/AdministratorAccess'
  const admin = allow({ Action: '*', Resource: '*' })
  const write = evaluate(
    base({ action: 'iam:DeletePolicy', resource: aws, identityPolicies: [admin] }),
  )
  assert.equal(write.protectedResource, 'aws-managed-policy')
  assert.equal(
    accessDeniedMessage(bob.arn, 'iam:DeletePolicy', aws, write),
    `User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:DeletePolicy on resource: policy ${aws} because no resource-based policy allows the iam:DeletePolicy action`,
  )
})
