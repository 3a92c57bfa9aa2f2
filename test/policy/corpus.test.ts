// Every document of ../shared/corpora/iam-policy-grammar/valid.json (moto's accepted policies; see
// that folder's README) parses, compiles and is evaluated, traced and explained without error,
// and traced and untraced decisions agree on each.
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compilePolicy } from '../../src/policy/compile-policy.js'
import { buildRequestContext } from '../../src/policy/context.js'
import { contextKeysInPolicy } from '../../src/policy/context-keys.js'
import { evaluate } from '../../src/policy/evaluate.js'
import { formatDecision } from '../../src/policy/format-decision.js'
import { parsePolicy } from '../../src/policy/parse-policy.js'
import { user } from './support.js'
import { corpus } from '../support/requirements.js'

const { path: file, skip } = corpus('iam-policy-grammar/valid.json')

if (skip) {
  test('iam-policy-grammar valid documents', { skip }, () => {})
} else {
  const documents = JSON.parse(readFileSync(file, 'utf8')) as unknown[]
  test(`iam-policy-grammar: all ${documents.length} valid documents compile and evaluate`, () => {
    assert.ok(documents.length >= 50)
    const context = buildRequestContext({
      currentTime: new Date('2017-09-01T00:00:00Z'),
      sourceIp: '203.0.113.10',
      username: 'bob',
      secureTransport: true,
    })
    let allowed = 0
    documents.forEach((document, i) => {
      const compiled = compilePolicy(
        parsePolicy(JSON.stringify(document), 'managed'),
        `valid-${i}`,
        'managed',
      )
      contextKeysInPolicy(compiled.document)
      for (const [action, resource] of [
        ['s3:ListBucket', 'arn:aws:s3:::example_bucket'],
        ['iam:CreateRole', 'arn:aws:iam::123456789012:role/x'],
        ['service-prefix:action-name', '*'],
      ] as const) {
        const request = {
          principal: user('bob'),
          action,
          resource,
          resourceAccount: '123456789012',
          context,
          identityPolicies: [compiled],
        }
        const plain = evaluate(request)
        const traced = evaluate(request, { trace: true })
        assert.equal(traced.decision, plain.decision, `document ${i}, ${action}`)
        assert.deepEqual(traced.matchedStatements, plain.matchedStatements)
        assert.ok(formatDecision(traced).length > 0)
        if (plain.decision === 'Allowed') allowed++
      }
    })
    // The corpus is mostly Allow statements on these actions: a good share must be allowed.
    assert.ok(allowed >= 10, `only ${allowed} allowed`)
  })
}
