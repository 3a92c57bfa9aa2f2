// Which writes AWS keeps for itself, whatever the policies say: AWS managed policies
// (access_policies_managed-vs-inline: "You cannot change the permissions defined in AWS managed
// policies"), the permissions of service-linked roles (using-service-linked-roles: "An IAM
// administrator can view, but not edit the permissions for service-linked roles") and IAM
// Identity Center's reserved roles (changed through its service-linked role, whose policy
// AWSSSOServiceRolePolicy grants the role writes on arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { RequestPrincipal } from '../../src/policy/principal.js'
import { protectedWrite } from '../../src/policy/protected-resources.js'
import { ACCOUNT, root, roleSession, user } from './support.js'

const SLR = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk`
const SSO = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`
const MANAGED = 'arn:aws:iam::aws:policy/AdministratorAccess'
const ebService: RequestPrincipal = {
  kind: 'service',
  arn: 'elasticbeanstalk.amazonaws.com',
  service: 'elasticbeanstalk.amazonaws.com',
}
const ssoSession: RequestPrincipal = {
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSServiceRoleForSSO/sso`,
  account: ACCOUNT,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`,
}

const rows: [string, string, RequestPrincipal, ReturnType<typeof protectedWrite>][] = [
  ['iam:DeletePolicy', MANAGED, root(), 'aws-managed-policy'],
  [
    'iam:CreatePolicyVersion',
    'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
    user('a'),
    'aws-managed-policy',
  ],
  ['iam:TagPolicy', MANAGED, user('a'), 'aws-managed-policy'],
  ['iam:GetPolicy', MANAGED, user('a'), undefined],
  ['iam:ListPolicyVersions', MANAGED, user('a'), undefined],
  ['iam:DeletePolicy', `arn:aws:iam::${ACCOUNT}:policy/mine`, user('a'), undefined],
  ['iam:DeleteRole', SLR, user('a'), 'service-linked-role'],
  ['iam:AttachRolePolicy', SLR, root(), 'service-linked-role'],
  ['iam:PutRolePolicy', SLR, user('a'), 'service-linked-role'],
  ['iam:UpdateAssumeRolePolicy', SLR, user('a'), 'service-linked-role'],
  ['iam:PutRolePermissionsBoundary', SLR, user('a'), 'service-linked-role'],
  ['iam:UpdateRoleDescription', SLR, user('a'), undefined],
  ['iam:TagRole', SLR, user('a'), undefined],
  ['iam:GetRole', SLR, user('a'), undefined],
  ['iam:AttachRolePolicy', SLR, ebService, undefined],
  [
    'iam:AttachRolePolicy',
    SLR,
    { ...ebService, service: 'ec2.amazonaws.com' },
    'service-linked-role',
  ],
  ['iam:DeleteRole', SSO, user('a'), 'reserved-role'],
  ['iam:DetachRolePolicy', SSO, roleSession('admin', 's'), 'reserved-role'],
  ['iam:TagRole', SSO, user('a'), 'reserved-role'],
  ['iam:UpdateRoleDescription', SSO, user('a'), 'reserved-role'],
  ['iam:AttachRolePolicy', SSO, ssoSession, undefined],
  ['iam:GetRole', SSO, user('a'), undefined],
  // Only the reserved path and name together make a reserved role.
  [
    'iam:DeleteRole',
    `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Admin_0123`,
    user('a'),
    undefined,
  ],
  ['iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/service-role/app`, user('a'), undefined],
  ['s3:DeleteBucket', SLR, user('a'), undefined],
]

for (const [action, resource, who, expected] of rows) {
  test(`protected-resources: ${action} on ${resource.slice(resource.indexOf(':', 13) + 1)} by ${who.kind} -> ${expected ?? 'not protected'}`, () => {
    assert.equal(protectedWrite(action.toLowerCase(), resource, who), expected)
  })
}
