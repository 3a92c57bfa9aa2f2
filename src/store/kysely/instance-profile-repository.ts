// Instance profiles over Kysely: names unique per account without regard to case, listed a page
// at a time through the name index, and the one role each may hold referenced by its id.

import type { Selectable } from 'kysely'
import type { InstanceProfileRecord, NamePage } from '../ports.js'
import type { InstanceProfileRepository } from '../repositories.js'
import { fromText, nameKey, tagsFromText, tagsToText, toText } from './records.js'
import { countInAccount, selectNamePage } from './name-pages.js'
import type { InstanceProfilesTable } from './schema.js'
import type { TransactionSession } from './transaction-session.js'

const instanceProfileRow = (profile: InstanceProfileRecord): InstanceProfilesTable => ({
  instance_profile_id: profile.instanceProfileId,
  account_id: profile.accountId,
  instance_profile_name: profile.instanceProfileName,
  name_key: nameKey(profile.instanceProfileName),
  path: profile.path,
  arn: profile.arn,
  create_date: toText(profile.createDate),
  tags: tagsToText(profile.tags),
  role_id: profile.roleId,
})

const instanceProfileRecord = (row: Selectable<InstanceProfilesTable>): InstanceProfileRecord => ({
  accountId: row.account_id,
  instanceProfileId: row.instance_profile_id,
  instanceProfileName: row.instance_profile_name,
  path: row.path,
  arn: row.arn,
  createDate: fromText(row.create_date),
  tags: tagsFromText(row.tags),
  roleId: row.role_id,
})

export class KyselyInstanceProfileRepository implements InstanceProfileRepository {
  constructor(private readonly session: TransactionSession) {}

  getByName(accountId: string, name: string): Promise<InstanceProfileRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('instance_profiles')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst()
      return row && instanceProfileRecord(row)
    })
  }

  list(accountId: string, page?: NamePage): Promise<InstanceProfileRecord[]> {
    return this.session.read(async () =>
      (await selectNamePage(this.session.db, 'instance_profiles', accountId, page)).map(
        instanceProfileRecord,
      ),
    )
  }

  listForRole(roleId: string, page: NamePage = {}): Promise<InstanceProfileRecord[]> {
    return this.session.read(async () => {
      let query = this.session.db
        .selectFrom('instance_profiles')
        .selectAll()
        .where('role_id', '=', roleId)
      if (page.after !== undefined) query = query.where('name_key', '>', nameKey(page.after))
      if (page.from !== undefined) query = query.where('name_key', '>=', nameKey(page.from))
      query = query.orderBy('name_key')
      if (page.limit !== undefined) query = query.limit(page.limit)
      return (await query.execute()).map(instanceProfileRecord)
    })
  }

  count(accountId: string): Promise<number> {
    return this.session.read(() => countInAccount(this.session.db, 'instance_profiles', accountId))
  }

  insert(profile: InstanceProfileRecord): Promise<void> {
    return this.session.write('insertInstanceProfile', () =>
      this.session.db.insertInto('instance_profiles').values(instanceProfileRow(profile)).execute(),
    )
  }

  update(profile: InstanceProfileRecord): Promise<void> {
    const row = instanceProfileRow(profile)
    return this.session.write('updateInstanceProfile', () =>
      this.session.db
        .updateTable('instance_profiles')
        .set({ tags: row.tags, role_id: row.role_id })
        .where('instance_profile_id', '=', profile.instanceProfileId)
        .execute(),
    )
  }

  delete(instanceProfileId: string): Promise<void> {
    return this.session.write('deleteInstanceProfile', () =>
      this.session.db
        .deleteFrom('instance_profiles')
        .where('instance_profile_id', '=', instanceProfileId)
        .execute(),
    )
  }
}
