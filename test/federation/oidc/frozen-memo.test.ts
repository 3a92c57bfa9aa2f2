// FrozenMemo: a frozen object's answer is worked out once; anything that could still change is
// worked out every time.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FrozenMemo } from '../../../src/federation/oidc/frozen-memo.js'

const counting = () => {
  let calls = 0
  const memo = new FrozenMemo<{ n: string }, string>()
  const ask = (key: { n: string }) => memo.get(key, () => `${key.n}#${++calls}`)
  return { ask, calls: () => calls }
}

test('a frozen object is computed once, each frozen object on its own', () => {
  const { ask, calls } = counting()
  const a = Object.freeze({ n: 'a' })
  const alsoA = Object.freeze({ n: 'a' })
  assert.equal(ask(a), 'a#1')
  assert.equal(ask(a), 'a#1')
  assert.equal(ask(alsoA), 'a#2')
  assert.equal(ask(a), 'a#1')
  assert.equal(calls(), 2)
})

test('an object that is not frozen is computed on every call, so a change counts', () => {
  const { ask, calls } = counting()
  const open = { n: 'a' }
  assert.equal(ask(open), 'a#1')
  open.n = 'b'
  assert.equal(ask(open), 'b#2')
  // Merely sealed or non-extensible objects can still change their members.
  const sealed = Object.seal({ n: 'c' })
  assert.equal(ask(sealed), 'c#3')
  sealed.n = 'd'
  assert.equal(ask(sealed), 'd#4')
  assert.equal(calls(), 4)
})

test('a falsy answer is remembered too', () => {
  let calls = 0
  const memo = new FrozenMemo<object, null>()
  const key = Object.freeze({})
  assert.equal(
    memo.get(key, () => (calls++, null)),
    null,
  )
  assert.equal(
    memo.get(key, () => (calls++, null)),
    null,
  )
  assert.equal(calls, 1)
})
