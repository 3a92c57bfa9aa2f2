import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatArn, parseArn } from '../../src/core/arn.js'

test('parseArn keeps colons inside the resource', () => {
  const arn = parseArn('arn:aws:s3:::bucket/a:b')
  assert.deepEqual(arn, {
    partition: 'aws',
    service: 's3',
    region: '',
    account: '',
    resource: 'bucket/a:b',
  })
  assert.equal(formatArn(arn!), 'arn:aws:s3:::bucket/a:b')
})

test('parseArn rejects text that is not an ARN', () => {
  assert.equal(parseArn('not-an-arn'), undefined)
  assert.equal(parseArn('arn:aws:iam'), undefined)
})
