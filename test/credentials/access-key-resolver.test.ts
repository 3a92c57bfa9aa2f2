// Credential resolution: IAM users' long-term keys read from the store (and cached until its
// generation moves), and the resolver chain that ends in InvalidClientTokenId.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import { bootstrap } from '../../src/iam/bootstrap.js'
import { AccessKeyResolver } from '../../src/credentials/access-key-resolver.js'
import { resolveCredential } from '../../src/credentials/credential-resolver.js'
import type { CredentialResolver } from '../../src/credentials/credential-resolver.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

const ACCOUNT = '123456789012'
const KEY = { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin-secret' }

/** The real store, counting the transactions (read or write) that reach it. */
function counting(store: Store): { store: Store; count: () => number } {
  let transactions = 0
  const wrapped: Store = {
    transaction: (work) => {
      transactions++
      return store.transaction(work)
    },
    read: (work) => {
      transactions++
      return store.read(work)
    },
    get generation() {
      return store.generation
    },
    noticeOtherWriters: () => store.noticeOtherWriters(),
    freshness: () => store.freshness(),
    recordUse: (uses) => store.recordUse(uses),
    resealSecrets: () => store.resealSecrets(),
    wipe: () => store.wipe(),
    close: () => store.close(),
  }
  return { store: wrapped, count: () => transactions }
}

async function setup() {
  const real = await openSqliteStore({ file: ':memory:' })
  await bootstrap(real, { accountId: ACCOUNT, adminKey: KEY, ids: randomIds, now: new Date() })
  return { real, ...counting(real) }
}

const invalid = (error: unknown) => {
  assert.ok(error instanceof AwsError)
  assert.equal(error.code, 'InvalidClientTokenId')
  assert.equal(error.status, 403)
  assert.equal(error.message, 'The security token included in the request is invalid.')
  return true
}

describe('AccessKeyResolver', () => {
  test('resolves an IAM user key to its secret and a user Caller', async () => {
    const { real, store } = await setup()
    try {
      const found = await new AccessKeyResolver(store).resolve(KEY.accessKeyId, undefined)
      assert.ok(found)
      assert.equal(found.secretAccessKey, KEY.secretAccessKey)
      const admin = await real.transaction((repo) => repo.users.getByName(ACCOUNT, 'admin'))
      assert.deepEqual(found.caller, {
        type: 'user',
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:user/admin`,
        userId: admin?.userId,
        principalId: admin?.userId,
        name: 'admin',
        accessKeyId: KEY.accessKeyId,
      })
    } finally {
      await real.close()
    }
  })

  test('answers repeat lookups from memory, and reloads once the store changes', async () => {
    const { real, store, count } = await setup()
    try {
      const resolver = new AccessKeyResolver(store)
      await resolver.resolve(KEY.accessKeyId, undefined)
      const afterFirst = count()
      for (let i = 0; i < 50; i++) await resolver.resolve(KEY.accessKeyId, undefined)
      assert.equal(count(), afterFirst, 'no database work on the hot path')

      // An unknown key is remembered too, until something is written.
      assert.equal(await resolver.resolve('AKIDNOBODY', undefined), undefined)
      const afterUnknown = count()
      assert.equal(await resolver.resolve('AKIDNOBODY', undefined), undefined)
      assert.equal(count(), afterUnknown)

      await real.transaction(async (repo) => {
        const key = await repo.accessKeys.get(KEY.accessKeyId)
        assert.ok(key)
        await repo.accessKeys.update({ ...key, status: 'Inactive' })
      })
      await assert.rejects(resolver.resolve(KEY.accessKeyId, undefined), invalid)
    } finally {
      await real.close()
    }
  })

  test('a renamed user is seen under its new ARN', async () => {
    const { real, store } = await setup()
    try {
      const resolver = new AccessKeyResolver(store)
      await resolver.resolve(KEY.accessKeyId, undefined)
      await real.transaction(async (repo) => {
        const user = await repo.users.getByName(ACCOUNT, 'admin')
        assert.ok(user)
        await repo.users.update({
          ...user,
          userName: 'root-ish',
          arn: `arn:aws:iam::${ACCOUNT}:user/ops/root-ish`,
          path: '/ops/',
        })
      })
      const found = await resolver.resolve(KEY.accessKeyId, undefined)
      assert.equal(found?.caller.arn, `arn:aws:iam::${ACCOUNT}:user/ops/root-ish`)
      assert.equal(found?.caller.name, 'root-ish')
    } finally {
      await real.close()
    }
  })

  test("a long-term key sent with a session token is not this resolver's", async () => {
    const { real, store } = await setup()
    try {
      assert.equal(await new AccessKeyResolver(store).resolve(KEY.accessKeyId, 'token'), undefined)
    } finally {
      await real.close()
    }
  })
})

describe('resolveCredential', () => {
  test('tries resolvers in order; none knowing the key is InvalidClientTokenId', async () => {
    const { real, store } = await setup()
    try {
      const tried: string[] = []
      const temporary: CredentialResolver = {
        resolve: async (id) => {
          tried.push(id)
          return undefined
        },
      }
      const resolvers = [temporary, new AccessKeyResolver(store)]
      const found = await resolveCredential(resolvers, KEY.accessKeyId, undefined)
      assert.equal(found.caller.name, 'admin')
      assert.deepEqual(tried, [KEY.accessKeyId])
      await assert.rejects(resolveCredential(resolvers, 'AKIDNOBODY', undefined), invalid)
      await assert.rejects(resolveCredential([], KEY.accessKeyId, undefined), invalid)
    } finally {
      await real.close()
    }
  })
})
