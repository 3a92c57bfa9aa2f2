// The first schema: accounts, users, groups, roles, keys, customer managed policies, attachments,
// inline policies and identity providers, every row keyed by account.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const initialMigration = (dialect: DialectName): Migration => {
  // Sort keys compare bytewise on both backends, whatever collation the PostgreSQL database has.
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  // Relations to entities refuse the entity's deletion while they exist (no action: checked at the
  // end of each statement; RESTRICT would report a trigger error on SQLite). The IAM layer answers
  // DeleteConflict before it gets here; the keys catch what it misses.
  // The three nullable, type-checked id columns let a foreign key guard a polymorphic relation.
  const entityRefTable = (db: Kysely<unknown>, name: string) =>
    db.schema
      .createTable(name)
      .addColumn('account_id', 'text', notNull)
      .addColumn('entity_type', 'text', notNull)
      .addColumn('entity_id', 'text', notNull)
      .addColumn('user_id', 'text', (c) => c.references('users.user_id').onDelete('no action'))
      .addColumn('group_id', 'text', (c) => c.references('groups.group_id').onDelete('no action'))
      .addColumn('role_id', 'text', (c) => c.references('roles.role_id').onDelete('no action'))
      .addCheckConstraint(
        `${name}_entity_check`,
        sql`(entity_type = 'user' and user_id = entity_id and group_id is null and role_id is null)
          or (entity_type = 'group' and group_id = entity_id and user_id is null and role_id is null)
          or (entity_type = 'role' and role_id = entity_id and user_id is null and group_id is null)`,
      )

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('accounts')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('create_date', 'text', notNull)
        .execute()

      await db.schema
        .createTable('account_aliases')
        .addColumn('alias', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('account_aliases_account')
        .on('account_aliases')
        .columns(['account_id', 'alias'])
        .execute()

      await db.schema
        .createTable('users')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('user_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('arn', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('permissions_boundary_arn', 'text')
        .addColumn('tags', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('users_name')
        .on('users')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()

      await db.schema
        .createTable('groups')
        .addColumn('group_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('group_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('arn', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('groups_name')
        .on('groups')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.group_id').onDelete('no action'),
        )
        .addColumn('user_id', 'text', (c) =>
          c.notNull().references('users.user_id').onDelete('no action'),
        )
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute()
      await db.schema
        .createIndex('group_members_user')
        .on('group_members')
        .column('user_id')
        .execute()

      await db.schema
        .createTable('roles')
        .addColumn('role_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('role_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('arn', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('assume_role_policy_document', 'text', notNull)
        .addColumn('description', 'text')
        .addColumn('max_session_duration', 'integer', notNull)
        .addColumn('permissions_boundary_arn', 'text')
        .addColumn('tags', 'text', notNull)
        .addColumn('last_used_date', 'text')
        .addColumn('last_used_region', 'text')
        .execute()
      await db.schema
        .createIndex('roles_name')
        .on('roles')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()

      await db.schema
        .createTable('access_keys')
        .addColumn('access_key_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('user_id', 'text', (c) =>
          c.notNull().references('users.user_id').onDelete('no action'),
        )
        .addColumn('secret_access_key', 'text', notNull)
        .addColumn('status', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('last_used_date', 'text')
        .addColumn('last_used_service', 'text')
        .addColumn('last_used_region', 'text')
        .execute()
      await db.schema
        .createIndex('access_keys_user')
        .on('access_keys')
        .columns(['user_id', 'create_date'])
        .execute()

      await db.schema
        .createTable('policies')
        .addColumn('policy_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('policy_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('arn', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('default_version_id', 'text', notNull)
        .addColumn('next_version_number', 'integer', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('update_date', 'text', notNull)
        .addColumn('tags', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('policies_name')
        .on('policies')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()

      // A policy's versions go with it: DeletePolicy removes the default version too.
      await db.schema
        .createTable('policy_versions')
        .addColumn('policy_arn', 'text', (c) =>
          c.notNull().references('policies.arn').onDelete('cascade'),
        )
        .addColumn('version_id', 'text', notNull)
        .addColumn('account_id', 'text', notNull)
        .addColumn('document', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addPrimaryKeyConstraint('policy_versions_pk', ['policy_arn', 'version_id'])
        .execute()

      // No foreign key on policy_arn: AWS managed policies are attachable and live outside the store.
      await entityRefTable(db, 'policy_attachments')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('policy_arn', 'text', notNull)
        .addUniqueConstraint('policy_attachments_unique', [
          'entity_type',
          'entity_id',
          'policy_arn',
        ])
        .execute()
      await db.schema
        .createIndex('policy_attachments_entity')
        .on('policy_attachments')
        .columns(['entity_type', 'entity_id', 'seq'])
        .execute()
      await db.schema
        .createIndex('policy_attachments_policy')
        .on('policy_attachments')
        .columns(['account_id', 'policy_arn'])
        .execute()

      await entityRefTable(db, 'inline_policies')
        .addColumn('policy_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('document', 'text', notNull)
        .addPrimaryKeyConstraint('inline_policies_pk', ['entity_type', 'entity_id', 'name_key'])
        .execute()

      await db.schema
        .createTable('oidc_providers')
        .addColumn('arn', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('url', key, notNull)
        .addColumn('client_ids', 'text', notNull)
        .addColumn('thumbprints', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('tags', 'text', notNull)
        .addUniqueConstraint('oidc_providers_url', ['account_id', 'url'])
        .execute()

      await db.schema
        .createTable('saml_providers')
        .addColumn('arn', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('metadata_document', 'text', notNull)
        .addColumn('certificates', 'text', notNull)
        .addColumn('entity_id', 'text', notNull)
        .addColumn('valid_until', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('tags', 'text', notNull)
        .addUniqueConstraint('saml_providers_name', ['account_id', 'name_key'])
        .execute()
    },
  }
}
