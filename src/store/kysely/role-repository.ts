// IAM roles with their trust policies and last use, over Kysely.

import type { NamePage, RoleRecord } from '../ports.js'
import type { RoleRepository } from '../repositories.js'
import { nameKey, roleRecord, roleRow } from './records.js'
import { countInAccount, selectNamePage } from './name-pages.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyRoleRepository implements RoleRepository {
  constructor(private readonly session: TransactionSession) {}

  getByName(accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('roles')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(roleName))
        .executeTakeFirst()
      return row && roleRecord(row)
    })
  }

  getById(roleId: string): Promise<RoleRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('roles')
        .selectAll()
        .where('role_id', '=', roleId)
        .executeTakeFirst()
      return row && roleRecord(row)
    })
  }

  list(accountId: string, page?: NamePage): Promise<RoleRecord[]> {
    return this.session.read(async () =>
      (await selectNamePage(this.session.db, 'roles', accountId, page)).map(roleRecord),
    )
  }

  count(accountId: string): Promise<number> {
    return this.session.read(() => countInAccount(this.session.db, 'roles', accountId))
  }

  insert(role: RoleRecord): Promise<void> {
    return this.session.write('insertRole', () =>
      this.session.db.insertInto('roles').values(roleRow(role)).execute(),
    )
  }

  update(role: RoleRecord): Promise<void> {
    const row = roleRow(role)
    return this.session.write('updateRole', () =>
      this.session.db
        .updateTable('roles')
        .set({
          role_name: row.role_name,
          name_key: row.name_key,
          path: row.path,
          arn: row.arn,
          assume_role_policy_document: row.assume_role_policy_document,
          description: row.description,
          max_session_duration: row.max_session_duration,
          permissions_boundary_arn: row.permissions_boundary_arn,
          tags: row.tags,
          last_used_date: row.last_used_date,
          last_used_region: row.last_used_region,
        })
        .where('role_id', '=', role.roleId)
        .execute(),
    )
  }

  delete(roleId: string): Promise<void> {
    return this.session.write('deleteRole', () =>
      this.session.db.deleteFrom('roles').where('role_id', '=', roleId).execute(),
    )
  }
}
