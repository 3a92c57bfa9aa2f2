// Session tag sets: the request's tags checked by AWS's rules and joined with the transitive tags a
// calling session passes on; a call with no tags at all takes a short way to the same answer.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CallerSession } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { sessionTagSet } from '../../src/sts/session-tags.js'

const calling = (tags: { key: string; value: string }[], transitive: string[]): CallerSession => ({
  obtainedBy: 'AssumeRole',
  chained: false,
  issuedAt: new Date(0),
  expiresAt: new Date(3_600_000),
  tags,
  transitiveTagKeys: transitive,
})

test('no tags requested and none inherited: an empty set, fresh each time', () => {
  const first = sessionTagSet([], [], undefined)
  const { tags, transitiveTagKeys, requested } = first
  assert.deepEqual(first, { tags: [], transitiveTagKeys: [], requested: [] })
  tags.push({ key: 'leak', value: 'x' })
  transitiveTagKeys.push('leak')
  requested.push({ key: 'leak', value: 'x' })
  assert.deepEqual(sessionTagSet(undefined, undefined, undefined), {
    tags: [],
    transitiveTagKeys: [],
    requested: [],
  })
})

test('no tags requested, but a calling session passes its transitive tags on', () => {
  const set = sessionTagSet(
    [],
    [],
    calling(
      [
        { key: 'Team', value: 'blue' },
        { key: 'x', value: 'y' },
      ],
      ['team'],
    ),
  )
  assert.deepEqual(set.tags, [{ key: 'Team', value: 'blue' }])
  assert.deepEqual(set.transitiveTagKeys, ['Team'])
  assert.deepEqual(set.requested, [])
})

test('requested tags are checked and kept, transitive keys in the case of their tag', () => {
  const set = sessionTagSet([{ key: 'Project', value: 'p1' }], ['project'], undefined)
  assert.deepEqual(set.tags, [{ key: 'Project', value: 'p1' }])
  assert.deepEqual(set.transitiveTagKeys, ['Project'])
  assert.deepEqual(set.requested, [{ key: 'Project', value: 'p1' }])
})

test('a transitive key without its tag is refused, even with no tags requested', () => {
  assert.throws(
    () => sessionTagSet([], ['project'], undefined),
    (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterValue',
  )
})
