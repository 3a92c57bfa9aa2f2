// The three PATCH types. Merge patch: every example of RFC 7386 Appendix A. JSON patch: the
// examples of RFC 6902 Appendix A. Strategic merge patch: what kubectl sends for rolegate's kinds
// (lists replaced, `$patch` directives, `$setElementOrder` skipped), from the Kubernetes
// documentation "Update API Objects in Place Using kubectl patch" and the SMP design doc.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  PatchError,
  jsonPatch,
  mergePatch,
  strategicMergePatch,
} from '../../../src/kubernetes/api/patch.js'

describe('JSON merge patch (RFC 7386 Appendix A)', () => {
  const CASES: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ]
  for (const [target, patch, result] of CASES) {
    test(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(mergePatch(target, patch), result)
    })
  }

  test('a __proto__ key is an ordinary key, not the prototype', () => {
    const patched = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as object
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined)
    assert.deepEqual(Object.keys(patched), ['__proto__'])
    assert.equal(Object.getPrototypeOf(patched), Object.prototype)
  })
})

describe('JSON patch (RFC 6902 Appendix A)', () => {
  const CASES: Array<[string, unknown, unknown, unknown]> = [
    [
      'A.1 adding an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'A.2 adding an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    [
      'A.3 removing an object member',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'remove', path: '/baz' }],
      { foo: 'bar' },
    ],
    [
      'A.4 removing an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'A.5 replacing a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 moving an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'A.10 adding a nested member object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'A.14 ~ escape ordering',
      { '/': 9, '~1': 10 },
      [{ op: 'test', path: '/~01', value: 10 }],
      { '/': 9, '~1': 10 },
    ],
    [
      'A.16 adding an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
  ]
  for (const [name, target, patch, result] of CASES) {
    test(name, () => assert.deepEqual(jsonPatch(target, patch), result))
  }

  const FAILURES: Array<[string, unknown, unknown]> = [
    ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    [
      'A.12 adding to a nonexistent target',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    ],
    [
      'A.15 comparing strings and numbers',
      { '/': 9, '~1': 10 },
      [{ op: 'test', path: '/~01', value: '10' }],
    ],
    ['an unknown operation', {}, [{ op: 'frobnicate', path: '/a' }]],
    ['a patch that is not a list', {}, { op: 'add' }],
  ]
  for (const [name, target, patch] of FAILURES) {
    test(name, () => assert.throws(() => jsonPatch(target, patch), PatchError))
  }

  test('the target is not changed by a failing patch', () => {
    const target = { a: [1, 2] }
    assert.throws(() =>
      jsonPatch(target, [
        { op: 'remove', path: '/a/0' },
        { op: 'test', path: '/b', value: 1 },
      ]),
    )
    assert.deepEqual(target, { a: [1, 2] })
  })
})

describe('strategic merge patch over rolegate kinds', () => {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'r', namespace: 'n', labels: { a: '1', b: '2' } },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  }

  test('a list without a merge key is replaced, maps merge, null deletes', () => {
    const patch = {
      metadata: { labels: { a: null, c: '3' } },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    }
    assert.deepEqual(strategicMergePatch(role, patch), {
      ...role,
      metadata: { name: 'r', namespace: 'n', labels: { b: '2', c: '3' } },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    })
  })

  test('$setElementOrder and $retainKeys are skipped; $patch: replace replaces a map', () => {
    const patch = {
      '$setElementOrder/rules': [{}],
      metadata: { labels: { $patch: 'replace', z: '9' } },
    }
    const patched = strategicMergePatch(role, patch) as typeof role
    assert.deepEqual(patched.metadata.labels, { z: '9' })
    assert.deepEqual(patched.rules, role.rules)
  })

  test('$patch: delete removes a map; an unknown directive is refused', () => {
    const patched = strategicMergePatch(role, { metadata: { labels: { $patch: 'delete' } } })
    assert.deepEqual((patched as typeof role).metadata, { name: 'r', namespace: 'n' })
    assert.throws(() => strategicMergePatch(role, { $patch: 'explode' }), PatchError)
  })
})
