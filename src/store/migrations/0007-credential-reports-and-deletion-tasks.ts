// Each account's latest credential report (GenerateCredentialReport keeps the CSV it made), and the
// deletion tasks DeleteServiceLinkedRole hands out, which GetServiceLinkedRoleDeletionStatus reads.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const credentialReportsAndDeletionTasksMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('credential_reports')
        .addColumn('account_id', key, (c) => c.primaryKey())
        .addColumn('generated_time', 'text', notNull)
        .addColumn('content', 'text', notNull)
        .execute()

      await db.schema
        .createTable('service_linked_role_deletions')
        .addColumn('deletion_task_id', key, (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('status', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .execute()
    },
  }
}
