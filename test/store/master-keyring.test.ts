// The master keyring that seals stored secrets: AES-256-GCM values that name their key, bound to
// their row, refused when changed, moved or sealed with a key not configured, and keys that can be
// followed when another process rotates them.
import assert from 'node:assert/strict'
import { createDecipheriv } from 'node:crypto'
import { describe, test } from 'node:test'
import {
  generateMasterKey,
  masterKey,
  MasterKeyring,
  parseMasterKey,
  SecretUnreadableError,
} from '../../src/store/secrets/master-keyring.js'

const one = masterKey(Buffer.alloc(32, 1))
const two = masterKey(Buffer.alloc(32, 2))

describe('MasterKeyring', () => {
  test('seals with the first key, naming it, and opens with any key', () => {
    const sealed = new MasterKeyring([one]).seal('s3cr3t', 'access-key/AKIA1')
    assert.match(sealed, new RegExp(`^rgsec1\\.${one.id}\\.[A-Za-z0-9_-]+$`))
    assert.doesNotMatch(sealed, /s3cr3t/)
    assert.equal(new MasterKeyring([two, one]).open(sealed, 'access-key/AKIA1'), 's3cr3t')
    // Each seal draws its own nonce.
    assert.notEqual(
      new MasterKeyring([one]).seal('s3cr3t', 'c'),
      new MasterKeyring([one]).seal('s3cr3t', 'c'),
    )
  })

  test('the value is AES-256-GCM: nonce, ciphertext, tag, with the context as associated data', () => {
    const sealed = new MasterKeyring([one]).seal('plain text', 'session-key/sk-1')
    const bytes = Buffer.from(sealed.split('.')[2] ?? '', 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', one.key, bytes.subarray(0, 12))
    decipher.setAAD(Buffer.from('session-key/sk-1'))
    decipher.setAuthTag(bytes.subarray(bytes.length - 16))
    const plain = Buffer.concat([decipher.update(bytes.subarray(12, -16)), decipher.final()])
    assert.equal(plain.toString(), 'plain text')
  })

  test('a value moved to another row, changed, or sealed with an unknown key does not open', () => {
    const keyring = new MasterKeyring([one])
    const sealed = keyring.seal('s3cr3t', 'access-key/AKIA1')
    assert.throws(() => keyring.open(sealed, 'access-key/AKIA2'), SecretUnreadableError)
    const body = Buffer.from(sealed.split('.')[2] ?? '', 'base64url')
    body[14] = (body[14] ?? 0) ^ 1
    const tampered = `rgsec1.${one.id}.${body.toString('base64url')}`
    assert.throws(() => keyring.open(tampered, 'access-key/AKIA1'), SecretUnreadableError)
    assert.throws(
      () => new MasterKeyring([two]).open(sealed, 'access-key/AKIA1'),
      (error: Error) =>
        error instanceof SecretUnreadableError &&
        error.message.includes(`sealed with master key ${one.id}, which is not among`),
    )
    assert.throws(() => keyring.open('s3cr3t', 'access-key/AKIA1'), /is not sealed/)
    assert.throws(() => keyring.open(`rgsec1.${one.id}.AAAA`, 'x'), /truncated/)
  })

  test('a key it does not know yet is looked for again; new values follow the source', () => {
    let keys = [one]
    const keyring = new MasterKeyring(keys, () => keys)
    const sealedByOther = new MasterKeyring([two]).seal('v', 'c')
    assert.throws(() => keyring.open(sealedByOther, 'c'), SecretUnreadableError)
    keys = [two, one]
    assert.equal(keyring.open(sealedByOther, 'c'), 'v')
    assert.equal(keyring.keyIdOf(keyring.seal('w', 'c')), two.id)
    assert.equal(keyring.sealingKeyId, two.id)
  })

  test('master keys are 32 bytes of base64; ids are stable and short', () => {
    const fresh = generateMasterKey()
    assert.equal(fresh.key.length, 32)
    assert.deepEqual(parseMasterKey(fresh.key.toString('base64'), 'env'), fresh)
    assert.deepEqual(parseMasterKey(`  ${fresh.key.toString('base64url')}\n`, 'env'), fresh)
    assert.match(one.id, /^[0-9a-f]{16}$/)
    assert.equal(masterKey(Buffer.alloc(32, 1)).id, one.id)
    assert.notEqual(one.id, two.id)
    for (const bad of ['', 'short', Buffer.alloc(16).toString('base64'), 'not base64 at all!']) {
      assert.throws(
        () => parseMasterKey(bad, 'ROLEGATE_MASTER_KEY'),
        /^Error: ROLEGATE_MASTER_KEY: a master key is 32 random bytes/,
      )
    }
  })
})
