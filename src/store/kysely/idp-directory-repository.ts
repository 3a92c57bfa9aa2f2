// The built-in IdP's users and groups over Kysely: names unique per account without regard to
// case (the lower-cased name key), TOTP seeds sealed on the way in and opened on the way out.

import type { Selectable } from 'kysely'
import type { IdpGroupRecord, IdpUserRecord } from '../idp-records.js'
import type { IdpDirectoryRepository } from '../idp-repositories.js'
import { fromText, nameKey, tagsFromText, tagsToText, toText } from './records.js'
import type { IdpGroupsTable, IdpUsersTable } from './schema.js'
import type { TransactionSession } from './transaction-session.js'

const userRow = (user: IdpUserRecord): IdpUsersTable => ({
  user_id: user.userId,
  account_id: user.accountId,
  user_name: user.userName,
  name_key: nameKey(user.userName),
  email: user.email,
  password_hash: user.passwordHash,
  password_changed: toText(user.passwordChanged),
  totp_seed: user.totpSeed,
  totp_last_step: user.totpLastStep,
  session_tags: tagsToText(user.sessionTags),
  create_date: toText(user.createDate),
})

const userRecord = (row: Selectable<IdpUsersTable>): IdpUserRecord => ({
  accountId: row.account_id,
  userId: row.user_id,
  userName: row.user_name,
  email: row.email,
  passwordHash: row.password_hash,
  passwordChanged: fromText(row.password_changed),
  totpSeed: row.totp_seed,
  // PostgreSQL may answer a bigint-ish column as a string; steps fit in a double.
  totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
  sessionTags: tagsFromText(row.session_tags),
  createDate: fromText(row.create_date),
})

const groupRow = (group: IdpGroupRecord): IdpGroupsTable => ({
  group_id: group.groupId,
  account_id: group.accountId,
  group_name: group.groupName,
  name_key: nameKey(group.groupName),
  create_date: toText(group.createDate),
})

const groupRecord = (row: Selectable<IdpGroupsTable>): IdpGroupRecord => ({
  accountId: row.account_id,
  groupId: row.group_id,
  groupName: row.group_name,
  createDate: fromText(row.create_date),
})

export class KyselyIdpDirectoryRepository implements IdpDirectoryRepository {
  constructor(private readonly session: TransactionSession) {}

  private open = (row: Selectable<IdpUsersTable>) =>
    userRecord(this.session.sealed.openIdpUser(row))

  getUser(accountId: string, userName: string): Promise<IdpUserRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('idp_users')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(userName))
        .executeTakeFirst()
      return row && this.open(row)
    })
  }

  getUserById(userId: string): Promise<IdpUserRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('idp_users')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row && this.open(row)
    })
  }

  listUsers(accountId: string): Promise<IdpUserRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('idp_users')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name_key')
        .execute()
      return rows.map(this.open)
    })
  }

  insertUser(user: IdpUserRecord): Promise<void> {
    return this.session.write('insertIdpUser', () =>
      this.session.db
        .insertInto('idp_users')
        .values(this.session.sealed.sealIdpUser(userRow(user)))
        .execute(),
    )
  }

  updateUser(user: IdpUserRecord): Promise<void> {
    const row = this.session.sealed.sealIdpUser(userRow(user))
    return this.session.write('updateIdpUser', () =>
      this.session.db
        .updateTable('idp_users')
        .set({
          email: row.email,
          password_hash: row.password_hash,
          password_changed: row.password_changed,
          totp_seed: row.totp_seed,
          totp_last_step: row.totp_last_step,
          session_tags: row.session_tags,
        })
        .where('user_id', '=', user.userId)
        .execute(),
    )
  }

  deleteUser(userId: string): Promise<void> {
    return this.session.write('deleteIdpUser', async () => {
      const db = this.session.db
      await db.deleteFrom('idp_group_members').where('user_id', '=', userId).execute()
      await db.deleteFrom('idp_assignments').where('user_id', '=', userId).execute()
      await db.deleteFrom('idp_users').where('user_id', '=', userId).execute()
    })
  }

  getGroup(accountId: string, groupName: string): Promise<IdpGroupRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('idp_groups')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(groupName))
        .executeTakeFirst()
      return row && groupRecord(row)
    })
  }

  listGroups(accountId: string): Promise<IdpGroupRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('idp_groups')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name_key')
        .execute()
      return rows.map(groupRecord)
    })
  }

  insertGroup(group: IdpGroupRecord): Promise<void> {
    return this.session.write('insertIdpGroup', () =>
      this.session.db.insertInto('idp_groups').values(groupRow(group)).execute(),
    )
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.session.write('deleteIdpGroup', async () => {
      const db = this.session.db
      await db.deleteFrom('idp_group_members').where('group_id', '=', groupId).execute()
      await db.deleteFrom('idp_assignments').where('group_id', '=', groupId).execute()
      await db.deleteFrom('idp_groups').where('group_id', '=', groupId).execute()
    })
  }

  addMember(groupId: string, userId: string): Promise<void> {
    return this.session.write('addIdpGroupMember', () =>
      this.session.db
        .insertInto('idp_group_members')
        .values({ group_id: groupId, user_id: userId })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute(),
    )
  }

  removeMember(groupId: string, userId: string): Promise<void> {
    return this.session.write('removeIdpGroupMember', () =>
      this.session.db
        .deleteFrom('idp_group_members')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .execute(),
    )
  }

  listMembers(groupId: string): Promise<IdpUserRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('idp_group_members')
        .innerJoin('idp_users', 'idp_users.user_id', 'idp_group_members.user_id')
        .selectAll('idp_users')
        .where('idp_group_members.group_id', '=', groupId)
        .orderBy('idp_users.name_key')
        .execute()
      return rows.map(this.open)
    })
  }

  listGroupsOf(userId: string): Promise<IdpGroupRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('idp_group_members')
        .innerJoin('idp_groups', 'idp_groups.group_id', 'idp_group_members.group_id')
        .selectAll('idp_groups')
        .where('idp_group_members.user_id', '=', userId)
        .orderBy('idp_groups.name_key')
        .execute()
      return rows.map(groupRecord)
    })
  }
}
