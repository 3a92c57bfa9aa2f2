// The IAM repository over Kysely, one implementation for every SQL backend. An instance lives for
// one transaction: it runs its calls one at a time on the transaction's connection and remembers
// whether any of them wrote.

import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { StoreConflictError, StoreReferenceError } from '../errors.js'
import type {
  AccessKeyRecord,
  AccountRecord,
  AttachedEntity,
  AttachmentRecord,
  EntityType,
  GroupRecord,
  IamRepository,
  InlinePolicyRecord,
  IssuerKeyRecord,
  IssuerRecord,
  ManagedPolicyRecord,
  OidcProviderRecord,
  PolicyVersionRecord,
  RoleRecord,
  SamlProviderRecord,
  SessionKeyRecord,
  UserRecord,
} from '../ports.js'
import type { Backend } from './backend.js'
import type { SealedColumns } from './sealed-columns.js'
import {
  accessKeyRecord,
  accessKeyRow,
  entityRef,
  fromText,
  groupRecord,
  groupRow,
  inlinePolicyRecord,
  inlinePolicyRow,
  issuerKeyRecord,
  issuerKeyRow,
  issuerRecord,
  issuerRow,
  listToText,
  nameKey,
  oidcProviderRecord,
  oidcProviderRow,
  policyRecord,
  policyRow,
  policyVersionRecord,
  policyVersionRow,
  roleRecord,
  roleRow,
  samlProviderRecord,
  samlProviderRow,
  sessionKeyRecord,
  sessionKeyRow,
  tagsToText,
  toText,
  userRecord,
  userRow,
} from './records.js'
import type { Database } from './schema.js'

/** `path` starts with `prefix`, compared exactly (LIKE would need escaping and ignores case). */
const pathStartsWith = (prefix: string) =>
  sql<boolean>`substr(path, 1, length(cast(${prefix} as text))) = ${prefix}`

export class KyselyIamRepository implements IamRepository {
  #tail: Promise<void> = Promise.resolve()
  #ended = false
  #wrote = false

  constructor(
    private readonly db: Kysely<Database>,
    private readonly backend: Backend,
    private readonly sealed: SealedColumns,
  ) {}

  /** Whether any write method was called, whatever it changed. */
  get wrote(): boolean {
    return this.#wrote
  }

  /** Refuses new calls and waits for the ones already made, before the transaction ends. */
  async end(): Promise<void> {
    this.#ended = true
    await this.#tail
  }

  // One call at a time: a connection runs one statement at a time anyway, and a failed write on
  // PostgreSQL must be rolled back to its savepoint before anything else runs.
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (this.#ended) {
      return Promise.reject(new Error('store: repository used after its transaction ended'))
    }
    const result = this.#tail.then(op)
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  #read<T>(query: () => Promise<T>): Promise<T> {
    return this.#enqueue(query)
  }

  #write(what: string, statement: () => Promise<unknown>): Promise<void> {
    this.#wrote = true
    return this.#enqueue(async () => {
      try {
        if (!this.backend.savepointWrites) {
          await statement()
          return
        }
        await sql`savepoint rolegate_write`.execute(this.db)
        try {
          await statement()
        } catch (error) {
          await sql`rollback to savepoint rolegate_write`.execute(this.db)
          throw error
        }
        await sql`release savepoint rolegate_write`.execute(this.db)
      } catch (error) {
        throw this.#translate(what, error)
      }
    })
  }

  #translate(what: string, error: unknown): unknown {
    const detail = error instanceof Error ? error.message : String(error)
    switch (this.backend.classify(error)) {
      case 'unique':
        return new StoreConflictError(`${what}: a row with this key already exists (${detail})`, {
          cause: error,
        })
      case 'reference':
        return new StoreReferenceError(`${what}: a related row is missing or remains (${detail})`, {
          cause: error,
        })
      default:
        return error
    }
  }

  // accounts

  getAccount(accountId: string): Promise<AccountRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('accounts')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return row && { accountId: row.account_id, createDate: fromText(row.create_date) }
    })
  }

  insertAccount(account: AccountRecord): Promise<void> {
    return this.#write('insertAccount', () =>
      this.db
        .insertInto('accounts')
        .values({ account_id: account.accountId, create_date: toText(account.createDate) })
        .execute(),
    )
  }

  listAccountAliases(accountId: string): Promise<string[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('account_aliases')
        .select('alias')
        .where('account_id', '=', accountId)
        .orderBy('alias')
        .execute()
      return rows.map((r) => r.alias)
    })
  }

  findAccountByAlias(alias: string): Promise<string | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('account_aliases')
        .select('account_id')
        .where('alias', '=', alias)
        .executeTakeFirst()
      return row?.account_id
    })
  }

  insertAccountAlias(accountId: string, alias: string): Promise<void> {
    return this.#write('insertAccountAlias', () =>
      this.db.insertInto('account_aliases').values({ alias, account_id: accountId }).execute(),
    )
  }

  deleteAccountAlias(accountId: string, alias: string): Promise<void> {
    return this.#write('deleteAccountAlias', () =>
      this.db
        .deleteFrom('account_aliases')
        .where('account_id', '=', accountId)
        .where('alias', '=', alias)
        .execute(),
    )
  }

  // users

  getUserByName(accountId: string, userName: string): Promise<UserRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('users')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(userName))
        .executeTakeFirst()
      return row && userRecord(row)
    })
  }

  getUserById(userId: string): Promise<UserRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('users')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row && userRecord(row)
    })
  }

  listUsers(accountId: string, pathPrefix?: string): Promise<UserRecord[]> {
    return this.#read(async () => {
      let query = this.db.selectFrom('users').selectAll().where('account_id', '=', accountId)
      if (pathPrefix !== undefined) query = query.where(pathStartsWith(pathPrefix))
      const rows = await query.orderBy('name_key').execute()
      return rows.map(userRecord)
    })
  }

  insertUser(user: UserRecord): Promise<void> {
    return this.#write('insertUser', () =>
      this.db.insertInto('users').values(userRow(user)).execute(),
    )
  }

  updateUser(user: UserRecord): Promise<void> {
    const row = userRow(user)
    return this.#write('updateUser', () =>
      this.db
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

  deleteUser(userId: string): Promise<void> {
    return this.#write('deleteUser', () =>
      this.db.deleteFrom('users').where('user_id', '=', userId).execute(),
    )
  }

  // groups and membership

  getGroupByName(accountId: string, groupName: string): Promise<GroupRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('groups')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(groupName))
        .executeTakeFirst()
      return row && groupRecord(row)
    })
  }

  listGroups(accountId: string, pathPrefix?: string): Promise<GroupRecord[]> {
    return this.#read(async () => {
      let query = this.db.selectFrom('groups').selectAll().where('account_id', '=', accountId)
      if (pathPrefix !== undefined) query = query.where(pathStartsWith(pathPrefix))
      const rows = await query.orderBy('name_key').execute()
      return rows.map(groupRecord)
    })
  }

  insertGroup(group: GroupRecord): Promise<void> {
    return this.#write('insertGroup', () =>
      this.db.insertInto('groups').values(groupRow(group)).execute(),
    )
  }

  updateGroup(group: GroupRecord): Promise<void> {
    const row = groupRow(group)
    return this.#write('updateGroup', () =>
      this.db
        .updateTable('groups')
        .set({ group_name: row.group_name, name_key: row.name_key, path: row.path, arn: row.arn })
        .where('group_id', '=', group.groupId)
        .execute(),
    )
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.#write('deleteGroup', () =>
      this.db.deleteFrom('groups').where('group_id', '=', groupId).execute(),
    )
  }

  /** Adding a member twice is a no-op, as AddUserToGroup is. */
  addUserToGroup(groupId: string, userId: string): Promise<void> {
    return this.#write('addUserToGroup', () =>
      this.db
        .insertInto('group_members')
        .values({ group_id: groupId, user_id: userId })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute(),
    )
  }

  removeUserFromGroup(groupId: string, userId: string): Promise<void> {
    return this.#write('removeUserFromGroup', () =>
      this.db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .execute(),
    )
  }

  listGroupsForUser(userId: string): Promise<GroupRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('group_members as m')
        .innerJoin('groups as g', 'g.group_id', 'm.group_id')
        .selectAll('g')
        .where('m.user_id', '=', userId)
        .orderBy('g.name_key')
        .execute()
      return rows.map(groupRecord)
    })
  }

  listUsersInGroup(groupId: string): Promise<UserRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('group_members as m')
        .innerJoin('users as u', 'u.user_id', 'm.user_id')
        .selectAll('u')
        .where('m.group_id', '=', groupId)
        .orderBy('u.name_key')
        .execute()
      return rows.map(userRecord)
    })
  }

  // roles

  getRoleByName(accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('roles')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(roleName))
        .executeTakeFirst()
      return row && roleRecord(row)
    })
  }

  getRoleById(roleId: string): Promise<RoleRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('roles')
        .selectAll()
        .where('role_id', '=', roleId)
        .executeTakeFirst()
      return row && roleRecord(row)
    })
  }

  listRoles(accountId: string, pathPrefix?: string): Promise<RoleRecord[]> {
    return this.#read(async () => {
      let query = this.db.selectFrom('roles').selectAll().where('account_id', '=', accountId)
      if (pathPrefix !== undefined) query = query.where(pathStartsWith(pathPrefix))
      const rows = await query.orderBy('name_key').execute()
      return rows.map(roleRecord)
    })
  }

  insertRole(role: RoleRecord): Promise<void> {
    return this.#write('insertRole', () =>
      this.db.insertInto('roles').values(roleRow(role)).execute(),
    )
  }

  updateRole(role: RoleRecord): Promise<void> {
    const row = roleRow(role)
    return this.#write('updateRole', () =>
      this.db
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

  deleteRole(roleId: string): Promise<void> {
    return this.#write('deleteRole', () =>
      this.db.deleteFrom('roles').where('role_id', '=', roleId).execute(),
    )
  }

  // access keys

  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('access_keys')
        .selectAll()
        .where('access_key_id', '=', accessKeyId)
        .executeTakeFirst()
      return row && accessKeyRecord(this.sealed.openAccessKey(row))
    })
  }

  listAccessKeys(userId: string): Promise<AccessKeyRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('access_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('create_date')
        .orderBy('access_key_id')
        .execute()
      return rows.map((row) => accessKeyRecord(this.sealed.openAccessKey(row)))
    })
  }

  insertAccessKey(key: AccessKeyRecord): Promise<void> {
    return this.#write('insertAccessKey', () =>
      this.db
        .insertInto('access_keys')
        .values(this.sealed.sealAccessKey(accessKeyRow(key)))
        .execute(),
    )
  }

  /** Replaces the status and last-used fields; the secret, owner and creation date never change. */
  updateAccessKey(key: AccessKeyRecord): Promise<void> {
    const row = accessKeyRow(key)
    return this.#write('updateAccessKey', () =>
      this.db
        .updateTable('access_keys')
        .set({
          status: row.status,
          last_used_date: row.last_used_date,
          last_used_service: row.last_used_service,
          last_used_region: row.last_used_region,
        })
        .where('access_key_id', '=', key.accessKeyId)
        .execute(),
    )
  }

  deleteAccessKey(accessKeyId: string): Promise<void> {
    return this.#write('deleteAccessKey', () =>
      this.db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute(),
    )
  }

  // customer managed policies and their versions

  getPolicy(policyArn: string): Promise<ManagedPolicyRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('policies')
        .selectAll()
        .where('arn', '=', policyArn)
        .executeTakeFirst()
      return row && policyRecord(row)
    })
  }

  listPolicies(accountId: string, pathPrefix?: string): Promise<ManagedPolicyRecord[]> {
    return this.#read(async () => {
      let query = this.db.selectFrom('policies').selectAll().where('account_id', '=', accountId)
      if (pathPrefix !== undefined) query = query.where(pathStartsWith(pathPrefix))
      const rows = await query.orderBy('name_key').execute()
      return rows.map(policyRecord)
    })
  }

  insertPolicy(policy: ManagedPolicyRecord): Promise<void> {
    return this.#write('insertPolicy', () =>
      this.db.insertInto('policies').values(policyRow(policy)).execute(),
    )
  }

  /**
   * Replaces what a policy's life changes (description, default and next version, update date,
   * tags) of the policy with this ARN; its name, path and ARN are fixed at creation, as in AWS.
   */
  updatePolicy(policy: ManagedPolicyRecord): Promise<void> {
    const row = policyRow(policy)
    return this.#write('updatePolicy', () =>
      this.db
        .updateTable('policies')
        .set({
          description: row.description,
          default_version_id: row.default_version_id,
          next_version_number: row.next_version_number,
          update_date: row.update_date,
          tags: row.tags,
        })
        .where('arn', '=', policy.arn)
        .execute(),
    )
  }

  /** Deletes the policy and, with it, every version it still has. */
  deletePolicy(policyArn: string): Promise<void> {
    return this.#write('deletePolicy', () =>
      this.db.deleteFrom('policies').where('arn', '=', policyArn).execute(),
    )
  }

  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersionRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('policy_versions')
        .selectAll()
        .where('policy_arn', '=', policyArn)
        .where('version_id', '=', versionId)
        .executeTakeFirst()
      return row && policyVersionRecord(row)
    })
  }

  listPolicyVersions(policyArn: string): Promise<PolicyVersionRecord[]> {
    return this.#read(async () => {
      // Versions made in the same millisecond still come out v2 before v10.
      const rows = await this.db
        .selectFrom('policy_versions')
        .selectAll()
        .where('policy_arn', '=', policyArn)
        .orderBy('create_date')
        .orderBy(sql`length(version_id)`)
        .orderBy('version_id')
        .execute()
      return rows.map(policyVersionRecord)
    })
  }

  insertPolicyVersion(version: PolicyVersionRecord): Promise<void> {
    return this.#write('insertPolicyVersion', () =>
      this.db.insertInto('policy_versions').values(policyVersionRow(version)).execute(),
    )
  }

  deletePolicyVersion(policyArn: string, versionId: string): Promise<void> {
    return this.#write('deletePolicyVersion', () =>
      this.db
        .deleteFrom('policy_versions')
        .where('policy_arn', '=', policyArn)
        .where('version_id', '=', versionId)
        .execute(),
    )
  }

  // attachments of managed policies

  /** Attaching an attached policy again is a no-op that keeps its place, as in AWS. */
  attachPolicy(attachment: AttachmentRecord): Promise<void> {
    return this.#write('attachPolicy', () =>
      this.db
        .insertInto('policy_attachments')
        .values({
          ...entityRef(attachment.accountId, attachment.entityType, attachment.entityId),
          policy_arn: attachment.policyArn,
        })
        .onConflict((oc) => oc.columns(['entity_type', 'entity_id', 'policy_arn']).doNothing())
        .execute(),
    )
  }

  detachPolicy(attachment: AttachmentRecord): Promise<void> {
    return this.#write('detachPolicy', () =>
      this.db
        .deleteFrom('policy_attachments')
        .where('entity_type', '=', attachment.entityType)
        .where('entity_id', '=', attachment.entityId)
        .where('policy_arn', '=', attachment.policyArn)
        .execute(),
    )
  }

  listAttachedPolicies(entityType: EntityType, entityId: string): Promise<string[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('policy_attachments')
        .select('policy_arn')
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('seq')
        .execute()
      return rows.map((r) => r.policy_arn)
    })
  }

  /** Users first, then groups, then roles, each by name. */
  listEntitiesForPolicy(accountId: string, policyArn: string): Promise<AttachedEntity[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('policy_attachments as a')
        .leftJoin('users as u', 'u.user_id', 'a.user_id')
        .leftJoin('groups as g', 'g.group_id', 'a.group_id')
        .leftJoin('roles as r', 'r.role_id', 'a.role_id')
        .select((eb) => [
          'a.entity_type',
          'a.entity_id',
          eb.fn.coalesce('u.user_name', 'g.group_name', 'r.role_name').as('entity_name'),
        ])
        .where('a.account_id', '=', accountId)
        .where('a.policy_arn', '=', policyArn)
        .orderBy(
          sql`case ${sql.ref('a.entity_type')} when 'user' then 0 when 'group' then 1 else 2 end`,
        )
        .orderBy((eb) => eb.fn.coalesce('u.name_key', 'g.name_key', 'r.name_key'))
        .execute()
      return rows.map((r) => ({
        entityType: r.entity_type,
        entityId: r.entity_id,
        entityName: r.entity_name ?? '',
      }))
    })
  }

  countAttachments(accountId: string, policyArn: string): Promise<number> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('policy_attachments')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('account_id', '=', accountId)
        .where('policy_arn', '=', policyArn)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    })
  }

  listAttachments(accountId: string): Promise<AttachmentRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('policy_attachments')
        .select(['account_id', 'entity_type', 'entity_id', 'policy_arn'])
        .where('account_id', '=', accountId)
        .orderBy('seq')
        .execute()
      return rows.map((r) => ({
        accountId: r.account_id,
        entityType: r.entity_type,
        entityId: r.entity_id,
        policyArn: r.policy_arn,
      }))
    })
  }

  // inline policies (names, like every IAM name, match without regard to case)

  getInlinePolicy(
    entityType: EntityType,
    entityId: string,
    policyName: string,
  ): Promise<InlinePolicyRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('inline_policies')
        .selectAll()
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .where('name_key', '=', nameKey(policyName))
        .executeTakeFirst()
      return row && inlinePolicyRecord(row)
    })
  }

  listInlinePolicies(entityType: EntityType, entityId: string): Promise<InlinePolicyRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('inline_policies')
        .selectAll()
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('name_key')
        .execute()
      return rows.map(inlinePolicyRecord)
    })
  }

  /** Replacing keeps one policy per name (any case) and takes the name as last written. */
  putInlinePolicy(policy: InlinePolicyRecord): Promise<void> {
    const row = inlinePolicyRow(policy)
    return this.#write('putInlinePolicy', () =>
      this.db
        .insertInto('inline_policies')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['entity_type', 'entity_id', 'name_key'])
            .doUpdateSet({ policy_name: row.policy_name, document: row.document }),
        )
        .execute(),
    )
  }

  deleteInlinePolicy(entityType: EntityType, entityId: string, policyName: string): Promise<void> {
    return this.#write('deleteInlinePolicy', () =>
      this.db
        .deleteFrom('inline_policies')
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .where('name_key', '=', nameKey(policyName))
        .execute(),
    )
  }

  // identity providers

  getOidcProvider(arn: string): Promise<OidcProviderRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('oidc_providers')
        .selectAll()
        .where('arn', '=', arn)
        .executeTakeFirst()
      return row && oidcProviderRecord(row)
    })
  }

  /** By URL. */
  listOidcProviders(accountId: string): Promise<OidcProviderRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('oidc_providers')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('url')
        .execute()
      return rows.map(oidcProviderRecord)
    })
  }

  listOidcProvidersByUrl(url: string): Promise<OidcProviderRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('oidc_providers')
        .selectAll()
        .where('url', '=', url)
        .orderBy('arn')
        .execute()
      return rows.map(oidcProviderRecord)
    })
  }

  insertOidcProvider(provider: OidcProviderRecord): Promise<void> {
    return this.#write('insertOidcProvider', () =>
      this.db.insertInto('oidc_providers').values(oidcProviderRow(provider)).execute(),
    )
  }

  /** Replaces client ids, thumbprints and tags; the URL (and so the ARN) is fixed. */
  updateOidcProvider(provider: OidcProviderRecord): Promise<void> {
    return this.#write('updateOidcProvider', () =>
      this.db
        .updateTable('oidc_providers')
        .set({
          client_ids: listToText(provider.clientIds),
          thumbprints: listToText(provider.thumbprints),
          tags: tagsToText(provider.tags),
        })
        .where('arn', '=', provider.arn)
        .execute(),
    )
  }

  deleteOidcProvider(arn: string): Promise<void> {
    return this.#write('deleteOidcProvider', () =>
      this.db.deleteFrom('oidc_providers').where('arn', '=', arn).execute(),
    )
  }

  getSamlProvider(arn: string): Promise<SamlProviderRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('saml_providers')
        .selectAll()
        .where('arn', '=', arn)
        .executeTakeFirst()
      return row && samlProviderRecord(row)
    })
  }

  /** By name. */
  listSamlProviders(accountId: string): Promise<SamlProviderRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('saml_providers')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name_key')
        .execute()
      return rows.map(samlProviderRecord)
    })
  }

  insertSamlProvider(provider: SamlProviderRecord): Promise<void> {
    return this.#write('insertSamlProvider', () =>
      this.db.insertInto('saml_providers').values(samlProviderRow(provider)).execute(),
    )
  }

  /** Replaces metadata, certificates, entity id, expiry and tags; the name (and ARN) is fixed. */
  updateSamlProvider(provider: SamlProviderRecord): Promise<void> {
    const row = samlProviderRow(provider)
    return this.#write('updateSamlProvider', () =>
      this.db
        .updateTable('saml_providers')
        .set({
          metadata_document: row.metadata_document,
          certificates: row.certificates,
          entity_id: row.entity_id,
          valid_until: row.valid_until,
          tags: row.tags,
        })
        .where('arn', '=', provider.arn)
        .execute(),
    )
  }

  deleteSamlProvider(arn: string): Promise<void> {
    return this.#write('deleteSamlProvider', () =>
      this.db.deleteFrom('saml_providers').where('arn', '=', arn).execute(),
    )
  }

  // the session keyring

  /** Newest first; keys made in the same millisecond come by key id, highest first. */
  listSessionKeys(): Promise<SessionKeyRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('session_keys')
        .selectAll()
        .orderBy('create_date', 'desc')
        .orderBy('key_id', 'desc')
        .execute()
      return rows.map((row) => sessionKeyRecord(this.sealed.openSessionKey(row)))
    })
  }

  insertSessionKey(key: SessionKeyRecord): Promise<void> {
    return this.#write('insertSessionKey', () =>
      this.db
        .insertInto('session_keys')
        .values(this.sealed.sealSessionKey(sessionKeyRow(key)))
        .execute(),
    )
  }

  /** Replaces the retire date; the secret and creation date never change. */
  updateSessionKey(key: SessionKeyRecord): Promise<void> {
    const row = sessionKeyRow(key)
    return this.#write('updateSessionKey', () =>
      this.db
        .updateTable('session_keys')
        .set({ retire_date: row.retire_date })
        .where('key_id', '=', key.keyId)
        .execute(),
    )
  }

  deleteSessionKey(keyId: string): Promise<void> {
    return this.#write('deleteSessionKey', () =>
      this.db.deleteFrom('session_keys').where('key_id', '=', keyId).execute(),
    )
  }

  // built-in OIDC issuers (names are per account and match exactly, case included)

  getIssuer(accountId: string, name: string): Promise<IssuerRecord | undefined> {
    return this.#read(async () => {
      const row = await this.db
        .selectFrom('issuers')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .executeTakeFirst()
      return row && issuerRecord(row)
    })
  }

  /** By name, bytewise: names are case-sensitive, so `Zed` comes before `alpha`. */
  listIssuers(accountId: string): Promise<IssuerRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('issuers')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name')
        .execute()
      return rows.map(issuerRecord)
    })
  }

  insertIssuer(issuer: IssuerRecord): Promise<void> {
    return this.#write('insertIssuer', () =>
      this.db.insertInto('issuers').values(issuerRow(issuer)).execute(),
    )
  }

  /** Deletes the issuer and, with it, every key it still has. */
  deleteIssuer(accountId: string, name: string): Promise<void> {
    return this.#write('deleteIssuer', () =>
      this.db
        .deleteFrom('issuers')
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .execute(),
    )
  }

  /** Newest first; keys made in the same millisecond come by kid, highest first. */
  listIssuerKeys(accountId: string, issuerName: string): Promise<IssuerKeyRecord[]> {
    return this.#read(async () => {
      const rows = await this.db
        .selectFrom('issuer_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('issuer_name', '=', issuerName)
        .orderBy('create_date', 'desc')
        .orderBy('kid', 'desc')
        .execute()
      return rows.map((row) => issuerKeyRecord(this.sealed.openIssuerKey(row)))
    })
  }

  /** Refused with StoreReferenceError when the issuer does not exist. */
  insertIssuerKey(key: IssuerKeyRecord): Promise<void> {
    return this.#write('insertIssuerKey', () =>
      this.db
        .insertInto('issuer_keys')
        .values(this.sealed.sealIssuerKey(issuerKeyRow(key)))
        .execute(),
    )
  }

  /** Replaces the retire date; the key material, algorithm and creation date never change. */
  updateIssuerKey(key: IssuerKeyRecord): Promise<void> {
    const row = issuerKeyRow(key)
    return this.#write('updateIssuerKey', () =>
      this.db
        .updateTable('issuer_keys')
        .set({ retire_date: row.retire_date })
        .where('account_id', '=', key.accountId)
        .where('issuer_name', '=', key.issuerName)
        .where('kid', '=', key.kid)
        .execute(),
    )
  }

  deleteIssuerKey(accountId: string, issuerName: string, kid: string): Promise<void> {
    return this.#write('deleteIssuerKey', () =>
      this.db
        .deleteFrom('issuer_keys')
        .where('account_id', '=', accountId)
        .where('issuer_name', '=', issuerName)
        .where('kid', '=', kid)
        .execute(),
    )
  }
}
