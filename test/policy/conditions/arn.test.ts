// ArnEquals / ArnLike / ArnNotEquals / ArnNotLike: segment-wise, case-sensitive
// (reference_policies_elements_condition_operators, ARN condition operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const role = 'arn:aws:iam::123456789012:role/admin/Deploy'
const rows: Row[] = [
  ['ArnEquals', [role], role, true],
  ['ArnEquals', ['arn:aws:iam::123456789012:role/admin/deploy'], role, false], // case-sensitive
  ['ArnLike', ['arn:aws:iam::123456789012:role/*'], role, true],
  ['ArnEquals', ['arn:aws:iam::123456789012:role/*'], role, true], // AWS: same test as ArnLike
  ['ArnLike', ['arn:aws:iam::*:role/admin/Deploy'], role, true],
  ['ArnLike', ['arn:aws:iam::12345678901?:role/admin/Deploy'], role, true],
  ['ArnLike', ['arn:aws:*:role/admin/Deploy'], role, false], // `*` stays in its segment
  ['ArnLike', ['arn:aws:iam::*'], role, true], // a trailing `*` covers the rest
  ['ArnLike', ['arn:aws:s3:::bucket/*'], 'arn:aws:s3:::bucket/a:b/c', true],
  ['ArnLike', ['arn:aws:iam::123456789012:role/*'], 'not-an-arn', false],
  ['ArnLike', ['arn:aws:iam::123456789012:role/*'], undefined, false],
  ['ArnLikeIfExists', ['arn:aws:iam::123456789012:role/*'], undefined, true],
  ['ArnNotEquals', [role], 'arn:aws:iam::123456789012:role/other', true],
  ['ArnNotLike', ['arn:aws:iam::123456789012:role/*'], role, false],
  ['ArnNotLike', ['arn:aws:iam::123456789012:user/*'], role, true],
  ['ArnNotLike', ['arn:aws:iam::123456789012:user/*'], undefined, true],
]

for (const row of rows) {
  test(`arn: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('arn: variables are substituted in ARN operators', () => {
  const vars = { 'aws:PrincipalAccount': '123456789012' }
  assert.equal(holds('ArnLike', ['arn:aws:iam::${aws:PrincipalAccount}:role/*'], role, vars), true)
  assert.equal(holds('ArnLike', ['arn:aws:iam::${aws:PrincipalAccount}:role/*'], role), false)
})
