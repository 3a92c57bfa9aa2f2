// Every schema migration, listed here rather than found on disk, so the compiled dist/ needs no
// directory scanning; Kysely's Migrator applies the pending ones in name order.

import { Migrator } from 'kysely'
import type { Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'
import { initialMigration } from './0001-initial.js'
import { keyringAndIssuersMigration } from './0002-keyring-and-issuers.js'
import { issuersPerAccountMigration } from './0003-issuers-per-account.js'
import { storeSettingsMigration } from './0004-store-settings.js'
import { instanceProfilesAndPasswordsMigration } from './0005-instance-profiles-and-passwords.js'
import { mfaDevicesMigration } from './0006-mfa-devices.js'
import { credentialReportsAndDeletionTasksMigration } from './0007-credential-reports-and-deletion-tasks.js'
import { clustersMigration } from './0008-clusters.js'
import { samlAssertionUsesMigration } from './0009-saml-assertion-uses.js'
import { identityProviderMigration } from './0010-identity-provider.js'
import { clusterWebhookTokensMigration } from './0012-cluster-webhook-tokens.js'

export const migrationsFor = (dialect: DialectName): Record<string, Migration> => ({
  '0001-initial': initialMigration(dialect),
  '0002-keyring-and-issuers': keyringAndIssuersMigration(dialect),
  '0003-issuers-per-account': issuersPerAccountMigration(dialect),
  '0004-store-settings': storeSettingsMigration(dialect),
  '0005-instance-profiles-and-passwords': instanceProfilesAndPasswordsMigration(dialect),
  '0006-mfa-devices': mfaDevicesMigration(dialect),
  '0007-credential-reports-and-deletion-tasks': credentialReportsAndDeletionTasksMigration(dialect),
  '0008-clusters': clustersMigration(dialect),
  '0009-saml-assertion-uses': samlAssertionUsesMigration(dialect),
  '0010-identity-provider': identityProviderMigration(dialect),
  '0012-cluster-webhook-tokens': clusterWebhookTokensMigration(dialect),
})

const migratorFor = <DB>(db: Kysely<DB>, dialect: DialectName): Migrator =>
  new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrationsFor(dialect)) },
  })

/** Brings the schema up to date; concurrent openers are kept apart by Kysely's migration lock. */
export const migrateToLatest = async <DB>(db: Kysely<DB>, dialect: DialectName): Promise<void> => {
  const { error, results } = await migratorFor(db, dialect).migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`store migration ${failed} failed`, { cause: error })
  }
}

/**
 * For a reader that may not migrate (rolegate explain): throws unless every migration has run.
 * Only reads: Kysely looks for its migration table before selecting from it.
 */
export const requireCurrentSchema = async <DB>(
  db: Kysely<DB>,
  dialect: DialectName,
): Promise<void> => {
  const migrations = await migratorFor(db, dialect).getMigrations()
  const pending = migrations.filter((m) => m.executedAt === undefined).map((m) => m.name)
  if (pending.length === migrations.length) {
    throw new Error('no rolegate database there: `rolegate serve` creates one')
  }
  if (pending.length > 0) {
    throw new Error(
      `the rolegate database is older than this rolegate (pending migrations: ${pending.join(', ')}); \`rolegate serve\` migrates it`,
    )
  }
}
