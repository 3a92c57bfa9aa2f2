// GetContextKeysFor*Policy: condition keys and variable keys, once each, without regard to case.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { contextKeysInPolicies, contextKeysInPolicy } from '../../src/policy/context-keys.js'
import { parsePolicy } from '../../src/policy/parse-policy.js'

const doc = (statements: unknown[], version = '2012-10-17') =>
  parsePolicy(JSON.stringify({ Version: version, Statement: statements }), 'identity')

test('context-keys: condition keys and policy variables, deduplicated', () => {
  const keys = contextKeysInPolicy(
    doc([
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b/${aws:username}/*',
        Condition: {
          StringLike: { 's3:prefix': ['${aws:userid}/*', '${*}'] },
          DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
        },
      },
      {
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'AWS:CurrentTime': 'x', 'aws:SecureTransport': 'false' } },
      },
    ]),
  )
  assert.deepEqual(keys, [
    'aws:username',
    's3:prefix',
    'aws:userid',
    'aws:CurrentTime',
    'aws:SecureTransport',
  ])
})

test('context-keys: no variables in 2008-10-17 policies; union over several policies', () => {
  const old = doc(
    [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}' }],
    '2008-10-17',
  )
  assert.deepEqual(contextKeysInPolicy(old), [])
  const a = doc([
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceVpc': 'v' } },
    },
  ])
  const b = doc([
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:sourcevpc': 'v', 'aws:SourceIp': '1.2.3.4' } },
    },
  ])
  assert.deepEqual(contextKeysInPolicies([a, b]), ['aws:SourceVpc', 'aws:SourceIp'])
})
