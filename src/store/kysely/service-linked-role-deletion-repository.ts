// Service-linked role deletion tasks over Kysely, by task id.

import type { DeletionTaskStatus, ServiceLinkedRoleDeletionRecord } from '../ports.js'
import type { ServiceLinkedRoleDeletionRepository } from '../repositories.js'
import { fromText, toText } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyServiceLinkedRoleDeletionRepository implements ServiceLinkedRoleDeletionRepository {
  constructor(private readonly session: TransactionSession) {}

  get(deletionTaskId: string): Promise<ServiceLinkedRoleDeletionRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('service_linked_role_deletions')
        .selectAll()
        .where('deletion_task_id', '=', deletionTaskId)
        .executeTakeFirst()
      return (
        row && {
          deletionTaskId: row.deletion_task_id,
          accountId: row.account_id,
          status: row.status as DeletionTaskStatus,
          createDate: fromText(row.create_date),
        }
      )
    })
  }

  insert(task: ServiceLinkedRoleDeletionRecord): Promise<void> {
    return this.session.write('insertServiceLinkedRoleDeletion', () =>
      this.session.db
        .insertInto('service_linked_role_deletions')
        .values({
          deletion_task_id: task.deletionTaskId,
          account_id: task.accountId,
          status: task.status,
          create_date: toText(task.createDate),
        })
        .execute(),
    )
  }
}
