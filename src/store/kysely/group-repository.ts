// IAM groups and their members over Kysely.

import type { GroupRecord, NamePage, UserRecord } from '../ports.js'
import type { GroupRepository } from '../repositories.js'
import { groupRecord, groupRow, nameKey, userRecord } from './records.js'
import { countInAccount, selectNamePage } from './name-pages.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyGroupRepository implements GroupRepository {
  constructor(private readonly session: TransactionSession) {}

  getByName(accountId: string, groupName: string): Promise<GroupRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('groups')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(groupName))
        .executeTakeFirst()
      return row && groupRecord(row)
    })
  }

  list(accountId: string, page?: NamePage): Promise<GroupRecord[]> {
    return this.session.read(async () =>
      (await selectNamePage(this.session.db, 'groups', accountId, page)).map(groupRecord),
    )
  }

  count(accountId: string): Promise<number> {
    return this.session.read(() => countInAccount(this.session.db, 'groups', accountId))
  }

  insert(group: GroupRecord): Promise<void> {
    return this.session.write('insertGroup', () =>
      this.session.db.insertInto('groups').values(groupRow(group)).execute(),
    )
  }

  update(group: GroupRecord): Promise<void> {
    const row = groupRow(group)
    return this.session.write('updateGroup', () =>
      this.session.db
        .updateTable('groups')
        .set({ group_name: row.group_name, name_key: row.name_key, path: row.path, arn: row.arn })
        .where('group_id', '=', group.groupId)
        .execute(),
    )
  }

  delete(groupId: string): Promise<void> {
    return this.session.write('deleteGroup', () =>
      this.session.db.deleteFrom('groups').where('group_id', '=', groupId).execute(),
    )
  }

  /** Adding a member twice is a no-op, as AddUserToGroup is. */
  addMember(groupId: string, userId: string): Promise<void> {
    return this.session.write('addUserToGroup', () =>
      this.session.db
        .insertInto('group_members')
        .values({ group_id: groupId, user_id: userId })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute(),
    )
  }

  removeMember(groupId: string, userId: string): Promise<void> {
    return this.session.write('removeUserFromGroup', () =>
      this.session.db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .execute(),
    )
  }

  listForUser(userId: string): Promise<GroupRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('group_members as m')
        .innerJoin('groups as g', 'g.group_id', 'm.group_id')
        .selectAll('g')
        .where('m.user_id', '=', userId)
        .orderBy('g.name_key')
        .execute()
      return rows.map(groupRecord)
    })
  }

  listMembers(groupId: string): Promise<UserRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('group_members as m')
        .innerJoin('users as u', 'u.user_id', 'm.user_id')
        .selectAll('u')
        .where('m.group_id', '=', groupId)
        .orderBy('u.name_key')
        .execute()
      return rows.map(userRecord)
    })
  }
}
