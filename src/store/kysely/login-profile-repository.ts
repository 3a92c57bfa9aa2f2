// Users' console passwords over Kysely, one row per user, holding only scrypt hashes.

import type { Selectable } from 'kysely'
import type { LoginProfileRecord } from '../ports.js'
import type { LoginProfileRepository } from '../repositories.js'
import { fromText, listFromText, listToText, toText } from './records.js'
import type { LoginProfilesTable } from './schema.js'
import type { TransactionSession } from './transaction-session.js'

const loginProfileRow = (profile: LoginProfileRecord): LoginProfilesTable => ({
  user_id: profile.userId,
  account_id: profile.accountId,
  create_date: toText(profile.createDate),
  password_hash: profile.passwordHash,
  password_reset_required: profile.passwordResetRequired ? 1 : 0,
  password_last_changed: toText(profile.passwordLastChanged),
  password_history: listToText(profile.passwordHistory),
})

const loginProfileRecord = (row: Selectable<LoginProfilesTable>): LoginProfileRecord => ({
  accountId: row.account_id,
  userId: row.user_id,
  createDate: fromText(row.create_date),
  passwordHash: row.password_hash,
  // PostgreSQL's integer and SQLite's both come back as numbers.
  passwordResetRequired: Number(row.password_reset_required) === 1,
  passwordLastChanged: fromText(row.password_last_changed),
  passwordHistory: listFromText(row.password_history),
})

export class KyselyLoginProfileRepository implements LoginProfileRepository {
  constructor(private readonly session: TransactionSession) {}

  get(userId: string): Promise<LoginProfileRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('login_profiles')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row && loginProfileRecord(row)
    })
  }

  insert(profile: LoginProfileRecord): Promise<void> {
    return this.session.write('insertLoginProfile', () =>
      this.session.db.insertInto('login_profiles').values(loginProfileRow(profile)).execute(),
    )
  }

  update(profile: LoginProfileRecord): Promise<void> {
    const row = loginProfileRow(profile)
    return this.session.write('updateLoginProfile', () =>
      this.session.db
        .updateTable('login_profiles')
        .set({
          password_hash: row.password_hash,
          password_reset_required: row.password_reset_required,
          password_last_changed: row.password_last_changed,
          password_history: row.password_history,
        })
        .where('user_id', '=', profile.userId)
        .execute(),
    )
  }

  delete(userId: string): Promise<void> {
    return this.session.write('deleteLoginProfile', () =>
      this.session.db.deleteFrom('login_profiles').where('user_id', '=', userId).execute(),
    )
  }
}
