import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { randomIds } from '../../src/core/ids.js'
import { ADMINISTRATOR_ACCESS_ARN, bootstrap } from '../../src/iam/bootstrap.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

const ACCOUNT = '123456789012'
const NOW = new Date('2024-05-06T07:08:09Z')

async function withStore(work: (store: Store) => Promise<void>) {
  const store = await openSqliteStore({ file: ':memory:' })
  try {
    await work(store)
  } finally {
    await store.close()
  }
}

const snapshot = (store: Store) =>
  store.transaction(async (repo) => {
    const account = await repo.accounts.get(ACCOUNT)
    const users = await repo.users.list(ACCOUNT)
    const admin = users.find((user) => user.userName === 'admin')
    return {
      account,
      users,
      attached: admin ? await repo.attachments.listForEntity('user', admin.userId) : [],
      keys: admin ? await repo.accessKeys.listForUser(admin.userId) : [],
    }
  })

describe('bootstrap', () => {
  test('creates the account, the admin user with AdministratorAccess and a generated key', async () => {
    await withStore(async (store) => {
      const result = await bootstrap(store, { accountId: ACCOUNT, ids: randomIds, now: NOW })
      assert.equal(result.generated, true)
      assert.match(result.adminKey.accessKeyId, /^AKIA[A-Z2-7]{16}$/)
      assert.equal(result.adminKey.secretAccessKey.length, 40)
      const state = await snapshot(store)
      assert.deepEqual(state.account, { accountId: ACCOUNT, createDate: NOW })
      assert.equal(state.users.length, 1)
      assert.equal(state.users[0]?.arn, `arn:aws:iam::${ACCOUNT}:user/admin`)
      assert.deepEqual(state.attached, [ADMINISTRATOR_ACCESS_ARN])
      assert.deepEqual(
        state.keys.map((key) => [key.accessKeyId, key.secretAccessKey, key.status]),
        [[result.adminKey.accessKeyId, result.adminKey.secretAccessKey, 'Active']],
      )
    })
  })

  test('is idempotent: a second run keeps the key and changes nothing', async () => {
    await withStore(async (store) => {
      const first = await bootstrap(store, { accountId: ACCOUNT, ids: randomIds, now: NOW })
      const before = await snapshot(store)
      const generation = store.generation
      const second = await bootstrap(store, { accountId: ACCOUNT, ids: randomIds, now: new Date() })
      assert.equal(second.generated, false)
      assert.deepEqual(second.adminKey, first.adminKey)
      assert.deepEqual(await snapshot(store), before)
      assert.equal(store.generation, generation, 'nothing was written')
    })
  })

  test('uses the key it is given, and repairs its secret and status to match', async () => {
    await withStore(async (store) => {
      const key = { accessKeyId: 'test', secretAccessKey: 'test' }
      const result = await bootstrap(store, {
        accountId: ACCOUNT,
        adminKey: key,
        ids: randomIds,
        now: NOW,
      })
      assert.deepEqual(result, { adminKey: key, generated: false })
      await store.transaction(async (repo) => {
        const stored = await repo.accessKeys.get('test')
        assert.ok(stored)
        await repo.accessKeys.update({ ...stored, status: 'Inactive', secretAccessKey: 'old' })
      })
      await bootstrap(store, { accountId: ACCOUNT, adminKey: key, ids: randomIds, now: NOW })
      const stored = await store.transaction((repo) => repo.accessKeys.get('test'))
      assert.equal(stored?.status, 'Active')
      assert.equal(stored?.secretAccessKey, 'test')
    })
  })

  test('after a wipe it rebuilds everything with the kept key', async () => {
    await withStore(async (store) => {
      const first = await bootstrap(store, { accountId: ACCOUNT, ids: randomIds, now: NOW })
      await store.wipe()
      assert.equal((await snapshot(store)).account, undefined)
      const again = await bootstrap(store, {
        accountId: ACCOUNT,
        adminKey: first.adminKey,
        ids: randomIds,
        now: NOW,
      })
      assert.deepEqual(again.adminKey, first.adminKey)
      const state = await snapshot(store)
      assert.equal(state.users.length, 1)
      assert.deepEqual(state.attached, [ADMINISTRATOR_ACCESS_ARN])
      assert.equal(state.keys[0]?.accessKeyId, first.adminKey.accessKeyId)
    })
  })
})
