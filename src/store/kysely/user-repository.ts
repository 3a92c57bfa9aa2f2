// IAM users over Kysely; names are unique per account without regard to case.

import type { NamePage, UserRecord } from '../ports.js'
import type { UserRepository } from '../repositories.js'
import { nameKey, userRecord, userRow } from './records.js'
import { countInAccount, selectNamePage } from './name-pages.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyUserRepository implements UserRepository {
  constructor(private readonly session: TransactionSession) {}

  getByName(accountId: string, userName: string): Promise<UserRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('users')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(userName))
        .executeTakeFirst()
      return row && userRecord(row)
    })
  }

  getById(userId: string): Promise<UserRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('users')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row && userRecord(row)
    })
  }

  list(accountId: string, page?: NamePage): Promise<UserRecord[]> {
    return this.session.read(async () =>
      (await selectNamePage(this.session.db, 'users', accountId, page)).map(userRecord),
    )
  }

  count(accountId: string): Promise<number> {
    return this.session.read(() => countInAccount(this.session.db, 'users', accountId))
  }

  insert(user: UserRecord): Promise<void> {
    return this.session.write('insertUser', () =>
      this.session.db.insertInto('users').values(userRow(user)).execute(),
    )
  }

  update(user: UserRecord): Promise<void> {
    const row = userRow(user)
    return this.session.write('updateUser', () =>
      this.session.db
        .updateTable('users')
        .set({
          user_name: row.user_name,
          name_key: row.name_key,
          path: row.path,
          arn: row.arn,
          permissions_boundary_arn: row.permissions_boundary_arn,
          tags: row.tags,
        })
        .where('user_id', '=', user.userId)
        .execute(),
    )
  }

  delete(userId: string): Promise<void> {
    return this.session.write('deleteUser', () =>
      this.session.db.deleteFrom('users').where('user_id', '=', userId).execute(),
    )
  }
}
