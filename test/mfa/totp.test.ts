// The TOTP rules of virtual MFA devices, with every expected code from a second implementation
// (Python's hmac, test/support/totp-reference.ts) or RFC 6238's own test vectors: seeds, the
// sign-in window, replay, the device's clock offset, and the consecutive pair of enable/resync.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  SEED_BYTES,
  acceptConsecutiveCodes,
  acceptSignInCode,
  seedFromBytes,
  timeStep,
} from '../../src/mfa/index.js'
import { base32, codesAt } from '../support/totp-reference.js'

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890"; its 8-digit codes end in
// the 6-digit ones (both are the same number modulo a power of ten).
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

const SEED = seedFromBytes(Buffer.from('rolegate-test-seed-0123456789abcdefghijk').subarray(0, 40))
const NOW = new Date('2025-06-01T12:00:10Z')
const STEP = timeStep(NOW)
const fresh = { lastStep: null, stepOffset: 0 }

describe('seeds', () => {
  test('are 40 random bytes as 64 base32 characters, as Python encodes them', () => {
    const bytes = Buffer.from([...Array(SEED_BYTES).keys()].map((i) => (i * 37 + 11) % 256))
    const seed = seedFromBytes(bytes)
    assert.match(seed, /^[A-Z2-7]{64}$/)
    assert.equal(seed, base32(bytes))
    // A view into a larger buffer encodes only its own bytes.
    const larger = Buffer.concat([Buffer.alloc(8, 255), bytes, Buffer.alloc(8, 255)])
    assert.equal(seedFromBytes(larger.subarray(8, 8 + SEED_BYTES)), seed)
  })
})

describe('RFC 6238 test vectors', () => {
  test('the reference implementation gives the RFC codes', () => {
    const codes = codesAt(
      RFC_SEED,
      RFC_VECTORS.map(([time]) => Math.floor(time / 30)),
      8,
    )
    assert.deepEqual(
      codes,
      RFC_VECTORS.map(([, code]) => code),
    )
  })

  test('each vector signs in at its time, and not 90 seconds later', () => {
    for (const [time, code] of RFC_VECTORS) {
      const at = new Date(time * 1000)
      assert.deepEqual(acceptSignInCode(RFC_SEED, code.slice(2), at, fresh), {
        step: Math.floor(time / 30),
        stepOffset: 0,
      })
      assert.equal(
        acceptSignInCode(RFC_SEED, code.slice(2), new Date((time + 90) * 1000), fresh),
        undefined,
      )
    }
  })
})

describe('a sign-in code', () => {
  test('counts for the current step and one either side, no further', () => {
    const steps = [-2, -1, 0, 1, 2].map((d) => STEP + d)
    const codes = codesAt(SEED, steps)
    const accepted = codes.map((code) => acceptSignInCode(SEED, code, NOW, fresh)?.step)
    assert.deepEqual(accepted, [undefined, STEP - 1, STEP, STEP + 1, undefined])
  })

  test('is good once: a step at or before the last one used is refused', () => {
    const [before, current, after] = codesAt(SEED, [STEP - 1, STEP, STEP + 1])
    const used = { lastStep: STEP, stepOffset: 0 }
    assert.equal(acceptSignInCode(SEED, current!, NOW, used), undefined)
    assert.equal(acceptSignInCode(SEED, before!, NOW, used), undefined)
    assert.equal(acceptSignInCode(SEED, after!, NOW, used)?.step, STEP + 1)
  })

  test("is looked for around the device's time, by its learned offset", () => {
    const [late] = codesAt(SEED, [STEP - 5])
    assert.equal(acceptSignInCode(SEED, late!, NOW, fresh), undefined)
    assert.deepEqual(acceptSignInCode(SEED, late!, NOW, { lastStep: null, stepOffset: -5 }), {
      step: STEP - 5,
      stepOffset: -5,
    })
  })

  test('of another seed, or not six digits, is refused', () => {
    const other = seedFromBytes(Buffer.alloc(40, 7))
    const [code] = codesAt(other, [STEP])
    assert.equal(acceptSignInCode(SEED, code!, NOW, fresh), undefined)
    const [mine] = codesAt(SEED, [STEP])
    assert.equal(acceptSignInCode(SEED, `${mine!}0`, NOW, fresh), undefined)
  })
})

describe('two consecutive codes', () => {
  test('are accepted in order, answering the second step and no offset', () => {
    const [first, second] = codesAt(SEED, [STEP - 1, STEP])
    assert.deepEqual(acceptConsecutiveCodes(SEED, first!, second!, NOW, null), {
      step: STEP,
      stepOffset: 0,
    })
    assert.equal(acceptConsecutiveCodes(SEED, second!, first!, NOW, null), undefined)
    assert.equal(acceptConsecutiveCodes(SEED, second!, second!, NOW, null), undefined)
  })

  test('from a device minutes off are accepted with its offset, up to ten steps', () => {
    const [a, b] = codesAt(SEED, [STEP + 7, STEP + 8])
    assert.deepEqual(acceptConsecutiveCodes(SEED, a!, b!, NOW, null), {
      step: STEP + 8,
      stepOffset: 8,
    })
    const [c, d] = codesAt(SEED, [STEP - 12, STEP - 11])
    assert.equal(acceptConsecutiveCodes(SEED, c!, d!, NOW, null), undefined)
  })

  test('must come after the last step used', () => {
    const [first, second] = codesAt(SEED, [STEP - 1, STEP])
    assert.equal(acceptConsecutiveCodes(SEED, first!, second!, NOW, STEP - 1), undefined)
    assert.equal(acceptConsecutiveCodes(SEED, first!, second!, NOW, STEP - 2)?.step, STEP)
  })
})
