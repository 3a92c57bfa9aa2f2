// The built-in identity provider: its users (scrypt hashes, sealed TOTP seeds) and groups, each
// account's AWS Account Federation app with its signing keys, and the roles assigned to users and
// groups. Relations refuse an orphan; the repositories delete children with their parent.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const identityProviderMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('idp_users')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('user_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text', notNull)
        .addColumn('password_changed', 'text', notNull)
        .addColumn('totp_seed', 'text')
        .addColumn('totp_last_step', 'integer')
        .addColumn('session_tags', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('idp_users_name')
        .on('idp_users')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()

      await db.schema
        .createTable('idp_groups')
        .addColumn('group_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('group_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('create_date', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('idp_groups_name')
        .on('idp_groups')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()

      await db.schema
        .createTable('idp_group_members')
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('idp_groups.group_id').onDelete('no action'),
        )
        .addColumn('user_id', 'text', (c) =>
          c.notNull().references('idp_users.user_id').onDelete('no action'),
        )
        .addPrimaryKeyConstraint('idp_group_members_pk', ['group_id', 'user_id'])
        .execute()
      await db.schema
        .createIndex('idp_group_members_user')
        .on('idp_group_members')
        .column('user_id')
        .execute()

      await db.schema
        .createTable('idp_assignments')
        .addColumn('account_id', 'text', notNull)
        .addColumn('principal_type', 'text', notNull)
        .addColumn('principal_id', 'text', notNull)
        .addColumn('user_id', 'text', (c) =>
          c.references('idp_users.user_id').onDelete('no action'),
        )
        .addColumn('group_id', 'text', (c) =>
          c.references('idp_groups.group_id').onDelete('no action'),
        )
        .addColumn('role_arn', key, notNull)
        .addColumn('create_date', 'text', notNull)
        .addPrimaryKeyConstraint('idp_assignments_pk', [
          'principal_type',
          'principal_id',
          'role_arn',
        ])
        .addCheckConstraint(
          'idp_assignments_principal_check',
          sql`(principal_type = 'user' and user_id = principal_id and group_id is null)
            or (principal_type = 'group' and group_id = principal_id and user_id is null)`,
        )
        .execute()
      await db.schema
        .createIndex('idp_assignments_account')
        .on('idp_assignments')
        .column('account_id')
        .execute()

      await db.schema
        .createTable('idp_apps')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('create_date', 'text', notNull)
        .addColumn('access_key_id', 'text')
        .addColumn('secret_access_key', 'text')
        .addColumn('provider_arn', 'text')
        .addColumn('session_duration', 'integer', notNull)
        .addColumn('cookie_key', 'text', notNull)
        .execute()

      await db.schema
        .createTable('idp_signing_keys')
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('idp_apps.account_id').onDelete('no action'),
        )
        .addColumn('key_id', key, notNull)
        .addColumn('private_key', 'text', notNull)
        .addColumn('certificate', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('signing_since', 'text')
        .addColumn('retire_date', 'text')
        .addPrimaryKeyConstraint('idp_signing_keys_pk', ['account_id', 'key_id'])
        .execute()
    },
  }
}
