import { test } from 'node:test'
import assert from 'node:assert/strict'
import { constantTimeEqual, constantTimeEqualBytes } from '../../src/sigv4/constant-time.js'

const sig = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'

test('constantTimeEqual is true only for identical strings, wherever they differ', () => {
  const table: [a: string, b: string, equal: boolean][] = [
    [sig, sig, true],
    ['', '', true],
    [sig, '0' + sig.slice(1), false],
    [sig, sig.slice(0, -1) + '0', false],
    [sig, sig.slice(0, 32), false],
    [sig.slice(0, 32), sig, false],
    [sig, sig + '0', false],
    ['a', '', false],
    ['', 'a', false],
    [sig, sig.toUpperCase(), false],
    ['\u0000', '', false],
  ]
  for (const [a, b, equal] of table) assert.equal(constantTimeEqual(a, b), equal, `${a} vs ${b}`)
})

test('constantTimeEqualBytes compares every byte and the lengths', () => {
  const table: [a: number[], b: number[], equal: boolean][] = [
    [[1, 2, 3], [1, 2, 3], true],
    [[], [], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[0, 2, 3], [1, 2, 3], false],
    [[1, 2], [1, 2, 0], false],
    [[1, 2, 0], [1, 2], false],
  ]
  for (const [a, b, equal] of table) {
    assert.equal(
      constantTimeEqualBytes(new Uint8Array(a), new Uint8Array(b)),
      equal,
      `${a} vs ${b}`,
    )
  }
})
