// Customer managed policies and their versions over Kysely (AWS managed ones live in a read-only
// catalogue).

import { sql } from 'kysely'
import type { ManagedPolicyRecord, NamePage, PolicyVersionRecord } from '../ports.js'
import type { PolicyRepository } from '../repositories.js'
import { policyRecord, policyRow, policyVersionRecord, policyVersionRow } from './records.js'
import { countInAccount, selectNamePage } from './name-pages.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyPolicyRepository implements PolicyRepository {
  constructor(private readonly session: TransactionSession) {}

  get(policyArn: string): Promise<ManagedPolicyRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('policies')
        .selectAll()
        .where('arn', '=', policyArn)
        .executeTakeFirst()
      return row && policyRecord(row)
    })
  }

  list(accountId: string, page?: NamePage): Promise<ManagedPolicyRecord[]> {
    return this.session.read(async () =>
      (await selectNamePage(this.session.db, 'policies', accountId, page)).map(policyRecord),
    )
  }

  count(accountId: string): Promise<number> {
    return this.session.read(() => countInAccount(this.session.db, 'policies', accountId))
  }

  countVersions(accountId: string): Promise<number> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('policy_versions')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    })
  }

  insert(policy: ManagedPolicyRecord): Promise<void> {
    return this.session.write('insertPolicy', () =>
      this.session.db.insertInto('policies').values(policyRow(policy)).execute(),
    )
  }

  /**
   * Replaces what a policy's life changes (description, default and next version, update date,
   * tags) of the policy with this ARN; its name, path and ARN are fixed at creation, as in AWS.
   */
  update(policy: ManagedPolicyRecord): Promise<void> {
    const row = policyRow(policy)
    return this.session.write('updatePolicy', () =>
      this.session.db
        .updateTable('policies')
        .set({
          description: row.description,
          default_version_id: row.default_version_id,
          next_version_number: row.next_version_number,
          update_date: row.update_date,
          tags: row.tags,
        })
        .where('arn', '=', policy.arn)
        .execute(),
    )
  }

  /** Deletes the policy and, with it, every version it still has. */
  delete(policyArn: string): Promise<void> {
    return this.session.write('deletePolicy', () =>
      this.session.db.deleteFrom('policies').where('arn', '=', policyArn).execute(),
    )
  }

  getVersion(policyArn: string, versionId: string): Promise<PolicyVersionRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('policy_versions')
        .selectAll()
        .where('policy_arn', '=', policyArn)
        .where('version_id', '=', versionId)
        .executeTakeFirst()
      return row && policyVersionRecord(row)
    })
  }

  listVersions(policyArn: string): Promise<PolicyVersionRecord[]> {
    return this.session.read(async () => {
      // Versions made in the same millisecond still come out v2 before v10.
      const rows = await this.session.db
        .selectFrom('policy_versions')
        .selectAll()
        .where('policy_arn', '=', policyArn)
        .orderBy('create_date')
        .orderBy(sql`length(version_id)`)
        .orderBy('version_id')
        .execute()
      return rows.map(policyVersionRecord)
    })
  }

  insertVersion(version: PolicyVersionRecord): Promise<void> {
    return this.session.write('insertPolicyVersion', () =>
      this.session.db.insertInto('policy_versions').values(policyVersionRow(version)).execute(),
    )
  }

  deleteVersion(policyArn: string, versionId: string): Promise<void> {
    return this.session.write('deletePolicyVersion', () =>
      this.session.db
        .deleteFrom('policy_versions')
        .where('policy_arn', '=', policyArn)
        .where('version_id', '=', versionId)
        .execute(),
    )
  }
}
