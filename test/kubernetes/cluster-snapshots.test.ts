// The cluster snapshot cache over real SQLite stores: one read per cluster and store generation,
// the same snapshot object until a write (so derived work is kept by identity), a read that a
// write overtook answered but not kept, concurrent requests sharing one read, and a write by
// another process on the same database seen once that process's writes are noticed, as every
// request notices them first.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ClusterSnapshots } from '../../src/kubernetes/cluster-snapshots.js'
import { systemNamespaces, toRecord } from '../../src/kubernetes/cluster-objects.js'
import type { ClusterObject } from '../../src/kubernetes/objects.js'
import type { ClusterRecord, Store } from '../../src/store/ports.js'
import type { Repositories } from '../../src/store/repositories.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { testSecrets } from '../support/secrets.js'

const ACCOUNT = '111122223333'

const cluster = (name: string, id: string): ClusterRecord => ({
  accountId: ACCOUNT,
  name,
  id,
  arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/${name}`,
  region: 'us-east-1',
  issuerName: `eks-${id}`,
  createdAt: new Date('2025-01-01T00:00:00Z'),
})

const awsAuth = (username: string): ClusterObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'aws-auth', namespace: 'kube-system', uid: 'u', resourceVersion: '9' },
  data: {
    mapRoles: `- rolearn: arn:aws:iam::${ACCOUNT}:role/admins/Admin\n  username: ${username}\n  groups: [system:masters]\n`,
  },
})

/** The store with its reads counted. */
function counted(store: Store) {
  const counter = {
    reads: 0,
    get generation() {
      return store.generation
    },
    read<T>(work: (repo: Repositories) => Promise<T>): Promise<T> {
      counter.reads += 1
      return store.read(work)
    },
  }
  return counter
}

describe('ClusterSnapshots', () => {
  let dir: string
  let store: Store
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-snapshots-'))
    store = await openSqliteStore({
      file: join(dir, 'one.db'),
      secrets: testSecrets(),
      shared: true,
    })
    await store.transaction(async (repo) => {
      await repo.clusters.insert(cluster('prod', 'A'.repeat(32)))
      for (const namespace of systemNamespaces(new Date(), () => 'uid')) {
        await repo.clusters.putObject(ACCOUNT, 'prod', toRecord(namespace))
      }
    })
  })
  after(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('one read per generation; the same snapshot until a write, then the new state', async () => {
    const source = counted(store)
    const snapshots = new ClusterSnapshots(source)
    const first = await snapshots.get(ACCOUNT, 'prod')
    assert.ok(first)
    assert.equal(first.cluster.id, 'A'.repeat(32))
    assert.deepEqual(
      first.objects.map((object) => object.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    )
    assert.equal(await snapshots.get(ACCOUNT, 'prod'), first)
    assert.equal(await snapshots.get(ACCOUNT, 'missing'), undefined)
    assert.equal(await snapshots.get(ACCOUNT, 'missing'), undefined)
    assert.equal(source.reads, 2)

    await store.transaction((repo) =>
      repo.clusters.putObject(ACCOUNT, 'prod', toRecord(awsAuth('admin'))),
    )
    const second = await snapshots.get(ACCOUNT, 'prod')
    assert.notEqual(second, first)
    assert.equal(second?.objects.length, 5)
    assert.equal(source.reads, 3)
  })

  test('aws-auth and other derived work are computed once per snapshot', async () => {
    const snapshots = new ClusterSnapshots(store)
    await store.transaction((repo) =>
      repo.clusters.putObject(ACCOUNT, 'prod', toRecord(awsAuth('admin'))),
    )
    const snapshot = await snapshots.get(ACCOUNT, 'prod')
    assert.ok(snapshot)
    const loaded = snapshots.awsAuth(snapshot)
    assert.deepEqual(loaded.awsAuth.mapRoles, [
      {
        rolearn: `arn:aws:iam::${ACCOUNT}:role/Admin`,
        username: 'admin',
        groups: ['system:masters'],
      },
    ])
    assert.equal(loaded.warnings.length, 1, 'the stripped path is said')
    assert.equal(snapshots.awsAuth(snapshot), loaded)
    let builds = 0
    const build = () => ++builds
    assert.equal(snapshots.derived(snapshot, 'index', build), 1)
    assert.equal(snapshots.derived(snapshot, 'index', build), 1)
    assert.equal(builds, 1)

    await store.transaction((repo) =>
      repo.clusters.deleteObject(ACCOUNT, 'prod', 'ConfigMap', 'kube-system', 'aws-auth'),
    )
    const after = await snapshots.get(ACCOUNT, 'prod')
    assert.ok(after)
    assert.deepEqual(snapshots.awsAuth(after).awsAuth, {
      mapRoles: [],
      mapUsers: [],
      mapAccounts: [],
    })
  })

  test('requests asking at once share one read', async () => {
    const source = counted(store)
    const snapshots = new ClusterSnapshots(source)
    const all = await Promise.all([1, 2, 3, 4].map(() => snapshots.get(ACCOUNT, 'prod')))
    assert.equal(source.reads, 1)
    assert.ok(all.every((snapshot) => snapshot === all[0]))
  })

  test('a read that a write overtook is answered once but not kept', async () => {
    let overtake = true
    const source = {
      get generation() {
        return store.generation
      },
      async read<T>(work: (repo: Repositories) => Promise<T>): Promise<T> {
        const value = await store.read(work)
        if (overtake) {
          overtake = false
          await store.transaction((repo) =>
            repo.clusters.putObject(ACCOUNT, 'prod', toRecord(awsAuth('late'))),
          )
        }
        return value
      },
    }
    const snapshots = new ClusterSnapshots(source)
    const overtaken = await snapshots.get(ACCOUNT, 'prod')
    const next = await snapshots.get(ACCOUNT, 'prod')
    assert.notEqual(next, overtaken)
    assert.ok(next && snapshots.awsAuth(next).awsAuth.mapRoles[0]?.username === 'late')
  })

  test('withName finds the clusters of that name in every account', async () => {
    const snapshots = new ClusterSnapshots(store)
    assert.deepEqual(
      (await snapshots.withName('prod')).map((record) => record.accountId),
      [ACCOUNT],
    )
    assert.deepEqual(await snapshots.withName('nope'), [])
  })

  test('a write through another process is seen on the next request that notices it', async () => {
    const other = await openSqliteStore({
      file: join(dir, 'one.db'),
      secrets: testSecrets(),
      shared: true,
    })
    try {
      const snapshots = new ClusterSnapshots(store)
      const before = await snapshots.get(ACCOUNT, 'prod')
      await other.transaction((repo) =>
        repo.clusters.putObject(ACCOUNT, 'prod', toRecord(awsAuth('from-the-other-replica'))),
      )
      // Until this process notices, it answers what it has (no read per request)...
      assert.equal(await snapshots.get(ACCOUNT, 'prod'), before)
      // ...and every request begins by noticing (composeApp's handle).
      store.noticeOtherWriters()
      const after = await snapshots.get(ACCOUNT, 'prod')
      assert.ok(after)
      assert.equal(snapshots.awsAuth(after).awsAuth.mapRoles[0]?.username, 'from-the-other-replica')
    } finally {
      await other.close()
    }
  })
})
