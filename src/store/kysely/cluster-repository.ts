// Kubernetes clusters and their objects over Kysely: clusters by (account, name), objects by
// (account, cluster, kind, namespace, name), all compared and sorted bytewise as Kubernetes does.

import type { Selectable } from 'kysely'
import type { ClusterObjectRecord, ClusterRecord } from '../ports.js'
import type { ClusterRepository } from '../repositories.js'
import { fromText, toText } from './records.js'
import type { ClusterObjectsTable, ClustersTable } from './schema.js'
import type { TransactionSession } from './transaction-session.js'

const clusterRow = (
  cluster: ClusterRecord,
): Omit<ClustersTable, 'resource_version' | 'webhook_token'> => ({
  account_id: cluster.accountId,
  name: cluster.name,
  cluster_id: cluster.id,
  arn: cluster.arn,
  region: cluster.region,
  issuer_name: cluster.issuerName,
  create_date: toText(cluster.createdAt),
})

const clusterRecord = (row: Selectable<ClustersTable>): ClusterRecord => ({
  accountId: row.account_id,
  name: row.name,
  id: row.cluster_id,
  arn: row.arn,
  region: row.region,
  issuerName: row.issuer_name,
  createdAt: fromText(row.create_date),
})

const objectRecord = (row: Selectable<ClusterObjectsTable>): ClusterObjectRecord => ({
  kind: row.kind,
  namespace: row.namespace,
  name: row.name,
  uid: row.uid,
  resourceVersion: Number(row.resource_version),
  body: row.body,
})

export class KyselyClusterRepository implements ClusterRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accountId: string, name: string): Promise<ClusterRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('clusters')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .executeTakeFirst()
      return row && clusterRecord(row)
    })
  }

  list(accountId: string): Promise<ClusterRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('clusters')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name')
        .execute()
      return rows.map(clusterRecord)
    })
  }

  listByName(name: string): Promise<ClusterRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('clusters')
        .selectAll()
        .where('name', '=', name)
        .orderBy('account_id')
        .execute()
      return rows.map(clusterRecord)
    })
  }

  getByIssuer(accountId: string, issuerName: string): Promise<ClusterRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('clusters')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('issuer_name', '=', issuerName)
        .executeTakeFirst()
      return row && clusterRecord(row)
    })
  }

  insert(cluster: ClusterRecord): Promise<void> {
    return this.session.write('insertCluster', () =>
      this.session.db
        .insertInto('clusters')
        .values({ ...clusterRow(cluster), resource_version: 0 })
        .execute(),
    )
  }

  /** The objects go with it (the foreign key cascades). */
  delete(accountId: string, name: string): Promise<void> {
    return this.session.write('deleteCluster', () =>
      this.session.db
        .deleteFrom('clusters')
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .execute(),
    )
  }

  listObjects(
    accountId: string,
    clusterName: string,
    filter: { kind?: string | undefined; namespace?: string | undefined } = {},
  ): Promise<ClusterObjectRecord[]> {
    return this.session.read(async () => {
      let query = this.session.db
        .selectFrom('cluster_objects')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('cluster_name', '=', clusterName)
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind)
      if (filter.namespace !== undefined) query = query.where('namespace', '=', filter.namespace)
      const rows = await query.orderBy('kind').orderBy('namespace').orderBy('name').execute()
      return rows.map(objectRecord)
    })
  }

  getObject(
    accountId: string,
    clusterName: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<ClusterObjectRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('cluster_objects')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('cluster_name', '=', clusterName)
        .where('kind', '=', kind)
        .where('namespace', '=', namespace)
        .where('name', '=', name)
        .executeTakeFirst()
      return row && objectRecord(row)
    })
  }

  /** Refused with StoreReferenceError when the cluster does not exist. */
  putObject(accountId: string, clusterName: string, object: ClusterObjectRecord): Promise<void> {
    return this.session.write('putClusterObject', () =>
      this.session.db
        .insertInto('cluster_objects')
        .values({
          account_id: accountId,
          cluster_name: clusterName,
          kind: object.kind,
          namespace: object.namespace,
          name: object.name,
          uid: object.uid,
          resource_version: object.resourceVersion,
          body: object.body,
        })
        .onConflict((oc) =>
          oc.columns(['account_id', 'cluster_name', 'kind', 'namespace', 'name']).doUpdateSet({
            uid: object.uid,
            resource_version: object.resourceVersion,
            body: object.body,
          }),
        )
        .execute(),
    )
  }

  deleteObject(
    accountId: string,
    clusterName: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<void> {
    return this.session.write('deleteClusterObject', () =>
      this.session.db
        .deleteFrom('cluster_objects')
        .where('account_id', '=', accountId)
        .where('cluster_name', '=', clusterName)
        .where('kind', '=', kind)
        .where('namespace', '=', namespace)
        .where('name', '=', name)
        .execute(),
    )
  }

  async reserveResourceVersions(
    accountId: string,
    clusterName: string,
    count: number,
  ): Promise<number> {
    let reserved: number | undefined
    await this.session.write('reserveResourceVersions', async () => {
      const row = await this.session.db
        .updateTable('clusters')
        .set((eb) => ({ resource_version: eb('resource_version', '+', count) }))
        .where('account_id', '=', accountId)
        .where('name', '=', clusterName)
        .returning('resource_version')
        .executeTakeFirst()
      reserved = row === undefined ? undefined : Number(row.resource_version) - count + 1
    })
    if (reserved === undefined) throw new Error(`store: no cluster ${clusterName} to reserve in`)
    return reserved
  }

  getWebhookToken(accountId: string, name: string): Promise<string | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('clusters')
        .select(['account_id', 'name', 'webhook_token'])
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .executeTakeFirst()
      return row && this.session.sealed.openClusterWebhookToken(row)
    })
  }

  async setWebhookToken(accountId: string, name: string, token: string): Promise<void> {
    const sealed = this.session.sealed.sealClusterWebhookToken(
      { account_id: accountId, name },
      token,
    )
    let updated = 0n
    await this.session.write('setClusterWebhookToken', async () => {
      const result = await this.session.db
        .updateTable('clusters')
        .set({ webhook_token: sealed })
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .executeTakeFirst()
      updated = result.numUpdatedRows
    })
    if (updated === 0n) throw new Error(`store: no cluster ${name} to give a webhook token`)
  }

  webhookTokensByName(name: string): Promise<Array<{ accountId: string; token: string }>> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('clusters')
        .select(['account_id', 'name', 'webhook_token'])
        .where('name', '=', name)
        .where('webhook_token', 'is not', null)
        .orderBy('account_id')
        .execute()
      return rows.map((row) => ({
        accountId: row.account_id,
        token: this.session.sealed.openClusterWebhookToken(row) ?? '',
      }))
    })
  }
}
