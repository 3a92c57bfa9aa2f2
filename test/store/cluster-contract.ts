// The Kubernetes cluster part of the store contract (run by storeContract on every backend):
// clusters and objects round-trip every field, names are case-sensitive and sort bytewise as in
// Kubernetes, an object is replaced by its key, deleting a cluster deletes its objects, an object
// needs its cluster, resource versions are reserved in order and roll back with their transaction.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreConflictError, StoreReferenceError } from '../../src/store/errors.js'
import type { ClusterObjectRecord, ClusterRecord, Store } from '../../src/store/ports.js'
import { rejectsWith, storeTest } from './contract-support.js'

const A = '111122223333'
const B = '444455556666'
const T1 = new Date('2024-02-29T23:59:59.999Z')

let ids = 0
const cluster = (name: string, accountId = A): ClusterRecord => {
  const id = (++ids).toString(16).toUpperCase().padStart(32, 'A')
  return {
    accountId,
    name,
    id,
    arn: `arn:aws:eks:eu-west-1:${accountId}:cluster/${name}`,
    region: 'eu-west-1',
    issuerName: `eks-${id}`,
    createdAt: T1,
  }
}

const object = (
  kind: string,
  namespace: string,
  name: string,
  overrides: Partial<ClusterObjectRecord> = {},
): ClusterObjectRecord => ({
  kind,
  namespace,
  name,
  uid: `uid-${kind}-${namespace}-${name}`,
  resourceVersion: 1,
  body: JSON.stringify({ kind, metadata: { name, ...(namespace ? { namespace } : {}) } }),
  ...overrides,
})

export function clusterContract(open: () => Promise<Store>): void {
  const withStore = storeTest(open)

  test(
    'clusters round-trip every field; names are case-sensitive, per account, sorted bytewise',
    withStore(async (_store, tx) => {
      const prod = cluster('prod')
      const Prod = cluster('Prod')
      const alpha = cluster('alpha-1_x')
      const other = cluster('prod', B)
      await tx(async (r) => {
        for (const c of [prod, Prod, alpha, other]) await r.clusters.insert(c)
      })
      assert.deepEqual(await tx((r) => r.clusters.get(A, 'prod')), prod)
      assert.deepEqual(await tx((r) => r.clusters.get(A, 'Prod')), Prod)
      assert.equal(await tx((r) => r.clusters.get(A, 'PROD')), undefined)
      assert.deepEqual(
        (await tx((r) => r.clusters.list(A))).map((c) => c.name),
        ['Prod', 'alpha-1_x', 'prod'],
      )
      assert.deepEqual(await tx((r) => r.clusters.list(B)), [other])
      assert.deepEqual(await tx((r) => r.clusters.listByName('prod')), [prod, other])
      assert.deepEqual(await tx((r) => r.clusters.getByIssuer(A, alpha.issuerName)), alpha)
      assert.equal(await tx((r) => r.clusters.getByIssuer(B, alpha.issuerName)), undefined)
      // The same name in the same account, and the same id anywhere, are taken.
      await rejectsWith(
        tx((r) => r.clusters.insert({ ...cluster('prod'), id: 'F'.repeat(32) })),
        StoreConflictError,
      )
      await rejectsWith(
        tx((r) => r.clusters.insert({ ...cluster('unique', B), id: prod.id })),
        StoreConflictError,
      )
    }),
  )

  test(
    'objects round-trip, list by kind, namespace and name, and are replaced by their key',
    withStore(async (_store, tx) => {
      await tx((r) => r.clusters.insert(cluster('prod')))
      await tx((r) => r.clusters.insert(cluster('other')))
      const body = JSON.stringify({
        kind: 'ConfigMap',
        data: { mapRoles: '- rolearn: x\n  groups: [a]\n', note: 'Zürich — 東京 🚀' },
      })
      const records = [
        object('Role', 'production', 'b'),
        object('Role', 'production', 'A'),
        object('Role', 'default', 'z'),
        object('Namespace', '', 'production'),
        object('ConfigMap', 'kube-system', 'aws-auth', { body, resourceVersion: 7 }),
        object('ClusterRole', '', 'view'),
      ]
      await tx(async (r) => {
        for (const o of records) await r.clusters.putObject(A, 'prod', o)
        await r.clusters.putObject(A, 'other', object('Role', 'default', 'elsewhere'))
      })
      const keys = (list: ClusterObjectRecord[]) =>
        list.map((o) => `${o.kind}/${o.namespace}/${o.name}`)
      assert.deepEqual(keys(await tx((r) => r.clusters.listObjects(A, 'prod'))), [
        'ClusterRole//view',
        'ConfigMap/kube-system/aws-auth',
        'Namespace//production',
        'Role/default/z',
        'Role/production/A',
        'Role/production/b',
      ])
      assert.deepEqual(keys(await tx((r) => r.clusters.listObjects(A, 'prod', { kind: 'Role' }))), [
        'Role/default/z',
        'Role/production/A',
        'Role/production/b',
      ])
      assert.deepEqual(
        keys(
          await tx((r) =>
            r.clusters.listObjects(A, 'prod', { kind: 'Role', namespace: 'production' }),
          ),
        ),
        ['Role/production/A', 'Role/production/b'],
      )
      assert.deepEqual(
        await tx((r) => r.clusters.getObject(A, 'prod', 'ConfigMap', 'kube-system', 'aws-auth')),
        records[4],
      )
      assert.equal(
        await tx((r) => r.clusters.getObject(A, 'prod', 'Role', 'production', 'a')),
        undefined,
      )
      assert.equal(
        await tx((r) => r.clusters.getObject(B, 'prod', 'Role', 'production', 'A')),
        undefined,
      )

      const replaced = object('Role', 'production', 'A', {
        uid: 'uid-kept',
        resourceVersion: 9,
        body: '{"kind":"Role","rules":[]}',
      })
      await tx((r) => r.clusters.putObject(A, 'prod', replaced))
      assert.deepEqual(
        await tx((r) => r.clusters.getObject(A, 'prod', 'Role', 'production', 'A')),
        replaced,
      )
      assert.equal((await tx((r) => r.clusters.listObjects(A, 'prod'))).length, records.length)

      await tx((r) => r.clusters.deleteObject(A, 'prod', 'Role', 'production', 'A'))
      assert.equal(
        await tx((r) => r.clusters.getObject(A, 'prod', 'Role', 'production', 'A')),
        undefined,
      )
      assert.equal((await tx((r) => r.clusters.listObjects(A, 'other'))).length, 1)
    }),
  )

  test(
    'an object needs its cluster, and deleting a cluster deletes its objects',
    withStore(async (_store, tx) => {
      await rejectsWith(
        tx((r) => r.clusters.putObject(A, 'missing', object('Namespace', '', 'x'))),
        StoreReferenceError,
      )
      await tx(async (r) => {
        await r.clusters.insert(cluster('prod'))
        await r.clusters.insert(cluster('prod', B))
        await r.clusters.putObject(A, 'prod', object('Namespace', '', 'x'))
        await r.clusters.putObject(B, 'prod', object('Namespace', '', 'y'))
      })
      await tx((r) => r.clusters.delete(A, 'prod'))
      assert.equal(await tx((r) => r.clusters.get(A, 'prod')), undefined)
      // A cluster made again under the same name starts empty.
      await tx((r) => r.clusters.insert(cluster('prod')))
      assert.deepEqual(await tx((r) => r.clusters.listObjects(A, 'prod')), [])
      assert.equal((await tx((r) => r.clusters.listObjects(B, 'prod'))).length, 1)
    }),
  )

  test(
    'resource versions are reserved in order per cluster and roll back with their transaction',
    withStore(async (_store, tx) => {
      await tx(async (r) => {
        await r.clusters.insert(cluster('prod'))
        await r.clusters.insert(cluster('other'))
      })
      assert.equal(await tx((r) => r.clusters.reserveResourceVersions(A, 'prod', 3)), 1)
      assert.equal(await tx((r) => r.clusters.reserveResourceVersions(A, 'prod', 1)), 4)
      assert.equal(await tx((r) => r.clusters.reserveResourceVersions(A, 'other', 2)), 1)
      await assert.rejects(
        tx(async (r) => {
          await r.clusters.reserveResourceVersions(A, 'prod', 5)
          await r.clusters.putObject(A, 'prod', object('Namespace', '', 'kept-out'))
          throw new Error('rolled back')
        }),
        /rolled back/,
      )
      assert.equal(await tx((r) => r.clusters.reserveResourceVersions(A, 'prod', 1)), 5)
      assert.deepEqual(await tx((r) => r.clusters.listObjects(A, 'prod')), [])
      await assert.rejects(tx((r) => r.clusters.reserveResourceVersions(A, 'missing', 1)))
    }),
  )
}
