// The document grammar shared by every kind: top-level and statement elements, their types, Effect
// and Sid. Everything here is IAM's "Syntax errors in policy." unless noted.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { PolicyShapeError } from '../../../src/policy/parse/read-policy.js'
import { assertMalformed } from './malformed.js'

const SYNTAX = 'Syntax errors in policy.'
const ok = { Effect: 'Allow', Action: 's3:*', Resource: '*' }

describe('document shape', () => {
  const refused: [string, string][] = [
    ['a JSON string', '"This is not a json document"'],
    ['a JSON list', '[]'],
    ['a number', '1'],
    ['no Statement', '{"Version":"2012-10-17"}'],
    ['an empty Statement list', '{"Version":"2012-10-17","Statement":[]}'],
    ['a Statement string', '{"Version":"2012-10-17","Statement":"x"}'],
    ['a Statement list holding a string', '{"Version":"2012-10-17","Statement":["afd"]}'],
    [
      'an unknown top-level element',
      JSON.stringify({ Version: '2012-10-17', Statement: ok, X: 1 }),
    ],
    ['a lower-case element name', JSON.stringify({ version: '2012-10-17', Statement: ok })],
    ['an Id that is a list', JSON.stringify({ Version: '2012-10-17', Id: ['a'], Statement: ok })],
    ['an Id that is an object', JSON.stringify({ Version: '2012-10-17', Id: {}, Statement: ok })],
    [
      'a repeated top-level member',
      '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"},' +
        '"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}',
    ],
    [
      'a repeated statement member',
      '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}}',
    ],
    [
      'a repeated condition key',
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",' +
        '"Condition":{"StringEquals":{"a":"1","a":"2"}}}}',
    ],
  ]
  for (const [name, text] of refused) {
    test(`refuses ${name}`, () => assertMalformed(text, 'managed', SYNTAX))
  }

  test('Id and the tolerated top-level Conditions element are accepted', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Id: 'doc-1',
      Conditions: {},
      Statement: ok,
    })
    const document = parsePolicy(text, 'managed')
    assert.equal(document.id, 'doc-1')
    assert.equal(document.statements.length, 1)
  })
})

describe('statement elements', () => {
  const refused: [string, Record<string, unknown>][] = [
    ['an unknown element', { ...ok, Extra: 'value' }],
    ['no Effect', { Action: 's3:*', Resource: '*' }],
    ['Effect that is not Allow or Deny', { ...ok, Effect: 'Permit' }],
    ['Effect as a list', { ...ok, Effect: ['Allow'] }],
    ['Sid as an object', { ...ok, Sid: {} }],
    ['Sid as a list', { ...ok, Sid: [] }],
    ['Sid as a number', { ...ok, Sid: 1 }],
  ]
  for (const [name, statement] of refused) {
    test(`refuses ${name}`, () => {
      assertMalformed(
        JSON.stringify({ Version: '2012-10-17', Statement: statement }),
        'managed',
        SYNTAX,
      )
    })
  }

  const effects: [string, string | undefined][] = [
    ['Allow', undefined],
    ['Deny', undefined],
    ['allow', 'The policy failed legacy parsing'],
    ['DENY', 'The policy failed legacy parsing'],
  ]
  for (const [effect, message] of effects) {
    test(`Effect ${effect} -> ${message ?? 'accepted'}`, () => {
      const text = JSON.stringify({ Version: '2012-10-17', Statement: { ...ok, Effect: effect } })
      if (message) assertMalformed(text, 'managed', message)
      else assert.equal(parsePolicy(text, 'managed').statements[0]?.effect, effect)
    })
  }

  const sids: [string, string[], string | undefined][] = [
    ['distinct SIDs', ['a', 'b'], undefined],
    ['empty SIDs may repeat', ['', ''], undefined],
    ['SIDs compare case-sensitively', ['a', 'A'], undefined],
    ['a repeated SID', ['a', 'b', 'a'], 'Statement IDs (SID) in a single policy must be unique.'],
  ]
  for (const [name, values, message] of sids) {
    test(name, () => {
      const text = JSON.stringify({
        Version: '2012-10-17',
        Statement: values.map((Sid) => ({ Sid, ...ok })),
      })
      if (message) assertMalformed(text, 'managed', message)
      else {
        const statements = parsePolicy(text, 'managed').statements
        assert.deepEqual(
          statements.map(({ sid }) => sid),
          values,
        )
      }
    })
  }
})

describe('the shape error', () => {
  test("is MalformedPolicyDocument, 400, Sender, with IAM's message and the fault named", () => {
    const text =
      '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}}'
    assert.throws(
      () => parsePolicy(text, 'identity'),
      (error: unknown) => {
        assert.ok(error instanceof PolicyShapeError)
        assert.equal(error.code, 'MalformedPolicyDocument')
        assert.equal(error.status, 400)
        assert.equal(error.type, 'Sender')
        assert.equal(error.message, SYNTAX)
        assert.match(error.reason, /repeats Effect/)
        return true
      },
    )
  })
})
