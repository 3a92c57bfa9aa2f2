// The store contract against SQLite (a fresh database file per test, as deployed), plus what only
// a file shows: WAL, persistence across reopening, and migrations that run once.

import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import { migrationsFor } from '../../src/store/migrations/migrations.js'
import { namePageQuery } from '../../src/store/kysely/name-pages.js'
import type { Database as Tables } from '../../src/store/kysely/schema.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import {
  generationFollowsMaxStaleness,
  othersWritesAreNoticed,
  readsGoOnDuringWrites,
  storeContract,
} from './contract.js'
import { testSecrets } from '../support/secrets.js'
import { generateMasterKey, MasterKeyring } from '../../src/store/secrets/master-keyring.js'

const dir = mkdtempSync(join(tmpdir(), 'rolegate-sqlite-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const freshFile = () => join(dir, `store-${++files}.db`)

describe('sqlite store, file', () => {
  storeContract(() => openSqliteStore({ file: freshFile(), secrets: testSecrets() }))
})

describe('sqlite store, :memory:', () => {
  storeContract(() => openSqliteStore({ file: ':memory:' }))
})

describe('sqlite store, on disk', () => {
  const createDate = new Date('2025-01-02T03:04:05.678Z')

  test('data survives closing and reopening, and migrations run once', async () => {
    const file = join(dir, 'nested', 'dirs', 'persist.db')
    const first = await openSqliteStore({ file, secrets: testSecrets() })
    await first.transaction((r) => r.accounts.insert({ accountId: '123456789012', createDate }))
    await first.close()

    const second = await openSqliteStore({ file, secrets: testSecrets() })
    assert.deepEqual(await second.transaction((r) => r.accounts.get('123456789012')), {
      accountId: '123456789012',
      createDate,
    })
    await second.close()

    const raw = new Database(file, { readonly: true })
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
      const migrations = raw.prepare('select name from kysely_migration order by name').all()
      assert.deepEqual(
        migrations,
        Object.keys(migrationsFor('sqlite')).map((name) => ({ name })),
      )
    } finally {
      raw.close()
    }
  })

  /** A database file as an earlier release left it: only the migrations before `upTo`. */
  async function databaseBefore(upTo: string): Promise<string> {
    const file = freshFile()
    const old = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new Database(file) }),
    })
    const earlier = Object.fromEntries(
      Object.entries(migrationsFor('sqlite')).filter(([name]) => name < upTo),
    )
    const { error } = await new Migrator({
      db: old,
      provider: { getMigrations: () => Promise.resolve(earlier) },
    }).migrateToLatest()
    assert.equal(error, undefined)
    await old.destroy()
    return file
  }

  test('a database made before the keyring gains its tables and keeps its rows', async () => {
    const file = await databaseBefore('0002')
    const raw = new Database(file)
    raw.prepare("insert into accounts values ('123456789012', ?)").run(createDate.toISOString())
    raw.close()

    const store = await openSqliteStore({ file, secrets: testSecrets() })
    try {
      assert.deepEqual(await store.transaction((r) => r.accounts.get('123456789012')), {
        accountId: '123456789012',
        createDate,
      })
      const key = { keyId: 'sk-1', secret: 'c2VjcmV0', createDate, retireDate: null }
      await store.transaction((r) => r.sessionKeys.insert(key))
      assert.deepEqual(await store.transaction((r) => r.sessionKeys.list()), [key])
    } finally {
      await store.close()
    }
  })

  test('issuers made when names were global move under their account with their keys', async () => {
    const file = await databaseBefore('0003')
    const raw = new Database(file)
    const date = createDate.toISOString()
    raw.prepare("insert into issuers values ('ci', '210987654321', ?)").run(date)
    raw
      .prepare(`insert into issuer_keys values ('ci', 'k1', 'RS256', '{"d":1}', '{}', ?, null)`)
      .run(date)
    raw.close()

    const store = await openSqliteStore({ file, secrets: testSecrets() })
    try {
      assert.deepEqual(await store.transaction((r) => r.issuers.get('210987654321', 'ci')), {
        accountId: '210987654321',
        name: 'ci',
        createDate,
      })
      assert.deepEqual(await store.transaction((r) => r.issuers.listKeys('210987654321', 'ci')), [
        {
          accountId: '210987654321',
          issuerName: 'ci',
          kid: 'k1',
          algorithm: 'RS256',
          privateJwk: '{"d":1}',
          publicJwk: '{}',
          createDate,
          retireDate: null,
        },
      ])
      assert.equal(await store.transaction((r) => r.issuers.get('123456789012', 'ci')), undefined)
    } finally {
      await store.close()
    }
  })

  test('secrets an earlier release kept in plaintext are sealed when the store opens', async () => {
    const file = await databaseBefore('0004')
    const raw = new Database(file)
    const date = createDate.toISOString()
    raw.prepare("insert into accounts values ('123456789012', ?)").run(date)
    raw
      .prepare(
        "insert into users values ('AIDA1', '123456789012', 'alice', 'alice', '/', 'arn:aws:iam::123456789012:user/alice', ?, null, '[]')",
      )
      .run(date)
    raw
      .prepare(
        "insert into access_keys values ('AKIA1', '123456789012', 'AIDA1', 'plain-secret', 'Active', ?, null, null, null)",
      )
      .run(date)
    raw
      .prepare("insert into session_keys values ('sk-1', 'c2Vzc2lvbi1zZWNyZXQ=', ?, null)")
      .run(date)
    raw.close()

    const store = await openSqliteStore({ file, secrets: testSecrets() })
    try {
      assert.equal(
        (await store.transaction((r) => r.accessKeys.get('AKIA1')))?.secretAccessKey,
        'plain-secret',
      )
      assert.deepEqual(
        (await store.transaction((r) => r.sessionKeys.list())).map((key) => key.secret),
        ['c2Vzc2lvbi1zZWNyZXQ='],
      )
    } finally {
      await store.close()
    }
    const after = new Database(file, { readonly: true })
    try {
      const stored = after.prepare('select secret_access_key as s from access_keys').get() as {
        s: string
      }
      assert.match(stored.s, /^rgsec1\./)
      const session = after.prepare('select secret as s from session_keys').get() as { s: string }
      assert.match(session.s, /^rgsec1\./)
    } finally {
      after.close()
    }
    // Opened again with another key, the database is refused before it serves anything.
    await assert.rejects(
      openSqliteStore({ file, secrets: new MasterKeyring([generateMasterKey()]) }),
      /this database's secrets are sealed with master key [0-9a-f]{16}, and the configured master key does not open them/,
    )
  })

  test('clusters made before webhook tokens keep their rows, without a token until one is set', async () => {
    const file = await databaseBefore('0012')
    const raw = new Database(file)
    raw
      .prepare(
        "insert into clusters values ('123456789012', 'old', ?, 'arn:aws:eks:us-east-1:123456789012:cluster/old', 'us-east-1', 'eks-old', ?, 4)",
      )
      .run('A'.repeat(32), createDate.toISOString())
    raw.close()

    const store = await openSqliteStore({ file, secrets: testSecrets() })
    try {
      assert.equal((await store.read((r) => r.clusters.get('123456789012', 'old')))?.name, 'old')
      assert.equal(
        await store.read((r) => r.clusters.getWebhookToken('123456789012', 'old')),
        undefined,
      )
      assert.deepEqual(await store.read((r) => r.clusters.webhookTokensByName('old')), [])
      await store.transaction((r) => r.clusters.setWebhookToken('123456789012', 'old', 'tok'))
      assert.equal(
        await store.read((r) => r.clusters.getWebhookToken('123456789012', 'old')),
        'tok',
      )
    } finally {
      await store.close()
    }
    const after = new Database(file, { readonly: true })
    try {
      const row = after.prepare('select webhook_token as t from clusters').get() as { t: string }
      assert.match(row.t, /^rgsec1\./)
    } finally {
      after.close()
    }
  })

  test('a page of a list and a count read through the name index, whatever the account holds', async () => {
    const file = freshFile()
    const store = await openSqliteStore({ file, secrets: testSecrets() })
    await store.close()
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(file) }) })
    const raw = new Database(file, { readonly: true })
    try {
      const plan = (query: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
        const { sql, parameters } = query.compile()
        return (raw.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[])
          .map((row) => row.detail)
          .join('; ')
      }
      const indexes = {
        users: 'users_name',
        groups: 'groups_name',
        roles: 'roles_name',
        policies: 'policies_name',
        instance_profiles: 'instance_profiles_name',
      }
      for (const [table, index] of Object.entries(indexes) as [keyof typeof indexes, string][]) {
        const page = plan(namePageQuery(db, table, '123456789012', { after: 'm', limit: 101 }))
        assert.match(
          page,
          new RegExp(`SEARCH ${table} USING INDEX ${index} \\(account_id=\\? AND name_key>\\?\\)`),
          page,
        )
        // Sorted by the index itself: no sort of the whole account before the page is cut.
        assert.doesNotMatch(page, /TEMP B-TREE/, page)
        const first = plan(namePageQuery(db, table, '123456789012', { limit: 101 }))
        assert.match(
          first,
          new RegExp(`SEARCH ${table} USING INDEX ${index} \\(account_id=\\?\\)`),
          first,
        )
        assert.doesNotMatch(first, /TEMP B-TREE/, first)
      }
    } finally {
      raw.close()
      await db.destroy()
    }
  })

  test('wipe keeps the schema and the migration record', async () => {
    const file = freshFile()
    const store = await openSqliteStore({ file, secrets: testSecrets() })
    await store.transaction((r) => r.accounts.insert({ accountId: '123456789012', createDate }))
    await store.wipe()
    await store.close()
    const raw = new Database(file, { readonly: true })
    try {
      assert.deepEqual(raw.prepare('select count(*) as n from accounts').get(), { n: 0 })
      assert.deepEqual(raw.prepare('select count(*) as n from kysely_migration').get(), {
        n: Object.keys(migrationsFor('sqlite')).length,
      })
    } finally {
      raw.close()
    }
  })

  test('a read goes on while a write transaction holds the file (its own connection)', async () => {
    const store = await openSqliteStore({ file: freshFile(), secrets: testSecrets() })
    try {
      await readsGoOnDuringWrites(store)
    } finally {
      await store.close()
    }
  })

  test('two stores on one file notice the writes of the other (data_version)', async () => {
    const file = freshFile()
    // Clocks that stand still: only writes move the generations here.
    const now = () => 0
    const one = await openSqliteStore({ file, shared: true, secrets: testSecrets(), now })
    const two = await openSqliteStore({ file, shared: true, secrets: testSecrets(), now })
    try {
      await othersWritesAreNoticed(one, two)
    } finally {
      await one.close()
      await two.close()
    }
  })

  test('alone, a store moves its generation when the maximum staleness passes', () =>
    generationFollowsMaxStaleness(
      (options) => openSqliteStore({ file: freshFile(), secrets: testSecrets(), ...options }),
      'none',
    ))

  test('shared (--workers), the same bound holds beside data_version', () =>
    generationFollowsMaxStaleness(
      (options) =>
        openSqliteStore({ file: freshFile(), shared: true, secrets: testSecrets(), ...options }),
      'data-version',
    ))

  test('transactions run one at a time on the single connection', async () => {
    const store = await openSqliteStore({ file: freshFile(), secrets: testSecrets() })
    try {
      const events: string[] = []
      await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          store.transaction(async (r) => {
            events.push(`${name}:start`)
            await r.users.list('123456789012')
            await new Promise((resolve) => setTimeout(resolve, 5))
            events.push(`${name}:end`)
          }),
        ),
      )
      assert.deepEqual(events, ['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end'])
    } finally {
      await store.close()
    }
  })

  test('nesting is refused while another store finishes a transaction of its own', async () => {
    const first = await openSqliteStore({ file: ':memory:' })
    const second = await openSqliteStore({ file: ':memory:' })
    try {
      let release = () => {}
      const held = new Promise<void>((resolve) => (release = resolve))
      let nested: Promise<unknown> | undefined
      const outer = first.transaction(async (r) => {
        await held
        // The other store's transaction has ended by now; this one still runs.
        nested = first.transaction((inner) => inner.users.list('123456789012'))
        await nested.catch(() => undefined)
        return r.users.list('123456789012')
      })
      await second.transaction((r) => r.users.list('123456789012'))
      release()
      assert.deepEqual(await outer, [])
      await assert.rejects(nested!, /cannot be nested/)
    } finally {
      await first.close()
      await second.close()
    }
  })

  test('close waits for a running transaction, then refuses new ones', async () => {
    const store = await openSqliteStore({ file: freshFile(), secrets: testSecrets() })
    let finished = false
    const running = store.transaction(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      await r.accounts.insert({ accountId: '123456789012', createDate })
      finished = true
    })
    await store.close()
    assert.equal(finished, true)
    await running
    await assert.rejects(
      store.transaction((r) => r.users.list('1')),
      /closed/,
    )
  })
})

describe('sqlite store, read-only', () => {
  test('reads what a writer committed, refuses writes, and never creates a database', async () => {
    const file = freshFile()
    const writer = await openSqliteStore({ file, secrets: testSecrets() })
    const createDate = new Date('2025-01-02T03:04:05.678Z')
    await writer.transaction((r) => r.accounts.insert({ accountId: '123456789012', createDate }))

    const reader = await openSqliteStore({ file, readOnly: true, secrets: testSecrets() })
    assert.deepEqual(await reader.transaction((r) => r.accounts.get('123456789012')), {
      accountId: '123456789012',
      createDate,
    })
    await assert.rejects(
      reader.transaction((r) => r.accounts.insert({ accountId: '210987654321', createDate })),
      /readonly/i,
    )
    assert.equal(await writer.transaction((r) => r.accounts.get('210987654321')), undefined)
    await reader.close()
    await writer.close()

    await assert.rejects(
      openSqliteStore({ file: join(dir, 'absent.db'), readOnly: true, secrets: testSecrets() }),
    )
  })
})
