// Built-in OIDC issuers per account and their signing keys over Kysely, newest key first; private
// keys are sealed at rest.

import type { IssuerKeyRecord, IssuerRecord } from '../ports.js'
import type { IssuerRepository } from '../repositories.js'
import { issuerKeyRecord, issuerKeyRow, issuerRecord, issuerRow } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyIssuerRepository implements IssuerRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accountId: string, name: string): Promise<IssuerRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('issuers')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .executeTakeFirst()
      return row && issuerRecord(row)
    })
  }

  /** By name, bytewise: names are case-sensitive, so `Zed` comes before `alpha`. */
  list(accountId: string): Promise<IssuerRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('issuers')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name')
        .execute()
      return rows.map(issuerRecord)
    })
  }

  insert(issuer: IssuerRecord): Promise<void> {
    return this.session.write('insertIssuer', () =>
      this.session.db.insertInto('issuers').values(issuerRow(issuer)).execute(),
    )
  }

  /** Deletes the issuer and, with it, every key it still has. */
  delete(accountId: string, name: string): Promise<void> {
    return this.session.write('deleteIssuer', () =>
      this.session.db
        .deleteFrom('issuers')
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .execute(),
    )
  }

  /** Newest first; keys made in the same millisecond come by kid, highest first. */
  listKeys(accountId: string, issuerName: string): Promise<IssuerKeyRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('issuer_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('issuer_name', '=', issuerName)
        .orderBy('create_date', 'desc')
        .orderBy('kid', 'desc')
        .execute()
      return rows.map((row) => issuerKeyRecord(this.session.sealed.openIssuerKey(row)))
    })
  }

  /** Refused with StoreReferenceError when the issuer does not exist. */
  insertKey(key: IssuerKeyRecord): Promise<void> {
    return this.session.write('insertIssuerKey', () =>
      this.session.db
        .insertInto('issuer_keys')
        .values(this.session.sealed.sealIssuerKey(issuerKeyRow(key)))
        .execute(),
    )
  }

  /** Replaces the retire date; the key material, algorithm and creation date never change. */
  updateKey(key: IssuerKeyRecord): Promise<void> {
    const row = issuerKeyRow(key)
    return this.session.write('updateIssuerKey', () =>
      this.session.db
        .updateTable('issuer_keys')
        .set({ retire_date: row.retire_date })
        .where('account_id', '=', key.accountId)
        .where('issuer_name', '=', key.issuerName)
        .where('kid', '=', key.kid)
        .execute(),
    )
  }

  deleteKey(accountId: string, issuerName: string, kid: string): Promise<void> {
    return this.session.write('deleteIssuerKey', () =>
      this.session.db
        .deleteFrom('issuer_keys')
        .where('account_id', '=', accountId)
        .where('issuer_name', '=', issuerName)
        .where('kid', '=', kid)
        .execute(),
    )
  }
}
