// Settings of the store itself, beside the data: for now the value that tells at start whether the
// configured master key is the one the database's secrets were sealed with.

import { sql } from 'kysely'
import type { Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const storeSettingsMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('store_settings')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute()
    },
  }
}
