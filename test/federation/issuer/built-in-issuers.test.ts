// In-process key resolution for STS: the keys of one of our issuer URLs come from the store with
// no HTTP round trip, follow rotations and deletions through the store's generation, and other
// URLs are left to the JWKS cache (undefined).
import assert from 'node:assert/strict'
import { KeyObject } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { FixedClock } from '../../../src/core/clock.js'
import {
  BuiltInIssuers,
  KEY_RETENTION_MS,
  generateIssuerKey,
  planRotation,
} from '../../../src/federation/issuer/index.js'
import type { Store } from '../../../src/store/ports.js'
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.js'

const URL_BASE = 'https://rolegate.test:8443'

describe('BuiltInIssuers.keys', () => {
  let store: Store
  const clock = new FixedClock(new Date('2026-11-01T00:00:00Z'))
  let issuers: BuiltInIssuers
  before(async () => {
    store = await openSqliteStore({ file: ':memory:' })
    await store.transaction((repo) =>
      repo.accounts.insert({ accountId: '123456789012', createDate: clock.now() }),
    )
    issuers = new BuiltInIssuers({ store, clock, publicUrl: () => URL_BASE })
  })
  after(() => store.close())

  test('other URLs are not ours', async () => {
    assert.equal(await issuers.keys('https://token.actions.githubusercontent.com', 'k'), undefined)
    assert.equal(await issuers.keys('https://rolegate.test/issuers/x', undefined), undefined)
    assert.equal(await issuers.keys(`${URL_BASE}/issuers/a/b`, undefined), undefined)
    // A name without its account is no issuer URL of ours: names alone are not unique.
    assert.equal(await issuers.keys(`${URL_BASE}/issuers/ci`, undefined), undefined)
    assert.equal(await issuers.keys(`${URL_BASE}/issuers/12345678901/ci`, undefined), undefined)
    assert.equal(await issuers.keys(`${URL_BASE}/issuers/123456789012/c/i`, undefined), undefined)
  })

  test('an issuer URL of ours with no such issuer has no keys', async () => {
    assert.deepEqual(await issuers.keys(`${URL_BASE}/issuers/123456789012/missing`, 'k'), [])
  })

  test('keys follow creation, rotation and deletion', async () => {
    const ci = { accountId: '123456789012', name: 'ci' }
    const first = await generateIssuerKey(ci, 'ES256', clock.now())
    await store.transaction(async (repo) => {
      await repo.issuers.insert({ name: 'ci', accountId: '123456789012', createDate: clock.now() })
      await repo.issuers.insertKey(first)
    })
    const url = issuers.url(ci)
    assert.equal(url, `${URL_BASE}/issuers/123456789012/ci`)
    const keys = await issuers.keys(url, first.kid)
    assert.deepEqual(
      keys?.map((key) => key.jwk.kid),
      [first.kid],
    )
    assert.equal((keys?.[0]?.jwk as Record<string, unknown>)['d'], undefined)
    assert.equal((keys?.[0]?.usable?.publicJwk as Record<string, unknown>)['d'], undefined)
    // Parsed and imported once per generation: the same frozen objects and KeyObject each call,
    // and nobody can change a cached key through them.
    const again = await issuers.keys(url, first.kid)
    assert.equal(again?.[0], keys?.[0])
    assert.ok(again?.[0]?.usable?.key instanceof KeyObject)
    assert.ok(Object.isFrozen(again?.[0]) && Object.isFrozen(again?.[0]?.jwk))

    const second = await generateIssuerKey(ci, 'ES256', clock.now())
    await store.transaction(async (repo) => {
      const keys = await repo.issuers.listKeys(ci.accountId, ci.name)
      for (const key of planRotation(keys, clock.now()).retired) {
        await repo.issuers.updateKey(key)
      }
      await repo.issuers.insertKey({ ...second, createDate: new Date(clock.now().getTime() + 1) })
    })
    assert.deepEqual(
      (await issuers.keys(url, second.kid))?.map((key) => key.jwk.kid),
      [second.kid, first.kid],
    )
    clock.advance(KEY_RETENTION_MS)
    assert.deepEqual(
      (await issuers.keys(url, first.kid))?.map((key) => key.jwk.kid),
      [second.kid],
    )

    await store.transaction((repo) => repo.issuers.delete(ci.accountId, ci.name))
    assert.deepEqual(await issuers.keys(url, second.kid), [])
  })
})
