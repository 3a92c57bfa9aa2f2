// Instance profiles (each holding at most one role), users' console passwords kept only as scrypt
// hashes, and each account's custom password policy.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const instanceProfilesAndPasswordsMigration = (dialect: DialectName): Migration => {
  // Sort keys compare bytewise on both backends, whatever collation the PostgreSQL database has.
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // The role reference refuses DeleteRole while a profile holds the role (no action, as the
      // other relations to roles); the IAM layer answers DeleteConflict before it gets here.
      await db.schema
        .createTable('instance_profiles')
        .addColumn('instance_profile_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('instance_profile_name', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('arn', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('tags', 'text', notNull)
        .addColumn('role_id', 'text', (c) => c.references('roles.role_id').onDelete('no action'))
        .execute()
      await db.schema
        .createIndex('instance_profiles_name')
        .on('instance_profiles')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()
      await db.schema
        .createIndex('instance_profiles_role')
        .on('instance_profiles')
        .columns(['role_id', 'name_key'])
        .execute()

      await db.schema
        .createTable('login_profiles')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.user_id').onDelete('no action'),
        )
        .addColumn('account_id', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .addColumn('password_hash', 'text', notNull)
        .addColumn('password_reset_required', 'integer', notNull)
        .addColumn('password_last_changed', 'text', notNull)
        .addColumn('password_history', 'text', notNull)
        .execute()

      await db.schema
        .createTable('account_password_policies')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('minimum_password_length', 'integer', notNull)
        .addColumn('require_symbols', 'integer', notNull)
        .addColumn('require_numbers', 'integer', notNull)
        .addColumn('require_uppercase_characters', 'integer', notNull)
        .addColumn('require_lowercase_characters', 'integer', notNull)
        .addColumn('allow_users_to_change_password', 'integer', notNull)
        .addColumn('max_password_age', 'integer')
        .addColumn('password_reuse_prevention', 'integer')
        .addColumn('hard_expiry', 'integer', notNull)
        .execute()
    },
  }
}
