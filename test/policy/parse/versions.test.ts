// Version rules per policy kind: managed policies and boundaries need 2012-10-17; inline, trust,
// resource and session policies may be 2008-10-17 or say nothing; any other value is a syntax error.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import type { PolicyKind } from '../../../src/policy/parse-policy.js'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { assertMalformed } from './malformed.js'

const statementFor = (kind: PolicyKind) =>
  kind === 'trust'
    ? { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }
    : kind === 'resource'
      ? { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }
      : { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }

const textFor = (kind: PolicyKind, version: unknown) =>
  JSON.stringify(
    version === undefined
      ? { Statement: statementFor(kind) }
      : { Version: version, Statement: statementFor(kind) },
  )

const OLD_OK = 'accepted'
const NEEDS_2012 = 'Policy document must be version 2012-10-17 or greater.'
const SYNTAX = 'Syntax errors in policy.'

describe('Version by kind', () => {
  const table: [PolicyKind, unknown, string][] = []
  for (const kind of ['managed', 'boundary'] as const) {
    table.push([kind, '2012-10-17', OLD_OK], [kind, '2008-10-17', NEEDS_2012])
    table.push([kind, undefined, NEEDS_2012])
  }
  for (const kind of ['identity', 'trust', 'resource', 'session'] as const) {
    table.push(
      [kind, '2012-10-17', OLD_OK],
      [kind, '2008-10-17', OLD_OK],
      [kind, undefined, OLD_OK],
    )
  }
  for (const kind of ['managed', 'identity', 'trust', 'resource', 'boundary', 'session'] as const) {
    for (const bad of ['2013-10-17', '2012-10-17 ', '', 20121017, ['2012-10-17'], null]) {
      table.push([kind, bad, SYNTAX])
    }
  }
  for (const [kind, version, expected] of table) {
    test(`${kind} with Version ${JSON.stringify(version) ?? '(none)'} -> ${expected}`, () => {
      const text = textFor(kind, version)
      if (expected === OLD_OK) {
        const document = parsePolicy(text, kind)
        assert.equal(document.version, version)
        assert.equal(document.statements.length, 1)
      } else {
        assertMalformed(text, kind, expected)
      }
    })
  }
})

describe('Version is checked after the grammar, before everything else', () => {
  test('a syntax error outranks a missing version', () => {
    const text = JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:*', Bad: 1 } })
    assertMalformed(text, 'managed', SYNTAX)
  })
  test('a missing version outranks legacy parsing and missing actions', () => {
    const text = JSON.stringify({
      Statement: [{ Effect: 'denY', Action: 's3:*', Resource: '*' }, { Effect: 'Allow' }],
    })
    assertMalformed(text, 'managed', NEEDS_2012)
  })
  test('policy variables are kept as written whatever the version', () => {
    const statement = {
      Effect: 'Allow',
      Action: 'iam:GetUser',
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    }
    for (const Version of ['2012-10-17', '2008-10-17']) {
      const document = parsePolicy(JSON.stringify({ Version, Statement: statement }), 'identity')
      assert.deepEqual(document.statements[0]?.resource, ['arn:aws:iam::*:user/${aws:username}'])
      assert.equal(document.version, Version)
    }
  })
})
