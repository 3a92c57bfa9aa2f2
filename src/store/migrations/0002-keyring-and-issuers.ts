// The session keyring that seals STS session tokens, and the built-in OIDC issuers with their
// signing keys. Issuer names are global and case-sensitive: they are a path in a public URL.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const keyringAndIssuersMigration = (dialect: DialectName): Migration => {
  // Keys and dates sort bytewise on both backends, whatever collation the PostgreSQL database has.
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('session_keys')
        .addColumn('key_id', key, (c) => c.primaryKey())
        .addColumn('secret', 'text', notNull)
        .addColumn('create_date', key, notNull)
        .addColumn('retire_date', 'text')
        .execute()
      await db.schema
        .createIndex('session_keys_created')
        .on('session_keys')
        .columns(['create_date', 'key_id'])
        .execute()

      await db.schema
        .createTable('issuers')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('create_date', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('issuers_account')
        .on('issuers')
        .columns(['account_id', 'name'])
        .execute()

      // A key is part of its issuer, as a version is part of its policy: deleting the issuer
      // takes its keys along, and a key for an issuer that does not exist is refused.
      await db.schema
        .createTable('issuer_keys')
        .addColumn('issuer_name', key, (c) =>
          c.notNull().references('issuers.name').onDelete('cascade'),
        )
        .addColumn('kid', key, notNull)
        .addColumn('algorithm', 'text', notNull)
        .addColumn('private_jwk', 'text', notNull)
        .addColumn('public_jwk', 'text', notNull)
        .addColumn('create_date', key, notNull)
        .addColumn('retire_date', 'text')
        .addPrimaryKeyConstraint('issuer_keys_pk', ['issuer_name', 'kid'])
        .execute()
      await db.schema
        .createIndex('issuer_keys_created')
        .on('issuer_keys')
        .columns(['issuer_name', 'create_date', 'kid'])
        .execute()
    },
  }
}
