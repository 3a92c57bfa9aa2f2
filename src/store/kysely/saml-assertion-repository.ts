// Accepted SAML assertions over Kysely: one row per issuer and assertion ID until it expires. The
// primary key decides a race between processes or replicas: the second insert finds the row.

import type { SamlAssertionUse } from '../ports.js'
import type { SamlAssertionRepository } from '../repositories.js'
import { toText } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselySamlAssertionRepository implements SamlAssertionRepository {
  constructor(private readonly session: TransactionSession) {}

  async claim(use: SamlAssertionUse): Promise<boolean> {
    const inserted = await this.session.note('claimSamlAssertion', () =>
      this.session.db
        .insertInto('saml_assertion_uses')
        .values({ use_key: use.key, expires_at: toText(use.expiresAt) })
        .onConflict((oc) => oc.column('use_key').doNothing())
        .executeTakeFirst(),
    )
    return BigInt(inserted.numInsertedOrUpdatedRows ?? 0n) > 0n
  }

  async prune(expiredBefore: Date): Promise<number> {
    const deleted = await this.session.note('pruneSamlAssertions', () =>
      this.session.db
        .deleteFrom('saml_assertion_uses')
        // ISO text of one fixed width sorts as the dates do.
        .where('expires_at', '<', toText(expiredBefore))
        .executeTakeFirst(),
    )
    return Number(deleted.numDeletedRows)
  }
}
