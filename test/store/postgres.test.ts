// The store contract against a throwaway PostgreSQL cluster (one for the whole file, wiped before
// each test), plus what only a shared server shows: two stores racing on the same rows.

import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kysely, Migrator, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrationsFor } from '../../src/store/migrations/migrations.js'
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js'
import type { ManagedPolicyRecord } from '../../src/store/ports.js'
import type { DeafEpisode } from '../../src/store/postgres/notification-watch.js'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import { testSecrets } from '../support/secrets.js'
import type { PostgresCluster } from '../support/postgres.js'
import { requireOrSkip } from '../support/requirements.js'
import {
  generationFollowsMaxStaleness,
  noticedWithin,
  othersWritesAreNoticed,
  readsGoOnDuringWrites,
  storeContract,
} from './contract.js'

describe('postgres store', { skip: requireOrSkip(postgresUnavailable()) }, () => {
  let cluster: PostgresCluster | undefined
  const url = () => {
    if (cluster === undefined) throw new Error('cluster not started')
    return cluster.connectionString
  }

  before(async () => {
    cluster = await startPostgres()
  })
  after(async () => {
    await cluster?.stop()
  })

  storeContract(async () => {
    const store = await openPostgresStore({ connectionString: url(), secrets: testSecrets() })
    await store.wipe()
    return store
  })

  test('a new database migrates once; opening again finds it current', async () => {
    const fresh = await cluster!.createDatabase('rolegate_migrate')
    const first = await openPostgresStore({ connectionString: fresh, secrets: testSecrets() })
    const second = await openPostgresStore({ connectionString: fresh, secrets: testSecrets() })
    await first.close()
    await second.close()
    const client = new pg.Client({ connectionString: fresh })
    await client.connect()
    try {
      const { rows } = await client.query('select name from kysely_migration order by name')
      assert.deepEqual(
        rows,
        Object.keys(migrationsFor('postgres')).map((name) => ({ name })),
      )
      // Sort keys compare bytewise whatever the database's collation.
      const { rows: collations } = await client.query(
        "select collation_name from information_schema.columns where table_name = 'users' and column_name = 'name_key'",
      )
      assert.deepEqual(collations, [{ collation_name: 'C' }])
      const { rows: issuerCollations } = await client.query(
        "select collation_name from information_schema.columns where table_name = 'issuers' and column_name = 'name'",
      )
      assert.deepEqual(issuerCollations, [{ collation_name: 'C' }])
    } finally {
      await client.end()
    }
  })

  test('issuers made when names were global move under their account with their keys', async () => {
    const database = await cluster!.createDatabase('rolegate_issuers_0003')
    const old = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database }) }),
    })
    const earlier = Object.fromEntries(
      Object.entries(migrationsFor('postgres')).filter(([name]) => name < '0003'),
    )
    const { error } = await new Migrator({
      db: old,
      provider: { getMigrations: () => Promise.resolve(earlier) },
    }).migrateToLatest()
    assert.equal(error, undefined)
    await old.destroy()
    const client = new pg.Client({ connectionString: database })
    await client.connect()
    const date = '2025-01-02T03:04:05.678Z'
    try {
      await client.query("insert into issuers values ('ci', '210987654321', $1)", [date])
      await client.query(
        "insert into issuer_keys values ('ci', 'k1', 'RS256', '{}', '{}', $1, null)",
        [date],
      )
    } finally {
      await client.end()
    }
    const store = await openPostgresStore({ connectionString: database, secrets: testSecrets() })
    try {
      const keys = await store.transaction((r) => r.issuers.listKeys('210987654321', 'ci'))
      assert.deepEqual(
        keys.map((key) => [key.accountId, key.issuerName, key.kid]),
        [['210987654321', 'ci', 'k1']],
      )
      assert.equal(await store.transaction((r) => r.issuers.get('123456789012', 'ci')), undefined)
    } finally {
      await store.close()
    }
  })

  test('a read goes on while a write transaction is open', async () => {
    const store = await openPostgresStore({ connectionString: url(), secrets: testSecrets() })
    try {
      await store.wipe()
      await readsGoOnDuringWrites(store)
    } finally {
      await store.wipe()
      await store.close()
    }
  })

  test('two stores on one database notice the writes of the other (LISTEN/NOTIFY)', async () => {
    // Clocks that stand still: only writes move the generations here.
    const now = () => 0
    const one = await openPostgresStore({ connectionString: url(), secrets: testSecrets(), now })
    const two = await openPostgresStore({ connectionString: url(), secrets: testSecrets(), now })
    try {
      await othersWritesAreNoticed(one, two)
    } finally {
      await one.close()
      await two.close()
    }
  })

  test('a store moves its generation when the maximum staleness passes', () =>
    generationFollowsMaxStaleness(async (options) => {
      const store = await openPostgresStore({
        connectionString: url(),
        secrets: testSecrets(),
        // No heartbeat: a missed one would move the generation too, and this counts moves.
        heartbeatMs: 0,
        ...options,
      })
      await store.wipe()
      return store
    }, 'hearing'))

  for (const heartbeatMs of [undefined, 0]) {
    const variant = heartbeatMs === 0 ? ', with no heartbeat' : ''
    test(`a store whose listener is cut off treats every look as a change until it is back${variant}`, async () => {
      const episodes: DeafEpisode[] = []
      const one = await openPostgresStore({
        connectionString: url(),
        secrets: testSecrets(),
        now: () => 0,
        heartbeatMs,
        onDeafEpisode: (episode) => episodes.push(episode),
      })
      const admin = new pg.Client({ connectionString: url() })
      await admin.connect()
      try {
        one.noticeOtherWriters()
        const before = one.generation
        one.noticeOtherWriters()
        assert.equal(one.generation, before)
        assert.equal(one.freshness().notifications, 'hearing')
        // End every LISTEN connection, as a server restart or a network cut would.
        await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen rolegate_writes'",
        )
        assert.equal(
          await noticedWithin(one, before, 5000),
          true,
          'a look while the listener is down reports a change',
        )
        const cut = one.generation
        one.noticeOtherWriters()
        assert.equal(one.generation, cut + 1, 'and so does the next one')
        const deaf = one.freshness()
        assert.equal(deaf.notifications, 'deaf')
        assert.equal(deaf.deafCause, 'connection-lost')
        assert.ok(deaf.deafSince instanceof Date)
        assert.equal(episodes.length, 0, 'an episode is told when it ends')
        // It listens again after a second; from then on a quiet database is quiet again.
        let quiet = false
        for (const until = Date.now() + 5000; !quiet && Date.now() < until;) {
          await new Promise((resolve) => setTimeout(resolve, 50))
          one.noticeOtherWriters()
          const seen = one.generation
          one.noticeOtherWriters()
          quiet = one.generation === seen
        }
        assert.equal(quiet, true, 'the listener came back')
        assert.equal(one.freshness().notifications, 'hearing')
        assert.equal(episodes.length, 1)
        assert.equal(episodes[0]!.cause, 'connection-lost')
        assert.ok(episodes[0]!.durationMs >= 900, `it lasted ${episodes[0]!.durationMs} ms`)
      } finally {
        await admin.end()
        await one.close()
      }
    })
  }

  test('two stores on one database race without losing updates', async () => {
    const one = await openPostgresStore({ connectionString: url(), secrets: testSecrets() })
    const two = await openPostgresStore({ connectionString: url(), secrets: testSecrets() })
    try {
      await one.wipe()
      const at = new Date('2025-01-01T00:00:00.000Z')
      const policy: ManagedPolicyRecord = {
        accountId: '111122223333',
        policyId: 'ANPARACE0000000000001',
        policyName: 'race',
        path: '/',
        arn: 'arn:aws:iam::111122223333:policy/race',
        description: null,
        defaultVersionId: 'v1',
        nextVersionNumber: 0,
        createDate: at,
        updateDate: at,
        tags: [],
      }
      await one.transaction((r) => r.policies.insert(policy))
      const bump = (store: typeof one) =>
        store.transaction(async (r) => {
          const current = await r.policies.get(policy.arn)
          await new Promise((resolve) => setTimeout(resolve, 2))
          await r.policies.update({
            ...current!,
            nextVersionNumber: current!.nextVersionNumber + 1,
          })
        })
      await Promise.all(Array.from({ length: 8 }, (_, i) => bump(i % 2 === 0 ? one : two)))
      assert.equal((await two.transaction((r) => r.policies.get(policy.arn)))?.nextVersionNumber, 8)
      // Each store counts only its own commits.
      assert.ok(one.generation >= 4 && two.generation >= 4)
    } finally {
      await one.close()
      await two.close()
    }
  })
})
