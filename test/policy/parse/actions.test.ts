// Action and NotAction: presence, list handling and the vendor-prefix messages IAM reports.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { assertMalformed, policyWith } from './malformed.js'

const NEEDS_VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'
const ONE_COLON = 'Actions/Condition can contain only one colon.'

describe('action format', () => {
  const cases: [string, string | undefined][] = [
    ['s3:GetObject', undefined],
    ['*', undefined],
    ['s3:*', undefined],
    ['s3:Get*Object?', undefined],
    ['*:GetObject', undefined],
    ['aws-portal:ViewBilling', undefined],
    ['s3.s:ListBucket', undefined],
    ['iam: spaces are not checked ', undefined],
    ['GetObject', NEEDS_VENDOR],
    ['', NEEDS_VENDOR],
    ['s3*', NEEDS_VENDOR],
    ['s3:Get:Object', ONE_COLON],
    ['::', ONE_COLON],
    ['s3_x:GetObject', 'Vendor s3_x is not valid'],
    ['a a:GetObject', 'Vendor a a is not valid'],
    ['s3*:GetObject', 'Vendor s3* is not valid'],
  ]
  for (const [action, message] of cases) {
    for (const element of ['Action', 'NotAction']) {
      test(`${element} ${JSON.stringify(action)} -> ${message ?? 'accepted'}`, () => {
        const text = policyWith({ Effect: 'Allow', [element]: action, Resource: '*' })
        if (message === undefined) {
          const [statement] = parsePolicy(text, 'managed').statements
          assert.deepEqual(element === 'Action' ? statement?.action : statement?.notAction, [
            action,
          ])
        } else {
          assertMalformed(text, 'managed', message)
        }
      })
    }
  }

  test('the first bad action in the first statement is reported; Action before NotAction', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: 'bad', Resource: '*' },
        { Effect: 'Allow', Action: ['s3:Get', 'x:y:z', 'bad'], Resource: '*' },
      ],
    })
    assertMalformed(text, 'managed', ONE_COLON)
  })
})

describe('action presence', () => {
  const missing: [string, Record<string, unknown>][] = [
    ['no Action or NotAction', { Effect: 'Allow', Resource: '*' }],
    ['empty Action list', { Effect: 'Allow', Action: [], Resource: '*' }],
    ['empty NotAction list', { Effect: 'Deny', NotAction: [], Resource: '*' }],
    ['a list of nulls only', { Effect: 'Allow', Action: [null], Resource: '*' }],
  ]
  for (const [name, statement] of missing) {
    test(name, () => {
      assertMalformed(policyWith(statement), 'managed', 'Policy statement must contain actions.')
    })
  }

  test('missing actions are reported before missing resources', () => {
    assertMalformed(
      policyWith({ Effect: 'Allow' }),
      'managed',
      'Policy statement must contain actions.',
    )
  })

  test('a bad vendor is reported before missing resources', () => {
    assertMalformed(policyWith({ Effect: 'Allow', Action: 'invalid' }), 'managed', NEEDS_VENDOR)
  })
})

describe('action lists', () => {
  test('single values become one-element lists, lists keep order, nulls are skipped', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
        { Effect: 'Deny', NotAction: ['s3:b', null, 's3:a'], Resource: '*' },
      ],
    })
    const [first, second] = parsePolicy(text, 'identity').statements
    assert.deepEqual(first?.action, ['iam:GetUser'])
    assert.equal(first?.notAction, undefined)
    assert.deepEqual(second?.notAction, ['s3:b', 's3:a'])
    assert.equal(second?.action, undefined)
  })

  const shapes: [string, Record<string, unknown>][] = [
    ['Action and NotAction together', { Action: 's3:a', NotAction: 's3:b' }],
    ['Action as an object', { Action: {} }],
    ['Action as a number', { Action: 3 }],
    ['Action list holding a list', { Action: [[]] }],
    ['Action list holding a number', { Action: ['s3:a', 1] }],
    ['Action as null', { Action: null }],
  ]
  for (const [name, extra] of shapes) {
    test(`${name} is a syntax error`, () => {
      const text = policyWith({ Effect: 'Allow', Resource: '*', ...extra })
      assertMalformed(text, 'managed', 'Syntax errors in policy.')
    })
  }
})
