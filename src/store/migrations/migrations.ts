// Every schema migration, listed here rather than found on disk, so the compiled dist/ needs no
// directory scanning; Kysely's Migrator applies the pending ones in name order.

import { Migrator } from 'kysely'
import type { Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'
import { initialMigration } from './0001-initial.js'
import { keyringAndIssuersMigration } from './0002-keyring-and-issuers.js'
import { issuersPerAccountMigration } from './0003-issuers-per-account.js'
import { storeSettingsMigration } from './0004-store-settings.js'

export const migrationsFor = (dialect: DialectName): Record<string, Migration> => ({
  '0001-initial': initialMigration(dialect),
  '0002-keyring-and-issuers': keyringAndIssuersMigration(dialect),
  '0003-issuers-per-account': issuersPerAccountMigration(dialect),
  '0004-store-settings': storeSettingsMigration(dialect),
})

/** Brings the schema up to date; concurrent openers are kept apart by Kysely's migration lock. */
export const migrateToLatest = async <DB>(db: Kysely<DB>, dialect: DialectName): Promise<void> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrationsFor(dialect)) },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`store migration ${failed} failed`, { cause: error })
  }
}
