// The SAML assertions AssumeRoleWithSAML has accepted, until they expire: a unique key per issuer and
// assertion ID, so that one assertion is redeemed once across every process and replica sharing
// the database.

import { sql } from 'kysely'
import type { Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const samlAssertionUsesMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('saml_assertion_uses')
        .addColumn('use_key', key, (c) => c.primaryKey())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()
      // Expired rows are dropped by range as new ones come in.
      await db.schema
        .createIndex('saml_assertion_uses_expiry')
        .on('saml_assertion_uses')
        .column('expires_at')
        .execute()
    },
  }
}
