// The STS session keyring through the admin API: rotate adds a sealing key, retire stops one
// sealing, delete removes only retired keys; secrets are never answered; primary account only.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertError, field, harness, list } from './support.js'
import type { Harness } from './support.js'

const storedKeys = (h: Harness) => h.store.transaction((repo) => repo.sessionKeys.list())

describe('session keys', () => {
  let h: Harness
  before(async () => (h = await harness()))
  after(() => h.close())

  test('the bootstrap key seals; rotate adds a key that seals from then on', async () => {
    const [first] = await storedKeys(h)
    assert.ok(first)
    const listed = await h.ok('ListSessionKeys')
    assert.deepEqual(list(listed['SessionKeys']), [
      { KeyId: first.keyId, Status: 'Sealing', CreateDate: '2026-11-01T00:00:00Z' },
    ])
    assert.ok(!JSON.stringify(listed).includes(first.secret.slice(0, 12)), 'no part of the secret')
    h.clock.advance(1000)
    const rotated = await h.ok('RotateSessionKey')
    const newId = String(field(rotated['SessionKey'], 'KeyId'))
    assert.equal(field(rotated['SessionKey'], 'Status'), 'Sealing')
    assert.deepEqual(
      list((await h.ok('ListSessionKeys'))['SessionKeys']).map((key) => [
        field(key, 'KeyId'),
        field(key, 'Status'),
      ]),
      [
        [newId, 'Sealing'],
        [first.keyId, 'Active'],
      ],
    )
  })

  test('retire, then delete; a key that still may seal cannot be deleted', async () => {
    const [newest, oldest] = await storedKeys(h)
    assert.ok(newest && oldest)
    assertError(
      await h.call('DeleteSessionKey', { KeyId: oldest.keyId }),
      409,
      'DeleteConflict',
      `Cannot delete session key ${oldest.keyId}: retire it first.`,
    )
    assert.equal((await storedKeys(h)).length, 2)
    await h.ok('RetireSessionKey', { KeyId: oldest.keyId })
    await h.ok('RetireSessionKey', { KeyId: oldest.keyId })
    const statuses = list((await h.ok('ListSessionKeys'))['SessionKeys']).map((key) =>
      field(key, 'Status'),
    )
    assert.deepEqual(statuses, ['Sealing', 'Retired'])
    await h.ok('DeleteSessionKey', { KeyId: oldest.keyId })
    assert.deepEqual(
      (await storedKeys(h)).map((key) => key.keyId),
      [newest.keyId],
    )
  })

  test('unknown and malformed key ids', async () => {
    for (const action of ['RetireSessionKey', 'DeleteSessionKey']) {
      assertError(
        await h.call(action, { KeyId: 'sk-nope' }),
        404,
        'NoSuchEntity',
        'The session key with id sk-nope cannot be found.',
      )
      assertError(
        await h.call(action, { KeyId: 'a/b' }),
        400,
        'ValidationError',
        "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+",
      )
    }
  })
})
