// Kubernetes clusters (issue #12) and the objects each holds: one row per cluster with its EKS-style
// id, ARN, region, the built-in issuer of its service-account tokens and its resource version
// counter; one row per object, keyed by kind, namespace ('' when cluster-scoped) and name, the
// object itself as JSON text. Names are case-sensitive and sort bytewise, as in Kubernetes.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const clustersMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('clusters')
        .addColumn('account_id', key, notNull)
        .addColumn('name', key, notNull)
        .addColumn('cluster_id', 'text', notNull)
        .addColumn('arn', 'text', notNull)
        .addColumn('region', 'text', notNull)
        .addColumn('issuer_name', key, notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('resource_version', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('clusters_pk', ['account_id', 'name'])
        .execute()
      await db.schema
        .createIndex('clusters_by_id')
        .on('clusters')
        .column('cluster_id')
        .unique()
        .execute()
      // A URL like /clusters/NAME names no account: finding its cluster reads this index.
      await db.schema.createIndex('clusters_by_name').on('clusters').column('name').execute()
      await db.schema
        .createIndex('clusters_by_issuer')
        .on('clusters')
        .columns(['account_id', 'issuer_name'])
        .unique()
        .execute()

      await db.schema
        .createTable('cluster_objects')
        .addColumn('account_id', key, notNull)
        .addColumn('cluster_name', key, notNull)
        .addColumn('kind', key, notNull)
        .addColumn('namespace', key, notNull)
        .addColumn('name', key, notNull)
        .addColumn('uid', 'text', notNull)
        .addColumn('resource_version', 'integer', notNull)
        .addColumn('body', 'text', notNull)
        .addPrimaryKeyConstraint('cluster_objects_pk', [
          'account_id',
          'cluster_name',
          'kind',
          'namespace',
          'name',
        ])
        .addForeignKeyConstraint(
          'cluster_objects_cluster',
          ['account_id', 'cluster_name'],
          'clusters',
          ['account_id', 'name'],
          (constraint) => constraint.onDelete('cascade'),
        )
        .execute()
    },
  }
}
