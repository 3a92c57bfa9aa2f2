// Managed policies attached to users, groups and roles over Kysely, by the entity's id.

import { sql } from 'kysely'
import type { AttachedEntity, AttachmentRecord, EntityType, PolicyUses } from '../ports.js'
import type { AttachmentRepository } from '../repositories.js'
import { entityRef } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyAttachmentRepository implements AttachmentRepository {
  constructor(private readonly session: TransactionSession) {}

  /** Attaching an attached policy again is a no-op that keeps its place, as in AWS. */
  attach(attachment: AttachmentRecord): Promise<void> {
    return this.session.write('attachPolicy', () =>
      this.session.db
        .insertInto('policy_attachments')
        .values({
          ...entityRef(attachment.accountId, attachment.entityType, attachment.entityId),
          policy_arn: attachment.policyArn,
        })
        .onConflict((oc) => oc.columns(['entity_type', 'entity_id', 'policy_arn']).doNothing())
        .execute(),
    )
  }

  detach(attachment: AttachmentRecord): Promise<void> {
    return this.session.write('detachPolicy', () =>
      this.session.db
        .deleteFrom('policy_attachments')
        .where('entity_type', '=', attachment.entityType)
        .where('entity_id', '=', attachment.entityId)
        .where('policy_arn', '=', attachment.policyArn)
        .execute(),
    )
  }

  listForEntity(entityType: EntityType, entityId: string): Promise<string[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('policy_attachments')
        .select('policy_arn')
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('seq')
        .execute()
      return rows.map((r) => r.policy_arn)
    })
  }

  /** Users first, then groups, then roles, each by name. */
  listEntities(accountId: string, policyArn: string): Promise<AttachedEntity[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('policy_attachments as a')
        .leftJoin('users as u', 'u.user_id', 'a.user_id')
        .leftJoin('groups as g', 'g.group_id', 'a.group_id')
        .leftJoin('roles as r', 'r.role_id', 'a.role_id')
        .select((eb) => [
          'a.entity_type',
          'a.entity_id',
          eb.fn.coalesce('u.user_name', 'g.group_name', 'r.role_name').as('entity_name'),
        ])
        .where('a.account_id', '=', accountId)
        .where('a.policy_arn', '=', policyArn)
        .orderBy(
          sql`case ${sql.ref('a.entity_type')} when 'user' then 0 when 'group' then 1 else 2 end`,
        )
        .orderBy((eb) => eb.fn.coalesce('u.name_key', 'g.name_key', 'r.name_key'))
        .execute()
      return rows.map((r) => ({
        entityType: r.entity_type,
        entityId: r.entity_id,
        entityName: r.entity_name ?? '',
      }))
    })
  }

  countUses(accountId: string, policyArns?: readonly string[]): Promise<PolicyUses> {
    return this.session.read(async () => {
      const uses: PolicyUses = { attachments: new Map(), boundaries: new Map() }
      if (policyArns !== undefined && policyArns.length === 0) return uses
      const { db } = this.session
      let attached = db
        .selectFrom('policy_attachments')
        .select(['policy_arn as arn', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
        .where('account_id', '=', accountId)
      if (policyArns !== undefined) attached = attached.where('policy_arn', 'in', policyArns)
      for (const row of await attached.groupBy('policy_arn').execute()) {
        uses.attachments.set(row.arn, Number(row.n))
      }
      for (const table of ['users', 'roles'] as const) {
        let bounded = db
          .selectFrom(table as 'users')
          .select([
            'permissions_boundary_arn as arn',
            (eb) => eb.fn.countAll<number | string | bigint>().as('n'),
          ])
          .where('account_id', '=', accountId)
          .where('permissions_boundary_arn', 'is not', null)
        if (policyArns !== undefined) {
          bounded = bounded.where('permissions_boundary_arn', 'in', policyArns)
        }
        for (const row of await bounded.groupBy('permissions_boundary_arn').execute()) {
          if (row.arn === null) continue
          uses.boundaries.set(row.arn, (uses.boundaries.get(row.arn) ?? 0) + Number(row.n))
        }
      }
      return uses
    })
  }

  listInAccount(accountId: string): Promise<AttachmentRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('policy_attachments')
        .select(['account_id', 'entity_type', 'entity_id', 'policy_arn'])
        .where('account_id', '=', accountId)
        .orderBy('seq')
        .execute()
      return rows.map((r) => ({
        accountId: r.account_id,
        entityType: r.entity_type,
        entityId: r.entity_id,
        policyArn: r.policy_arn,
      }))
    })
  }
}
