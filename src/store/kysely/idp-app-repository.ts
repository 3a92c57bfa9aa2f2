// Each account's AWS Account Federation app over Kysely: its settings (the IAM secret key and the
// cookie key sealed), its signing keys (private keys sealed), newest first, and its assignments.

import type { Selectable } from 'kysely'
import type {
  IdpAppRecord,
  IdpAssignmentRecord,
  IdpPrincipalType,
  IdpSigningKeyRecord,
} from '../idp-records.js'
import type { IdpAppRepository } from '../idp-repositories.js'
import { fromText, toText } from './records.js'
import type { IdpAppsTable, IdpAssignmentsTable, IdpSigningKeysTable } from './schema.js'
import type { TransactionSession } from './transaction-session.js'

const appRow = (app: IdpAppRecord): IdpAppsTable => ({
  account_id: app.accountId,
  create_date: toText(app.createDate),
  access_key_id: app.accessKeyId,
  secret_access_key: app.secretAccessKey,
  provider_arn: app.providerArn,
  session_duration: app.sessionDuration,
  cookie_key: app.cookieKey,
})

const appRecord = (row: Selectable<IdpAppsTable>): IdpAppRecord => ({
  accountId: row.account_id,
  createDate: fromText(row.create_date),
  accessKeyId: row.access_key_id,
  secretAccessKey: row.secret_access_key,
  providerArn: row.provider_arn,
  sessionDuration: Number(row.session_duration),
  cookieKey: row.cookie_key,
})

const keyRow = (key: IdpSigningKeyRecord): IdpSigningKeysTable => ({
  account_id: key.accountId,
  key_id: key.keyId,
  private_key: key.privateKey,
  certificate: key.certificate,
  create_date: toText(key.createDate),
  signing_since: key.signingSince === null ? null : toText(key.signingSince),
  retire_date: key.retireDate === null ? null : toText(key.retireDate),
})

const keyRecord = (row: Selectable<IdpSigningKeysTable>): IdpSigningKeyRecord => ({
  accountId: row.account_id,
  keyId: row.key_id,
  privateKey: row.private_key,
  certificate: row.certificate,
  createDate: fromText(row.create_date),
  signingSince: row.signing_since === null ? null : fromText(row.signing_since),
  retireDate: row.retire_date === null ? null : fromText(row.retire_date),
})

const assignmentRow = (assignment: IdpAssignmentRecord): IdpAssignmentsTable => ({
  account_id: assignment.accountId,
  principal_type: assignment.principalType,
  principal_id: assignment.principalId,
  user_id: assignment.principalType === 'user' ? assignment.principalId : null,
  group_id: assignment.principalType === 'group' ? assignment.principalId : null,
  role_arn: assignment.roleArn,
  create_date: toText(assignment.createDate),
})

const assignmentRecord = (row: Selectable<IdpAssignmentsTable>): IdpAssignmentRecord => ({
  accountId: row.account_id,
  principalType: row.principal_type,
  principalId: row.principal_id,
  roleArn: row.role_arn,
  createDate: fromText(row.create_date),
})

export class KyselyIdpAppRepository implements IdpAppRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accountId: string): Promise<IdpAppRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('idp_apps')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return row && appRecord(this.session.sealed.openIdpApp(row))
    })
  }

  insert(app: IdpAppRecord): Promise<void> {
    return this.session.write('insertIdpApp', () =>
      this.session.db
        .insertInto('idp_apps')
        .values(this.session.sealed.sealIdpApp(appRow(app)))
        .execute(),
    )
  }

  update(app: IdpAppRecord): Promise<void> {
    return this.session.write('updateIdpApp', () =>
      this.session.db
        .updateTable('idp_apps')
        .set({
          access_key_id: app.accessKeyId,
          secret_access_key: this.session.sealed.sealIdpAppSecret(
            app.accountId,
            app.secretAccessKey,
          ),
          provider_arn: app.providerArn,
          session_duration: app.sessionDuration,
        })
        .where('account_id', '=', app.accountId)
        .execute(),
    )
  }

  /** Newest first; keys made in the same millisecond by key id, highest first. */
  listKeys(accountId: string): Promise<IdpSigningKeyRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('idp_signing_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('create_date', 'desc')
        .orderBy('key_id', 'desc')
        .execute()
      return rows.map((row) => keyRecord(this.session.sealed.openIdpSigningKey(row)))
    })
  }

  /** Refused with StoreReferenceError when the account has no app. */
  insertKey(key: IdpSigningKeyRecord): Promise<void> {
    return this.session.write('insertIdpSigningKey', () =>
      this.session.db
        .insertInto('idp_signing_keys')
        .values(this.session.sealed.sealIdpSigningKey(keyRow(key)))
        .execute(),
    )
  }

  updateKey(key: IdpSigningKeyRecord): Promise<void> {
    const row = keyRow(key)
    return this.session.write('updateIdpSigningKey', () =>
      this.session.db
        .updateTable('idp_signing_keys')
        .set({ signing_since: row.signing_since, retire_date: row.retire_date })
        .where('account_id', '=', key.accountId)
        .where('key_id', '=', key.keyId)
        .execute(),
    )
  }

  deleteKey(accountId: string, keyId: string): Promise<void> {
    return this.session.write('deleteIdpSigningKey', () =>
      this.session.db
        .deleteFrom('idp_signing_keys')
        .where('account_id', '=', accountId)
        .where('key_id', '=', keyId)
        .execute(),
    )
  }

  listAssignments(accountId: string): Promise<IdpAssignmentRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('idp_assignments')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('principal_type')
        .orderBy('principal_id')
        .orderBy('role_arn')
        .execute()
      return rows.map(assignmentRecord)
    })
  }

  /** Refused with StoreReferenceError when the user or group does not exist. */
  assign(assignment: IdpAssignmentRecord): Promise<void> {
    return this.session.write('assignIdpRole', () =>
      this.session.db
        .insertInto('idp_assignments')
        .values(assignmentRow(assignment))
        .onConflict((oc) => oc.columns(['principal_type', 'principal_id', 'role_arn']).doNothing())
        .execute(),
    )
  }

  unassign(principalType: IdpPrincipalType, principalId: string, roleArn: string): Promise<void> {
    return this.session.write('unassignIdpRole', () =>
      this.session.db
        .deleteFrom('idp_assignments')
        .where('principal_type', '=', principalType)
        .where('principal_id', '=', principalId)
        .where('role_arn', '=', roleArn)
        .execute(),
    )
  }
}
