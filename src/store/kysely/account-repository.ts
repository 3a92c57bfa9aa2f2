// Accounts and their aliases over Kysely: an account has at most one alias, unique across all
// accounts.

import type { AccountRecord } from '../ports.js'
import type { AccountRepository } from '../repositories.js'
import { fromText, toText } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyAccountRepository implements AccountRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accountId: string): Promise<AccountRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('accounts')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return row && { accountId: row.account_id, createDate: fromText(row.create_date) }
    })
  }

  insert(account: AccountRecord): Promise<void> {
    return this.session.write('insertAccount', () =>
      this.session.db
        .insertInto('accounts')
        .values({ account_id: account.accountId, create_date: toText(account.createDate) })
        .execute(),
    )
  }

  listAliases(accountId: string): Promise<string[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('account_aliases')
        .select('alias')
        .where('account_id', '=', accountId)
        .orderBy('alias')
        .execute()
      return rows.map((r) => r.alias)
    })
  }

  findByAlias(alias: string): Promise<string | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('account_aliases')
        .select('account_id')
        .where('alias', '=', alias)
        .executeTakeFirst()
      return row?.account_id
    })
  }

  insertAlias(accountId: string, alias: string): Promise<void> {
    return this.session.write('insertAccountAlias', () =>
      this.session.db
        .insertInto('account_aliases')
        .values({ alias, account_id: accountId })
        .execute(),
    )
  }

  deleteAlias(accountId: string, alias: string): Promise<void> {
    return this.session.write('deleteAccountAlias', () =>
      this.session.db
        .deleteFrom('account_aliases')
        .where('account_id', '=', accountId)
        .where('alias', '=', alias)
        .execute(),
    )
  }
}
