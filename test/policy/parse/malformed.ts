// Shared assertion for the parse tests: the exact AWS error code, status and message.
import assert from 'node:assert/strict'
import { isAwsError } from '../../../src/core/errors.js'
import type { PolicyKind } from '../../../src/policy/parse-policy.js'
import { parsePolicy } from '../../../src/policy/parse-policy.js'

export function assertMalformed(text: string, kind: PolicyKind, message: string) {
  assert.throws(
    () => parsePolicy(text, kind),
    (thrown) => {
      assert.ok(isAwsError(thrown), `expected an AwsError, got ${String(thrown)}`)
      assert.equal(thrown.code, 'MalformedPolicyDocument')
      assert.equal(thrown.status, 400)
      assert.equal(thrown.type, 'Sender')
      assert.equal(thrown.message, message)
      return true
    },
  )
}

/** A one-statement 2012-10-17 policy from the statement's members. */
export const policyWith = (statement: Record<string, unknown>, version = '2012-10-17') =>
  JSON.stringify({ Version: version, Statement: statement })
