// The generation cache over a real SQLite store: a read is reused until a committed write moves
// the generation or the store's maximum staleness passes, and a read that a write overtook is
// used once, never kept.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { GenerationCache } from '../../src/sts/generation-cache.js'
import { newSessionKey } from '../../src/sts/keyring.js'

describe('GenerationCache', () => {
  let store: Store
  before(async () => {
    store = await openSqliteStore({ file: ':memory:' })
  })
  after(() => store.close())

  const write = () =>
    store.transaction((repo) => repo.sessionKeys.insert(newSessionKey(new Date())))
  const count = () => store.transaction(async (repo) => (await repo.sessionKeys.list()).length)

  test('reads once per generation, undefined answers included', async () => {
    const cache = new GenerationCache<number | undefined>(store)
    let loads = 0
    const load = async () => {
      loads++
      return (await count()) === 0 ? undefined : loads
    }
    assert.equal(await cache.get('k', load), undefined)
    assert.equal(await cache.get('k', load), undefined)
    assert.equal(loads, 1)
    await write()
    assert.equal(await cache.get('k', load), 2)
    assert.equal(await cache.get('k', load), 2)
    assert.equal(loads, 2)
  })

  test('a value loaded while a write committed is not kept', async () => {
    const cache = new GenerationCache<number>(store)
    const overtaken = await cache.get('k', async () => {
      const before = await count()
      await write()
      return before
    })
    assert.equal(await cache.get('k', count), overtaken + 1)
  })

  test('a full cache starts over', async () => {
    const cache = new GenerationCache<string>(store, { limit: 2 })
    let loads = 0
    const load = async () => `v${++loads}`
    await cache.get('a', load)
    await cache.get('b', load)
    await cache.get('c', load)
    assert.equal(await cache.get('c', load), 'v3')
    assert.equal(await cache.get('a', load), 'v4')
  })

  test("an entry is read again once the store's maximum staleness passed, though nothing was written", async () => {
    let now = 0
    const aging = await openSqliteStore({ file: ':memory:', maxStalenessMs: 1000, now: () => now })
    try {
      const cache = new GenerationCache<number>(aging)
      let loads = 0
      const load = async () => ++loads
      aging.noticeOtherWriters()
      assert.equal(await cache.get('k', load), 1)
      now = 999
      aging.noticeOtherWriters()
      assert.equal(await cache.get('k', load), 1)
      now = 1000
      aging.noticeOtherWriters()
      assert.equal(await cache.get('k', load), 2)
    } finally {
      await aging.close()
    }
  })
})
