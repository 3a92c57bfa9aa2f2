// The request context: case-insensitive keys, and the builder for AWS's global keys
// (reference_policies_condition-keys).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestContext, buildRequestContext } from '../../src/policy/context.js'

test('context: keys are case-insensitive and keep their first spelling', () => {
  const ctx = new RequestContext({ 'aws:SourceIp': '203.0.113.1' })
  assert.equal(ctx.get('AWS:SOURCEIP'), '203.0.113.1')
  ctx.set('aws:sourceip', '203.0.113.2')
  assert.deepEqual(ctx.entries(), [['aws:SourceIp', '203.0.113.2']])
  const more = ctx.with({ 'aws:username': 'bob' })
  assert.deepEqual(more.keys(), ['aws:SourceIp', 'aws:username'])
  assert.equal(ctx.has('aws:username'), false)
})

test('context: the builder fills global, IAM and STS keys', () => {
  const now = new Date('2024-06-01T12:00:00Z')
  const ctx = buildRequestContext({
    currentTime: now,
    secureTransport: true,
    sourceIp: '203.0.113.1',
    principalArn: 'arn:aws:iam::123456789012:user/bob',
    principalAccount: '123456789012',
    principalType: 'User',
    username: 'bob',
    userId: 'AIDAEXAMPLE',
    principalTags: { team: 'red' },
    requestTags: { env: 'prod', owner: 'bob' },
    resourceTags: { env: 'dev' },
    requestedRegion: 'eu-west-1',
    multiFactorAuthPresent: false,
    iam: {
      passedToService: 'ec2.amazonaws.com',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/b',
    },
    sts: { externalId: 'x-1', roleSessionName: 'ci', transitiveTagKeys: ['team'] },
    extra: { 'accounts.google.com:sub': '1234', amr: ['pwd', 'mfa'] },
  })
  assert.equal(ctx.get('aws:CurrentTime'), now)
  assert.equal(ctx.get('aws:EpochTime'), 1717243200)
  assert.equal(ctx.get('aws:PrincipalTag/team'), 'red')
  assert.deepEqual(ctx.get('aws:TagKeys'), ['env', 'owner'])
  assert.equal(ctx.get('aws:RequestTag/env'), 'prod')
  assert.equal(ctx.get('aws:ResourceTag/env'), 'dev')
  assert.equal(ctx.get('iam:PassedToService'), 'ec2.amazonaws.com')
  assert.equal(ctx.get('sts:ExternalId'), 'x-1')
  assert.deepEqual(ctx.get('sts:TransitiveTagKeys'), ['team'])
  assert.deepEqual(ctx.get('amr'), ['pwd', 'mfa'])
  assert.equal(ctx.get('aws:MultiFactorAuthPresent'), false)
  assert.equal(ctx.has('aws:TokenIssueTime'), false)
  assert.equal(ctx.variable('aws:currenttime'), '2024-06-01T12:00:00Z')
})
