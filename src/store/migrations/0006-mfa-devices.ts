// Virtual MFA devices: a sealed TOTP seed per device, the user it is enabled for, and the last
// time step a code was accepted for (so a code is good once) with the device's clock offset.

import { sql } from 'kysely'
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const mfaDevicesMigration = (dialect: DialectName): Migration => {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('mfa_devices')
        .addColumn('serial_number', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('name_key', key, notNull)
        .addColumn('seed', 'text', notNull)
        // A user with a device enabled cannot be deleted (IAM answers DeleteConflict first).
        .addColumn('user_id', 'text', (c) => c.references('users.user_id').onDelete('no action'))
        .addColumn('enable_date', 'text')
        .addColumn('last_step', 'integer')
        .addColumn('step_offset', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('create_date', 'text', notNull)
        .addColumn('tags', 'text', notNull)
        .execute()
      await db.schema
        .createIndex('mfa_devices_name')
        .on('mfa_devices')
        .columns(['account_id', 'name_key'])
        .unique()
        .execute()
      await db.schema.createIndex('mfa_devices_user').on('mfa_devices').column('user_id').execute()
    },
  }
}
