// Built-in issuers belong to an account for ever: their key is (account, name), as their URL is
// PUBLIC_URL/issuers/ACCOUNT/NAME, so a name freed in one account can never be taken by another.
// The two tables are small; their rows are carried over to the new shape in memory. OIDC
// providers are indexed by URL as well: deleting an issuer asks whether any account still names it.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

interface IssuerRow {
  name: string
  account_id: string
  create_date: string
}

interface IssuerKeyRow {
  issuer_name: string
  kid: string
  algorithm: string
  private_jwk: string
  public_jwk: string
  create_date: string
  retire_date: string | null
}

interface Before {
  issuers: IssuerRow
  issuer_keys: IssuerKeyRow
}

export const issuersPerAccountMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  return {
    async up(untyped: Kysely<unknown>): Promise<void> {
      const db = untyped as Kysely<Before>
      const issuers = await db.selectFrom('issuers').selectAll().execute()
      const keys = await db.selectFrom('issuer_keys').selectAll().execute()
      const owner = new Map(issuers.map((issuer) => [issuer.name, issuer.account_id]))

      await db.schema.dropTable('issuer_keys').execute()
      await db.schema.dropTable('issuers').execute()

      await db.schema
        .createTable('issuers')
        .addColumn('account_id', key, notNull)
        .addColumn('name', key, notNull)
        .addColumn('create_date', 'text', notNull)
        .addPrimaryKeyConstraint('issuers_pk', ['account_id', 'name'])
        .execute()
      await db.schema
        .createTable('issuer_keys')
        .addColumn('account_id', key, notNull)
        .addColumn('issuer_name', key, notNull)
        .addColumn('kid', key, notNull)
        .addColumn('algorithm', 'text', notNull)
        .addColumn('private_jwk', 'text', notNull)
        .addColumn('public_jwk', 'text', notNull)
        .addColumn('create_date', key, notNull)
        .addColumn('retire_date', 'text')
        .addPrimaryKeyConstraint('issuer_keys_pk', ['account_id', 'issuer_name', 'kid'])
        .addForeignKeyConstraint(
          'issuer_keys_issuer',
          ['account_id', 'issuer_name'],
          'issuers',
          ['account_id', 'name'],
          (constraint) => constraint.onDelete('cascade'),
        )
        .execute()
      await db.schema
        .createIndex('issuer_keys_created')
        .on('issuer_keys')
        .columns(['account_id', 'issuer_name', 'create_date', 'kid'])
        .execute()

      await db.schema
        .createIndex('oidc_providers_by_url')
        .on('oidc_providers')
        .column('url')
        .execute()

      const after = untyped as Kysely<{
        issuers: IssuerRow
        issuer_keys: IssuerKeyRow & { account_id: string }
      }>
      for (const issuer of issuers) await after.insertInto('issuers').values(issuer).execute()
      for (const row of keys) {
        const accountId = owner.get(row.issuer_name)
        if (accountId === undefined) continue
        await after
          .insertInto('issuer_keys')
          .values({ ...row, account_id: accountId })
          .execute()
      }
    },
  }
}
