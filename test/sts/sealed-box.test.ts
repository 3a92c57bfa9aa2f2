// Sealed boxes in both formats: small payloads are sealed without deflate, large ones with it, and
// both open. Changing the format byte (or any other) is caught by GCM, since it is associated data.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { deflateRawSync } from 'node:zlib'
import { createCipheriv, randomBytes } from 'node:crypto'
import { FixedClock } from '../../src/core/clock.js'
import { randomIds } from '../../src/core/ids.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import type { KeyringKey } from '../../src/sts/keyring.js'
import { SessionKeyring } from '../../src/sts/keyring.js'
import { DEFLATE_FROM_BYTES, open, seal, sealedKeyId } from '../../src/sts/sealed-box.js'

const formatOf = (sealed: string) => Buffer.from(sealed, 'base64url')[0]

/** A box as the first release wrote it (format 1: always deflated), built here by hand. */
function sealedTheOldWay(value: unknown, key: KeyringKey): string {
  const id = Buffer.from(key.keyId, 'utf8')
  const head = Buffer.concat([Buffer.from([1, id.length]), id])
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key.derived('session-token'), iv)
  cipher.setAAD(Buffer.concat([head, Buffer.from('session-token', 'utf8')]))
  const plain = deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8'))
  const body = Buffer.concat([cipher.update(plain), cipher.final()])
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]).toString('base64url')
}

describe('sealed boxes', () => {
  let store: Store
  let key: KeyringKey

  before(async () => {
    store = await openSqliteStore({ file: ':memory:' })
    key = await new SessionKeyring(store, new FixedClock(new Date())).sealingKey()
  })
  after(() => store.close())

  test('a small payload is sealed as is, and opens', () => {
    const value = { hello: 'world', n: 1 }
    const sealed = seal(value, key, 'session-token', randomIds)
    assert.equal(formatOf(sealed), 2)
    assert.equal(sealedKeyId(sealed), key.keyId)
    assert.deepEqual(open(sealed, key, 'session-token'), value)
    // The JSON is not readable in the box: it is encrypted, not just encoded.
    assert.ok(!Buffer.from(sealed, 'base64url').toString('latin1').includes('hello'))
  })

  test('a plain box is exactly header, IV, ciphertext and tag, with a fresh IV each time', () => {
    const value = { hello: 'world', n: 1 }
    const json = Buffer.byteLength(JSON.stringify(value))
    const head = 2 + Buffer.byteLength(key.keyId)
    const a = Buffer.from(seal(value, key, 'session-token', randomIds), 'base64url')
    const b = Buffer.from(seal(value, key, 'session-token', randomIds), 'base64url')
    assert.equal(a.length, head + 12 + json + 16)
    assert.deepEqual(a.subarray(0, head), b.subarray(0, head))
    assert.notDeepEqual(a.subarray(head, head + 12), b.subarray(head, head + 12))
    assert.notDeepEqual(a.subarray(head + 12), b.subarray(head + 12))
    // Every part counts: the box does not open with any one byte changed.
    for (let i = 0; i < a.length; i++) {
      const changed = Buffer.from(a)
      changed[i] = changed[i]! ^ 1
      assert.equal(
        open(changed.toString('base64url'), key, 'session-token'),
        undefined,
        `byte ${i}`,
      )
    }
  })

  test('a large payload is deflated, and opens', () => {
    const value = { policy: 'x'.repeat(DEFLATE_FROM_BYTES) }
    const sealed = seal(value, key, 'session-token', randomIds)
    assert.equal(formatOf(sealed), 1)
    assert.ok(Buffer.from(sealed, 'base64url').length < DEFLATE_FROM_BYTES / 2)
    assert.deepEqual(open(sealed, key, 'session-token'), value)
  })

  test('boxes sealed before the plain format existed still open', () => {
    const value = { hello: 'world' }
    assert.deepEqual(open(sealedTheOldWay(value, key), key, 'session-token'), value)
  })

  test('a changed format byte does not open, in either direction', () => {
    for (const value of [{ small: true }, { large: 'y'.repeat(DEFLATE_FROM_BYTES) }]) {
      const bytes = Buffer.from(seal(value, key, 'session-token', randomIds), 'base64url')
      bytes[0] = bytes[0] === 1 ? 2 : 1
      assert.equal(open(bytes.toString('base64url'), key, 'session-token'), undefined)
      bytes[0] = 3
      assert.equal(sealedKeyId(bytes.toString('base64url')), undefined)
    }
  })
})
