// The columns that hold secrets, sealed on the way in and opened on the way out, each bound to its
// row; and what sealing needs once per database: a check value that tells at start whether the
// configured master key is the one the database was sealed with, the upgrade of a database made
// before secrets were sealed, and re-sealing everything under a new master key.

import type { Kysely, Selectable } from 'kysely'
import type { ResealCount } from '../ports.js'
import type { SecretSealer } from '../secrets/master-keyring.js'
import { SecretUnreadableError } from '../secrets/master-keyring.js'
import type {
  AccessKeysTable,
  ClustersTable,
  Database,
  IdpAppsTable,
  IdpSigningKeysTable,
  IdpUsersTable,
  IssuerKeysTable,
  MfaDevicesTable,
  SessionKeysTable,
} from './schema.js'

const accessKeyContext = (row: { access_key_id: string }) => `access-key/${row.access_key_id}`
const sessionKeyContext = (row: { key_id: string }) => `session-key/${row.key_id}`
const issuerKeyContext = (row: { account_id: string; issuer_name: string; kid: string }) =>
  `issuer-key/${row.account_id}/${row.issuer_name}/${row.kid}`
const mfaSeedContext = (row: { serial_number: string }) => `mfa-device/${row.serial_number}`
const idpTotpContext = (row: { user_id: string }) => `idp-user/${row.user_id}/totp`
const idpAppKeyContext = (row: { account_id: string }) => `idp-app/${row.account_id}/access-key`
const idpCookieContext = (row: { account_id: string }) => `idp-app/${row.account_id}/cookie-key`
const idpSigningContext = (row: { account_id: string; key_id: string }) =>
  `idp-signing-key/${row.account_id}/${row.key_id}`
const clusterWebhookContext = (row: { account_id: string; name: string }) =>
  `cluster/${row.account_id}/${row.name}/webhook-token`

/** Seals and opens the secret column of each table's rows. */
export class SealedColumns {
  constructor(readonly sealer: SecretSealer) {}

  sealAccessKey<R extends AccessKeysTable>(row: R): R {
    return {
      ...row,
      secret_access_key: this.sealer.seal(row.secret_access_key, accessKeyContext(row)),
    }
  }

  openAccessKey<R extends Selectable<AccessKeysTable>>(row: R): R {
    return {
      ...row,
      secret_access_key: this.sealer.open(row.secret_access_key, accessKeyContext(row)),
    }
  }

  sealSessionKey<R extends SessionKeysTable>(row: R): R {
    return { ...row, secret: this.sealer.seal(row.secret, sessionKeyContext(row)) }
  }

  openSessionKey<R extends Selectable<SessionKeysTable>>(row: R): R {
    return { ...row, secret: this.sealer.open(row.secret, sessionKeyContext(row)) }
  }

  sealIssuerKey<R extends IssuerKeysTable>(row: R): R {
    return { ...row, private_jwk: this.sealer.seal(row.private_jwk, issuerKeyContext(row)) }
  }

  openIssuerKey<R extends Selectable<IssuerKeysTable>>(row: R): R {
    return { ...row, private_jwk: this.sealer.open(row.private_jwk, issuerKeyContext(row)) }
  }

  sealMfaSeed<R extends MfaDevicesTable>(row: R): R {
    return { ...row, seed: this.sealer.seal(row.seed, mfaSeedContext(row)) }
  }

  openMfaSeed<R extends Selectable<MfaDevicesTable>>(row: R): R {
    return { ...row, seed: this.sealer.open(row.seed, mfaSeedContext(row)) }
  }

  sealIdpUser<R extends Pick<IdpUsersTable, 'user_id' | 'totp_seed'>>(row: R): R {
    const seed = row.totp_seed
    return { ...row, totp_seed: seed === null ? null : this.sealer.seal(seed, idpTotpContext(row)) }
  }

  openIdpUser<R extends Pick<Selectable<IdpUsersTable>, 'user_id' | 'totp_seed'>>(row: R): R {
    const seed = row.totp_seed
    return { ...row, totp_seed: seed === null ? null : this.sealer.open(seed, idpTotpContext(row)) }
  }

  sealIdpApp<R extends Pick<IdpAppsTable, 'account_id' | 'secret_access_key' | 'cookie_key'>>(
    row: R,
  ): R {
    const secret = row.secret_access_key
    return {
      ...row,
      secret_access_key: secret === null ? null : this.sealer.seal(secret, idpAppKeyContext(row)),
      cookie_key: this.sealer.seal(row.cookie_key, idpCookieContext(row)),
    }
  }

  openIdpApp<R extends Selectable<IdpAppsTable>>(row: R): R {
    const secret = row.secret_access_key
    return {
      ...row,
      secret_access_key: secret === null ? null : this.sealer.open(secret, idpAppKeyContext(row)),
      cookie_key: this.sealer.open(row.cookie_key, idpCookieContext(row)),
    }
  }

  /** The app's IAM secret key alone, for an update that leaves the cookie key as it is. */
  sealIdpAppSecret(accountId: string, secret: string | null): string | null {
    return secret === null
      ? null
      : this.sealer.seal(secret, idpAppKeyContext({ account_id: accountId }))
  }

  sealIdpSigningKey<R extends IdpSigningKeysTable>(row: R): R {
    return { ...row, private_key: this.sealer.seal(row.private_key, idpSigningContext(row)) }
  }

  openIdpSigningKey<R extends Selectable<IdpSigningKeysTable>>(row: R): R {
    return { ...row, private_key: this.sealer.open(row.private_key, idpSigningContext(row)) }
  }

  /** A cluster's webhook token, bound to the account and name of its cluster. */
  sealClusterWebhookToken(row: { account_id: string; name: string }, token: string): string {
    return this.sealer.seal(token, clusterWebhookContext(row))
  }

  openClusterWebhookToken(row: Pick<ClustersTable, 'account_id' | 'name' | 'webhook_token'>) {
    const sealed = row.webhook_token
    return sealed === null ? undefined : this.sealer.open(sealed, clusterWebhookContext(row))
  }
}

const CHECK_NAME = 'master_key_check'
const CHECK_CONTEXT = 'store-settings/master_key_check'
const CHECK_TEXT = 'rolegate sealed secrets'

/**
 * Seals anew every secret not yet sealed with the sealing key: plaintext left by a release that
 * did not seal (`plaintext: 'seal'`), and values sealed with older master keys. Runs inside the
 * caller's transaction.
 */
export async function resealSecrets(
  db: Kysely<Database>,
  columns: SealedColumns,
  plaintext: 'seal' | 'refuse',
): Promise<ResealCount> {
  const { sealer } = columns
  /** The value sealed with the sealing key, or undefined when it already is. */
  const resealed = (value: string, context: string): string | undefined => {
    const id = sealer.keyIdOf(value)
    if (id === undefined && plaintext === 'refuse') {
      throw new SecretUnreadableError(`the stored secret of ${context} is not sealed`)
    }
    if (id === sealer.sealingKeyId) return undefined
    return sealer.seal(id === undefined ? value : sealer.open(value, context), context)
  }
  const count: ResealCount = {
    accessKeys: 0,
    sessionKeys: 0,
    issuerKeys: 0,
    mfaSeeds: 0,
    idpSecrets: 0,
    clusterWebhookTokens: 0,
  }

  for (const row of await db.selectFrom('access_keys').selectAll().execute()) {
    const value = resealed(row.secret_access_key, accessKeyContext(row))
    if (value === undefined) continue
    await db
      .updateTable('access_keys')
      .set({ secret_access_key: value })
      .where('access_key_id', '=', row.access_key_id)
      .execute()
    count.accessKeys += 1
  }
  for (const row of await db.selectFrom('session_keys').selectAll().execute()) {
    const value = resealed(row.secret, sessionKeyContext(row))
    if (value === undefined) continue
    await db
      .updateTable('session_keys')
      .set({ secret: value })
      .where('key_id', '=', row.key_id)
      .execute()
    count.sessionKeys += 1
  }
  for (const row of await db.selectFrom('issuer_keys').selectAll().execute()) {
    const value = resealed(row.private_jwk, issuerKeyContext(row))
    if (value === undefined) continue
    await db
      .updateTable('issuer_keys')
      .set({ private_jwk: value })
      .where('account_id', '=', row.account_id)
      .where('issuer_name', '=', row.issuer_name)
      .where('kid', '=', row.kid)
      .execute()
    count.issuerKeys += 1
  }
  for (const row of await db.selectFrom('mfa_devices').selectAll().execute()) {
    const value = resealed(row.seed, mfaSeedContext(row))
    if (value === undefined) continue
    await db
      .updateTable('mfa_devices')
      .set({ seed: value })
      .where('serial_number', '=', row.serial_number)
      .execute()
    count.mfaSeeds += 1
  }
  count.idpSecrets = await resealIdpSecrets(db, resealed)
  const clusters = await db
    .selectFrom('clusters')
    .select(['account_id', 'name', 'webhook_token'])
    .where('webhook_token', 'is not', null)
    .execute()
  for (const row of clusters) {
    const value = resealed(row.webhook_token ?? '', clusterWebhookContext(row))
    if (value === undefined) continue
    await db
      .updateTable('clusters')
      .set({ webhook_token: value })
      .where('account_id', '=', row.account_id)
      .where('name', '=', row.name)
      .execute()
    count.clusterWebhookTokens += 1
  }
  await writeCheck(db, sealer)
  return count
}

/** The built-in IdP's sealed columns: TOTP seeds, the apps' IAM secrets and cookie keys, signing keys. */
async function resealIdpSecrets(
  db: Kysely<Database>,
  resealed: (value: string, context: string) => string | undefined,
): Promise<number> {
  let count = 0
  for (const row of await db.selectFrom('idp_users').selectAll().execute()) {
    if (row.totp_seed === null) continue
    const value = resealed(row.totp_seed, idpTotpContext(row))
    if (value === undefined) continue
    await db
      .updateTable('idp_users')
      .set({ totp_seed: value })
      .where('user_id', '=', row.user_id)
      .execute()
    count += 1
  }
  for (const row of await db.selectFrom('idp_apps').selectAll().execute()) {
    const secret =
      row.secret_access_key === null
        ? undefined
        : resealed(row.secret_access_key, idpAppKeyContext(row))
    const cookie = resealed(row.cookie_key, idpCookieContext(row))
    if (secret === undefined && cookie === undefined) continue
    await db
      .updateTable('idp_apps')
      .set({
        ...(secret === undefined ? {} : { secret_access_key: secret }),
        ...(cookie === undefined ? {} : { cookie_key: cookie }),
      })
      .where('account_id', '=', row.account_id)
      .execute()
    count += (secret === undefined ? 0 : 1) + (cookie === undefined ? 0 : 1)
  }
  for (const row of await db.selectFrom('idp_signing_keys').selectAll().execute()) {
    const value = resealed(row.private_key, idpSigningContext(row))
    if (value === undefined) continue
    await db
      .updateTable('idp_signing_keys')
      .set({ private_key: value })
      .where('account_id', '=', row.account_id)
      .where('key_id', '=', row.key_id)
      .execute()
    count += 1
  }
  return count
}

async function writeCheck(db: Kysely<Database>, sealer: SecretSealer): Promise<void> {
  const value = sealer.seal(CHECK_TEXT, CHECK_CONTEXT)
  await db.deleteFrom('store_settings').where('name', '=', CHECK_NAME).execute()
  await db.insertInto('store_settings').values({ name: CHECK_NAME, value }).execute()
}

/**
 * At start: a database whose check value the master keys cannot open was sealed with another key,
 * and is refused before any request; one without a check value has not been sealed yet (new, or
 * made by an earlier release) and is sealed now. Runs inside the caller's transaction; answers
 * whether it wrote.
 */
export async function prepareSealedSecrets(
  db: Kysely<Database>,
  columns: SealedColumns,
  options: { readOnly: boolean },
): Promise<boolean> {
  const check = await db
    .selectFrom('store_settings')
    .select('value')
    .where('name', '=', CHECK_NAME)
    .executeTakeFirst()
  if (check !== undefined) {
    try {
      columns.sealer.open(check.value, CHECK_CONTEXT)
    } catch (error) {
      const id = columns.sealer.keyIdOf(check.value) ?? 'unknown'
      throw new Error(
        `this database's secrets are sealed with master key ${id}, and the configured master key does not open them (${error instanceof Error ? error.message : String(error)}). Start with the master key the database was made with.`,
        { cause: error },
      )
    }
    return false
  }
  if (options.readOnly) return false
  await resealSecrets(db, columns, 'seal')
  return true
}
