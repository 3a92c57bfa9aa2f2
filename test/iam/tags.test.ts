import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../src/core/errors.js'
import { readInput } from '../../src/core/input.js'
import {
  checkRequestTags,
  mergeTags,
  removeTags,
  requestTagContext,
  requiredTagList,
  tagKeyList,
  tagKeysContext,
} from '../../src/iam/tags.js'

const tag = (key: string, value = '') => ({ key, value })
const awsError = (code: string, message: string) => (error: unknown) => {
  assert.ok(error instanceof AwsError)
  assert.deepEqual([error.code, error.message], [code, message])
  return true
}

// AWS's one wording for a duplicate key, recorded from STS (aws-shapes test_sts, issue #11).
const DUPLICATE = 'Duplicate tag keys found. Please note that Tag keys are case insensitive.'

describe('checkRequestTags', () => {
  const cases = [
    { tags: [tag('a'), tag('b')], caseSensitive: false, error: undefined },
    {
      tags: [tag('Env'), tag('env')],
      caseSensitive: false,
      error: DUPLICATE,
    },
    { tags: [tag('Env'), tag('env')], caseSensitive: true, error: undefined },
    { tags: [tag('env'), tag('env')], caseSensitive: true, error: DUPLICATE },
    {
      tags: [tag('aws:x')],
      caseSensitive: false,
      error: "Tag keys starting with 'aws:' are reserved for internal use.",
    },
    {
      tags: [tag('Aws:X')],
      caseSensitive: true,
      error: "Tag keys starting with 'aws:' are reserved for internal use.",
    },
    { tags: [tag('awsx:y'), tag('my:aws:z')], caseSensitive: false, error: undefined },
  ]
  for (const { tags, caseSensitive, error } of cases) {
    test(`${tags.map((t) => t.key).join(',')} (${caseSensitive ? 'exact' : 'any case'})`, () => {
      const check = () => checkRequestTags(tags, { caseSensitive })
      if (error === undefined) check()
      else assert.throws(check, awsError('InvalidInput', error))
    })
  }
})

describe('mergeTags', () => {
  test('replaces values by key in any case, keeping the first spelling and order', () => {
    assert.deepEqual(
      mergeTags(
        [tag('Env', 'dev'), tag('team', 'a')],
        [tag('ENV', 'prod'), tag('new', 'n')],
        'TagsPerRole',
      ),
      [tag('Env', 'prod'), tag('team', 'a'), tag('new', 'n')],
    )
  })

  test('keeps keys that differ in case apart when exact', () => {
    assert.deepEqual(
      mergeTags([tag('Env', 'dev')], [tag('env', 'prod')], 'TagsPerPolicy', {
        caseSensitive: true,
      }),
      [tag('Env', 'dev'), tag('env', 'prod')],
    )
  })

  test('does not change the tags it was given', () => {
    const existing = [tag('a', '1')]
    mergeTags(existing, [tag('a', '2')], 'TagsPerUser')
    assert.deepEqual(existing, [tag('a', '1')])
  })

  test('fails past 50 in total with the quota named', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => tag(`k${i}`))
    assert.equal(mergeTags(fifty, [tag('K0', 'x')], 'TagsPerUser').length, 50)
    assert.throws(
      () => mergeTags(fifty, [tag('k50')], 'TagsPerOpenIdConnectProvider'),
      awsError('LimitExceeded', 'Cannot exceed quota for TagsPerOpenIdConnectProvider: 50'),
    )
  })
})

describe('removeTags', () => {
  test('drops keys in any case and ignores absent ones', () => {
    assert.deepEqual(removeTags([tag('Env'), tag('team')], ['env', 'nope']), [tag('team')])
  })
  test('drops only exact keys when exact', () => {
    assert.deepEqual(removeTags([tag('Env'), tag('env')], ['env'], { caseSensitive: true }), [
      tag('Env'),
    ])
  })
})

describe('tagKeyList', () => {
  const shape = { TagKeys: tagKeyList() }
  test('reads keys in member order', () => {
    assert.deepEqual(
      readInput(shape, {
        'TagKeys.member.2': 'b',
        'TagKeys.member.1': 'a',
        'TagKeys.member.10': 'c',
      }).TagKeys,
      ['a', 'b', 'c'],
    )
  })
  test('accepts 128-character keys counted in code points', () => {
    const key = '\u{1D49C}'.repeat(128)
    assert.deepEqual(readInput(shape, { 'TagKeys.member.1': key }).TagKeys, [key])
  })
  const constraint =
    'Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]'
  const refused = [
    {
      name: 'a missing list',
      params: {},
      message:
        "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'an empty key',
      params: { 'TagKeys.member.1': '' },
      message: `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: ${constraint}`,
    },
    {
      name: 'a 129-character key',
      params: { 'TagKeys.member.1': 'k'.repeat(129) },
      message: `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: ${constraint}`,
    },
    {
      name: 'a key with a comma',
      params: { 'TagKeys.member.1': 'ok', 'TagKeys.member.2': 'a,b' },
      message: `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: ${constraint}`,
    },
  ]
  for (const { name, params, message } of refused) {
    test(`refuses ${name}`, () => {
      assert.throws(() => readInput(shape, params), awsError('ValidationError', message))
    })
  }
  test('refuses 51 keys', () => {
    const params: Record<string, string> = {}
    for (let i = 1; i <= 51; i++) params[`TagKeys.member.${i}`] = `k${i}`
    assert.throws(
      () => readInput(shape, params),
      (error: unknown) => {
        assert.ok(error instanceof AwsError && error.code === 'ValidationError')
        assert.ok(
          error.message.endsWith(
            "at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
          ),
        )
        return true
      },
    )
  })
})

describe('requiredTagList', () => {
  test('reads tags and refuses a missing list', () => {
    const shape = { Tags: requiredTagList() }
    assert.deepEqual(
      readInput(shape, { 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' }).Tags,
      [tag('k', 'v')],
    )
    assert.throws(
      () => readInput(shape, {}),
      awsError(
        'ValidationError',
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
      ),
    )
  })
})

describe('authorisation context', () => {
  test('request tags become aws:RequestTag/KEY and aws:TagKeys', () => {
    assert.deepEqual(requestTagContext([tag('team', 'core'), tag('Env', '')]), {
      'aws:RequestTag/team': 'core',
      'aws:RequestTag/Env': '',
      'aws:TagKeys': ['team', 'Env'],
    })
    assert.deepEqual(requestTagContext(undefined), {})
  })
  test('untagged keys become aws:TagKeys', () => {
    assert.deepEqual(tagKeysContext(['a', 'b']), { 'aws:TagKeys': ['a', 'b'] })
  })
})
