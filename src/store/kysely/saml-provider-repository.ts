// IAM SAML identity providers over Kysely, by ARN.

import type { SamlProviderRecord } from '../ports.js'
import type { SamlProviderRepository } from '../repositories.js'
import { samlProviderRecord, samlProviderRow } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselySamlProviderRepository implements SamlProviderRepository {
  constructor(private readonly session: TransactionSession) {}

  get(arn: string): Promise<SamlProviderRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('saml_providers')
        .selectAll()
        .where('arn', '=', arn)
        .executeTakeFirst()
      return row && samlProviderRecord(row)
    })
  }

  /** By name. */
  list(accountId: string): Promise<SamlProviderRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('saml_providers')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name_key')
        .execute()
      return rows.map(samlProviderRecord)
    })
  }

  insert(provider: SamlProviderRecord): Promise<void> {
    return this.session.write('insertSamlProvider', () =>
      this.session.db.insertInto('saml_providers').values(samlProviderRow(provider)).execute(),
    )
  }

  /** Replaces metadata, certificates, entity id, expiry and tags; the name (and ARN) is fixed. */
  update(provider: SamlProviderRecord): Promise<void> {
    const row = samlProviderRow(provider)
    return this.session.write('updateSamlProvider', () =>
      this.session.db
        .updateTable('saml_providers')
        .set({
          metadata_document: row.metadata_document,
          certificates: row.certificates,
          entity_id: row.entity_id,
          valid_until: row.valid_until,
          tags: row.tags,
        })
        .where('arn', '=', provider.arn)
        .execute(),
    )
  }

  delete(arn: string): Promise<void> {
    return this.session.write('deleteSamlProvider', () =>
      this.session.db.deleteFrom('saml_providers').where('arn', '=', arn).execute(),
    )
  }
}
