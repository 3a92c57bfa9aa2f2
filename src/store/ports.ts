// What the services need from storage, with no SQL in sight. Every backend (SQLite, PostgreSQL)
// implements these ports and passes the one contract suite in test/store/contract.ts.

export interface Tag {
  key: string
  value: string
}

export type EntityType = 'user' | 'group' | 'role'

export interface AccountRecord {
  accountId: string
  createDate: Date
}

export interface UserRecord {
  accountId: string
  userId: string
  userName: string
  path: string
  arn: string
  createDate: Date
  permissionsBoundaryArn: string | null
  tags: Tag[]
}

export interface GroupRecord {
  accountId: string
  groupId: string
  groupName: string
  path: string
  arn: string
  createDate: Date
}

export interface RoleLastUsed {
  date: Date
  region: string
}

export interface RoleRecord {
  accountId: string
  roleId: string
  roleName: string
  path: string
  arn: string
  createDate: Date
  assumeRolePolicyDocument: string
  description: string | null
  maxSessionDuration: number
  permissionsBoundaryArn: string | null
  tags: Tag[]
  lastUsed: RoleLastUsed | null
}

export type AccessKeyStatus = 'Active' | 'Inactive'

export interface AccessKeyLastUsed {
  date: Date
  serviceName: string
  region: string
}

export interface AccessKeyRecord {
  accessKeyId: string
  accountId: string
  userId: string
  secretAccessKey: string
  status: AccessKeyStatus
  createDate: Date
  lastUsed: AccessKeyLastUsed | null
}

/** A customer managed policy. AWS managed policies live in a read-only catalogue, not here. */
export interface ManagedPolicyRecord {
  accountId: string
  policyId: string
  policyName: string
  path: string
  arn: string
  description: string | null
  defaultVersionId: string
  /** The number the next CreatePolicyVersion takes: version ids are never reused. */
  nextVersionNumber: number
  createDate: Date
  updateDate: Date
  tags: Tag[]
}

export interface PolicyVersionRecord {
  /** The account that holds the version: for attachments of AWS managed policies, none. */
  accountId: string
  policyArn: string
  versionId: string
  document: string
  createDate: Date
}

/** A managed policy (customer or AWS) attached to a user, group or role, by the entity's id. */
export interface AttachmentRecord {
  accountId: string
  entityType: EntityType
  entityId: string
  policyArn: string
}

export interface AttachedEntity {
  entityType: EntityType
  entityId: string
  entityName: string
}

export interface InlinePolicyRecord {
  accountId: string
  entityType: EntityType
  entityId: string
  policyName: string
  document: string
}

export interface OidcProviderRecord {
  accountId: string
  /** The issuer without `https://`, e.g. `oidc.example.com/id/ABC`; unique per account. */
  url: string
  arn: string
  clientIds: string[]
  thumbprints: string[]
  createDate: Date
  tags: Tag[]
}

export interface SamlProviderRecord {
  accountId: string
  name: string
  arn: string
  metadataDocument: string
  /** Signing certificates taken from the metadata, PEM encoded. */
  certificates: string[]
  entityId: string
  validUntil: Date
  createDate: Date
  tags: Tag[]
}

/**
 * A key of the session keyring: STS seals session tokens with the newest active key and opens
 * them with any key not yet removed. Retired keys still open tokens until they are deleted.
 */
export interface SessionKeyRecord {
  keyId: string
  /** 32 random bytes, base64. */
  secret: string
  createDate: Date
  /** When the key stopped sealing; null while it is the sealing key or a candidate. */
  retireDate: Date | null
}

/**
 * A built-in OIDC issuer served at `PUBLIC_URL/issuers/ACCOUNT/NAME`: names are unique per
 * account, and the account is part of the URL, so no other account can ever serve that URL.
 */
export interface IssuerRecord {
  /** The account that created it and whose IAM policies govern it. */
  accountId: string
  name: string
  createDate: Date
}

export interface IssuerKeyRecord {
  accountId: string
  issuerName: string
  kid: string
  algorithm: string
  /** Private and public JWK as JSON text. */
  privateJwk: string
  publicJwk: string
  createDate: Date
  /** Set on rotation: the key stops signing at once and leaves the JWKS after this date. */
  retireDate: Date | null
}

/**
 * Everything the IAM service reads and writes. Names are unique per account without regard to
 * case (AWS: you cannot have roles PRODROLE and prodrole), so every `get...ByName` matches
 * case-insensitively. Lists come back sorted by name (case-insensitively), which is the order
 * AWS pages through them. Relations (attachments, inline policies, group members, keys) refer to
 * entities by their unique id, so renaming an entity moves nothing.
 */
export interface IamRepository {
  // accounts
  getAccount(accountId: string): Promise<AccountRecord | undefined>
  insertAccount(account: AccountRecord): Promise<void>
  listAccountAliases(accountId: string): Promise<string[]>
  /** Which account holds this alias, if any: aliases are unique across all accounts. */
  findAccountByAlias(alias: string): Promise<string | undefined>
  insertAccountAlias(accountId: string, alias: string): Promise<void>
  deleteAccountAlias(accountId: string, alias: string): Promise<void>

  // users
  getUserByName(accountId: string, userName: string): Promise<UserRecord | undefined>
  getUserById(userId: string): Promise<UserRecord | undefined>
  listUsers(accountId: string, pathPrefix?: string): Promise<UserRecord[]>
  insertUser(user: UserRecord): Promise<void>
  /** Replaces the mutable fields (name, path, arn, boundary, tags) of the user with this id. */
  updateUser(user: UserRecord): Promise<void>
  deleteUser(userId: string): Promise<void>

  // groups and membership
  getGroupByName(accountId: string, groupName: string): Promise<GroupRecord | undefined>
  listGroups(accountId: string, pathPrefix?: string): Promise<GroupRecord[]>
  insertGroup(group: GroupRecord): Promise<void>
  updateGroup(group: GroupRecord): Promise<void>
  deleteGroup(groupId: string): Promise<void>
  addUserToGroup(groupId: string, userId: string): Promise<void>
  removeUserFromGroup(groupId: string, userId: string): Promise<void>
  listGroupsForUser(userId: string): Promise<GroupRecord[]>
  listUsersInGroup(groupId: string): Promise<UserRecord[]>

  // roles
  getRoleByName(accountId: string, roleName: string): Promise<RoleRecord | undefined>
  getRoleById(roleId: string): Promise<RoleRecord | undefined>
  listRoles(accountId: string, pathPrefix?: string): Promise<RoleRecord[]>
  insertRole(role: RoleRecord): Promise<void>
  /** Replaces the mutable fields of the role with this id. */
  updateRole(role: RoleRecord): Promise<void>
  deleteRole(roleId: string): Promise<void>

  // access keys
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>
  listAccessKeys(userId: string): Promise<AccessKeyRecord[]>
  insertAccessKey(key: AccessKeyRecord): Promise<void>
  updateAccessKey(key: AccessKeyRecord): Promise<void>
  deleteAccessKey(accessKeyId: string): Promise<void>

  // customer managed policies and their versions
  getPolicy(policyArn: string): Promise<ManagedPolicyRecord | undefined>
  listPolicies(accountId: string, pathPrefix?: string): Promise<ManagedPolicyRecord[]>
  insertPolicy(policy: ManagedPolicyRecord): Promise<void>
  updatePolicy(policy: ManagedPolicyRecord): Promise<void>
  deletePolicy(policyArn: string): Promise<void>
  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersionRecord | undefined>
  /** Oldest first. */
  listPolicyVersions(policyArn: string): Promise<PolicyVersionRecord[]>
  insertPolicyVersion(version: PolicyVersionRecord): Promise<void>
  deletePolicyVersion(policyArn: string, versionId: string): Promise<void>

  // attachments of managed policies
  attachPolicy(attachment: AttachmentRecord): Promise<void>
  detachPolicy(attachment: AttachmentRecord): Promise<void>
  /** Policy ARNs attached to one entity, in attachment order. */
  listAttachedPolicies(entityType: EntityType, entityId: string): Promise<string[]>
  listEntitiesForPolicy(accountId: string, policyArn: string): Promise<AttachedEntity[]>
  /** Entities in the account that use the policy as their permissions boundary count separately. */
  countAttachments(accountId: string, policyArn: string): Promise<number>
  /** Every attachment in the account, for GetAccountAuthorizationDetails and policy listings. */
  listAttachments(accountId: string): Promise<AttachmentRecord[]>

  // inline policies
  getInlinePolicy(
    entityType: EntityType,
    entityId: string,
    policyName: string,
  ): Promise<InlinePolicyRecord | undefined>
  /** Sorted by policy name. */
  listInlinePolicies(entityType: EntityType, entityId: string): Promise<InlinePolicyRecord[]>
  /** Inserts or replaces. */
  putInlinePolicy(policy: InlinePolicyRecord): Promise<void>
  deleteInlinePolicy(entityType: EntityType, entityId: string, policyName: string): Promise<void>

  // identity providers
  getOidcProvider(arn: string): Promise<OidcProviderRecord | undefined>
  listOidcProviders(accountId: string): Promise<OidcProviderRecord[]>
  /** The providers of every account registered for this URL (without `https://`), by ARN. */
  listOidcProvidersByUrl(url: string): Promise<OidcProviderRecord[]>
  insertOidcProvider(provider: OidcProviderRecord): Promise<void>
  updateOidcProvider(provider: OidcProviderRecord): Promise<void>
  deleteOidcProvider(arn: string): Promise<void>
  getSamlProvider(arn: string): Promise<SamlProviderRecord | undefined>
  listSamlProviders(accountId: string): Promise<SamlProviderRecord[]>
  insertSamlProvider(provider: SamlProviderRecord): Promise<void>
  updateSamlProvider(provider: SamlProviderRecord): Promise<void>
  deleteSamlProvider(arn: string): Promise<void>

  // the session keyring (newest first)
  listSessionKeys(): Promise<SessionKeyRecord[]>
  insertSessionKey(key: SessionKeyRecord): Promise<void>
  updateSessionKey(key: SessionKeyRecord): Promise<void>
  deleteSessionKey(keyId: string): Promise<void>

  // built-in OIDC issuers and their signing keys (keys newest first), per account
  getIssuer(accountId: string, name: string): Promise<IssuerRecord | undefined>
  listIssuers(accountId: string): Promise<IssuerRecord[]>
  insertIssuer(issuer: IssuerRecord): Promise<void>
  deleteIssuer(accountId: string, name: string): Promise<void>
  listIssuerKeys(accountId: string, issuerName: string): Promise<IssuerKeyRecord[]>
  insertIssuerKey(key: IssuerKeyRecord): Promise<void>
  updateIssuerKey(key: IssuerKeyRecord): Promise<void>
  deleteIssuerKey(accountId: string, issuerName: string, kid: string): Promise<void>
}

/** One request signed with a long-term access key: AWS's GetAccessKeyLastUsed fields. */
export interface AccessKeyUse {
  accessKeyId: string
  date: Date
  /** The service the request was signed for, e.g. `iam`, `sts`. */
  serviceName: string
  region: string
}

/** One use of a role: assumed, or a request signed with one of its sessions. */
export interface RoleUse {
  roleId: string
  date: Date
  region: string
}

export interface UsageBatch {
  accessKeys: readonly AccessKeyUse[]
  roles: readonly RoleUse[]
}

/** How many secrets of each kind were sealed anew by a master key rotation. */
export interface ResealCount {
  accessKeys: number
  sessionKeys: number
  issuerKeys: number
}

export interface Store {
  /**
   * Runs `work` in one database transaction: it commits when `work` resolves and rolls back,
   * writing nothing, when it throws. Concurrent transactions are serialised where the backend
   * needs it.
   */
  transaction<T>(work: (repo: IamRepository) => Promise<T>): Promise<T>
  /** Bumped after every committed transaction that wrote; caches compare it to stay fresh. */
  readonly generation: number
  /**
   * Bumps `generation` when another process sharing the database (a `--workers` sibling, another
   * replica) committed a write since the last look, so caches drop what it may have changed.
   * Synchronous and cheap; called at the start of every request.
   */
  noticeOtherWriters(): void
  /**
   * Moves the last use of each access key and role forward to the one given, in one short write
   * outside `transaction`: an older or equal date and an id no longer stored change nothing. Last
   * use is no input to any cached decision, so the generation does not move.
   */
  recordUse(uses: UsageBatch): Promise<void>
  /**
   * Seals every stored secret (access keys' secrets, session keys, issuers' private keys) with the
   * master key that seals now, in one transaction: run after a new master key was put first.
   */
  resealSecrets(): Promise<ResealCount>
  /** Drops every row of every table, leaving the schema; for the reset endpoints. */
  wipe(): Promise<void>
  close(): Promise<void>
}
