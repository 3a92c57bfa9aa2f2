// IAM OIDC identity providers over Kysely, by ARN; a URL is unique per account.

import type { OidcProviderRecord } from '../ports.js'
import type { OidcProviderRepository } from '../repositories.js'
import { listToText, oidcProviderRecord, oidcProviderRow, tagsToText } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyOidcProviderRepository implements OidcProviderRepository {
  constructor(private readonly session: TransactionSession) {}

  get(arn: string): Promise<OidcProviderRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('oidc_providers')
        .selectAll()
        .where('arn', '=', arn)
        .executeTakeFirst()
      return row && oidcProviderRecord(row)
    })
  }

  /** By URL. */
  list(accountId: string): Promise<OidcProviderRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('oidc_providers')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('url')
        .execute()
      return rows.map(oidcProviderRecord)
    })
  }

  listByUrl(url: string): Promise<OidcProviderRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('oidc_providers')
        .selectAll()
        .where('url', '=', url)
        .orderBy('arn')
        .execute()
      return rows.map(oidcProviderRecord)
    })
  }

  insert(provider: OidcProviderRecord): Promise<void> {
    return this.session.write('insertOidcProvider', () =>
      this.session.db.insertInto('oidc_providers').values(oidcProviderRow(provider)).execute(),
    )
  }

  /** Replaces client ids, thumbprints and tags; the URL (and so the ARN) is fixed. */
  update(provider: OidcProviderRecord): Promise<void> {
    return this.session.write('updateOidcProvider', () =>
      this.session.db
        .updateTable('oidc_providers')
        .set({
          client_ids: listToText(provider.clientIds),
          thumbprints: listToText(provider.thumbprints),
          tags: tagsToText(provider.tags),
        })
        .where('arn', '=', provider.arn)
        .execute(),
    )
  }

  delete(arn: string): Promise<void> {
    return this.session.write('deleteOidcProvider', () =>
      this.session.db.deleteFrom('oidc_providers').where('arn', '=', arn).execute(),
    )
  }
}
