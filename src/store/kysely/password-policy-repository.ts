// Each account's custom password policy over Kysely: one row per account, replaced whole.

import type { Selectable } from 'kysely'
import type { PasswordPolicyRecord } from '../ports.js'
import type { PasswordPolicyRepository } from '../repositories.js'
import type { AccountPasswordPoliciesTable } from './schema.js'
import type { TransactionSession } from './transaction-session.js'

const flag = (value: boolean): number => (value ? 1 : 0)
const isSet = (value: number): boolean => Number(value) === 1

const passwordPolicyRow = (policy: PasswordPolicyRecord): AccountPasswordPoliciesTable => ({
  account_id: policy.accountId,
  minimum_password_length: policy.minimumPasswordLength,
  require_symbols: flag(policy.requireSymbols),
  require_numbers: flag(policy.requireNumbers),
  require_uppercase_characters: flag(policy.requireUppercaseCharacters),
  require_lowercase_characters: flag(policy.requireLowercaseCharacters),
  allow_users_to_change_password: flag(policy.allowUsersToChangePassword),
  max_password_age: policy.maxPasswordAge,
  password_reuse_prevention: policy.passwordReusePrevention,
  hard_expiry: flag(policy.hardExpiry),
})

const passwordPolicyRecord = (
  row: Selectable<AccountPasswordPoliciesTable>,
): PasswordPolicyRecord => ({
  accountId: row.account_id,
  minimumPasswordLength: Number(row.minimum_password_length),
  requireSymbols: isSet(row.require_symbols),
  requireNumbers: isSet(row.require_numbers),
  requireUppercaseCharacters: isSet(row.require_uppercase_characters),
  requireLowercaseCharacters: isSet(row.require_lowercase_characters),
  allowUsersToChangePassword: isSet(row.allow_users_to_change_password),
  maxPasswordAge: row.max_password_age === null ? null : Number(row.max_password_age),
  passwordReusePrevention:
    row.password_reuse_prevention === null ? null : Number(row.password_reuse_prevention),
  hardExpiry: isSet(row.hard_expiry),
})

export class KyselyPasswordPolicyRepository implements PasswordPolicyRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accountId: string): Promise<PasswordPolicyRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('account_password_policies')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return row && passwordPolicyRecord(row)
    })
  }

  put(policy: PasswordPolicyRecord): Promise<void> {
    const row = passwordPolicyRow(policy)
    return this.session.write('putPasswordPolicy', () =>
      this.session.db
        .insertInto('account_password_policies')
        .values(row)
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet({
            minimum_password_length: row.minimum_password_length,
            require_symbols: row.require_symbols,
            require_numbers: row.require_numbers,
            require_uppercase_characters: row.require_uppercase_characters,
            require_lowercase_characters: row.require_lowercase_characters,
            allow_users_to_change_password: row.allow_users_to_change_password,
            max_password_age: row.max_password_age,
            password_reuse_prevention: row.password_reuse_prevention,
            hard_expiry: row.hard_expiry,
          }),
        )
        .execute(),
    )
  }

  delete(accountId: string): Promise<void> {
    return this.session.write('deletePasswordPolicy', () =>
      this.session.db
        .deleteFrom('account_password_policies')
        .where('account_id', '=', accountId)
        .execute(),
    )
  }
}
