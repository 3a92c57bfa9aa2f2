// Each account's latest credential report over Kysely: one row per account, replaced on generation.

import type { CredentialReportRecord } from '../ports.js'
import type { CredentialReportRepository } from '../repositories.js'
import { fromText, toText } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyCredentialReportRepository implements CredentialReportRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accountId: string): Promise<CredentialReportRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('credential_reports')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return (
        row && {
          accountId: row.account_id,
          generatedTime: fromText(row.generated_time),
          content: row.content,
        }
      )
    })
  }

  put(report: CredentialReportRecord): Promise<void> {
    const generated = toText(report.generatedTime)
    return this.session.write('putCredentialReport', () =>
      this.session.db
        .insertInto('credential_reports')
        .values({
          account_id: report.accountId,
          generated_time: generated,
          content: report.content,
        })
        .onConflict((oc) =>
          oc
            .column('account_id')
            .doUpdateSet({ generated_time: generated, content: report.content }),
        )
        .execute(),
    )
  }
}
