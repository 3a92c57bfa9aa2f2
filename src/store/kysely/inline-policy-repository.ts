// Inline policies embedded in users, groups and roles over Kysely; names match without regard to
// case.

import type { EntityType, InlinePolicyRecord } from '../ports.js'
import type { InlinePolicyRepository } from '../repositories.js'
import { inlinePolicyRecord, inlinePolicyRow, nameKey } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyInlinePolicyRepository implements InlinePolicyRepository {
  constructor(private readonly session: TransactionSession) {}

  get(
    entityType: EntityType,
    entityId: string,
    policyName: string,
  ): Promise<InlinePolicyRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('inline_policies')
        .selectAll()
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .where('name_key', '=', nameKey(policyName))
        .executeTakeFirst()
      return row && inlinePolicyRecord(row)
    })
  }

  list(entityType: EntityType, entityId: string): Promise<InlinePolicyRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('inline_policies')
        .selectAll()
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('name_key')
        .execute()
      return rows.map(inlinePolicyRecord)
    })
  }

  /** Replacing keeps one policy per name (any case) and takes the name as last written. */
  put(policy: InlinePolicyRecord): Promise<void> {
    const row = inlinePolicyRow(policy)
    return this.session.write('putInlinePolicy', () =>
      this.session.db
        .insertInto('inline_policies')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['entity_type', 'entity_id', 'name_key'])
            .doUpdateSet({ policy_name: row.policy_name, document: row.document }),
        )
        .execute(),
    )
  }

  delete(entityType: EntityType, entityId: string, policyName: string): Promise<void> {
    return this.session.write('deleteInlinePolicy', () =>
      this.session.db
        .deleteFrom('inline_policies')
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .where('name_key', '=', nameKey(policyName))
        .execute(),
    )
  }
}
