// The store's repositories, one per aggregate, as a transaction hands them out. Names are unique
// per account without regard to case (AWS: you cannot have roles PRODROLE and prodrole), so every
// `getByName` matches case-insensitively; lists come back sorted by name (case-insensitively),
// which is the order AWS pages through them; relations refer to entities by their unique id, so
// renaming an entity moves nothing.

import type {
  AccessKeyRecord,
  AccountRecord,
  AttachedEntity,
  AttachmentRecord,
  ClusterObjectRecord,
  ClusterRecord,
  CredentialReportRecord,
  EntityType,
  GroupRecord,
  InlinePolicyRecord,
  IssuerKeyRecord,
  InstanceProfileRecord,
  IssuerRecord,
  LoginProfileRecord,
  ManagedPolicyRecord,
  MfaAssignment,
  MfaDeviceRecord,
  NamePage,
  PasswordPolicyRecord,
  SamlAssertionUse,
  PolicyUses,
  OidcProviderRecord,
  PolicyVersionRecord,
  RoleRecord,
  SamlProviderRecord,
  ServiceLinkedRoleDeletionRecord,
  SessionKeyRecord,
  UserRecord,
} from './ports.js'
import type { IdpAppRepository, IdpDirectoryRepository } from './idp-repositories.js'

/** Accounts and their aliases: an account has at most one alias, unique across all accounts. */
export interface AccountRepository {
  get(accountId: string): Promise<AccountRecord | undefined>
  insert(account: AccountRecord): Promise<void>
  listAliases(accountId: string): Promise<string[]>
  /** Which account holds this alias, if any: aliases are unique across all accounts. */
  findByAlias(alias: string): Promise<string | undefined>
  insertAlias(accountId: string, alias: string): Promise<void>
  deleteAlias(accountId: string, alias: string): Promise<void>
}

/** IAM users; names unique per account without regard to case. */
export interface UserRepository {
  getByName(accountId: string, userName: string): Promise<UserRecord | undefined>
  getById(userId: string): Promise<UserRecord | undefined>
  list(accountId: string, page?: NamePage): Promise<UserRecord[]>
  /** How many the account holds, for its quota. */
  count(accountId: string): Promise<number>
  insert(user: UserRecord): Promise<void>
  /** Replaces the mutable fields (name, path, arn, boundary, tags) of the user with this id. */
  update(user: UserRecord): Promise<void>
  delete(userId: string): Promise<void>
}

/** IAM groups and their members. */
export interface GroupRepository {
  getByName(accountId: string, groupName: string): Promise<GroupRecord | undefined>
  list(accountId: string, page?: NamePage): Promise<GroupRecord[]>
  /** How many the account holds, for its quota. */
  count(accountId: string): Promise<number>
  insert(group: GroupRecord): Promise<void>
  update(group: GroupRecord): Promise<void>
  delete(groupId: string): Promise<void>
  addMember(groupId: string, userId: string): Promise<void>
  removeMember(groupId: string, userId: string): Promise<void>
  listForUser(userId: string): Promise<GroupRecord[]>
  listMembers(groupId: string): Promise<UserRecord[]>
}

/** IAM roles with their trust policies and last use. */
export interface RoleRepository {
  getByName(accountId: string, roleName: string): Promise<RoleRecord | undefined>
  getById(roleId: string): Promise<RoleRecord | undefined>
  list(accountId: string, page?: NamePage): Promise<RoleRecord[]>
  /** How many the account holds, for its quota. */
  count(accountId: string): Promise<number>
  insert(role: RoleRecord): Promise<void>
  /** Replaces the mutable fields of the role with this id. */
  update(role: RoleRecord): Promise<void>
  delete(roleId: string): Promise<void>
}

/** Users' long-term access keys; secrets are sealed at rest. */
export interface AccessKeyRepository {
  get(accessKeyId: string): Promise<AccessKeyRecord | undefined>
  listForUser(userId: string): Promise<AccessKeyRecord[]>
  insert(key: AccessKeyRecord): Promise<void>
  update(key: AccessKeyRecord): Promise<void>
  delete(accessKeyId: string): Promise<void>
}

/** Customer managed policies and their versions (AWS managed ones live in a read-only catalogue). */
export interface PolicyRepository {
  get(policyArn: string): Promise<ManagedPolicyRecord | undefined>
  list(accountId: string, page?: NamePage): Promise<ManagedPolicyRecord[]>
  /** How many the account holds, for its quota. */
  count(accountId: string): Promise<number>
  insert(policy: ManagedPolicyRecord): Promise<void>
  update(policy: ManagedPolicyRecord): Promise<void>
  delete(policyArn: string): Promise<void>
  getVersion(policyArn: string, versionId: string): Promise<PolicyVersionRecord | undefined>
  /** Oldest first. */
  listVersions(policyArn: string): Promise<PolicyVersionRecord[]>
  /** How many versions the account's policies hold in all (GetAccountSummary). */
  countVersions(accountId: string): Promise<number>
  insertVersion(version: PolicyVersionRecord): Promise<void>
  deleteVersion(policyArn: string, versionId: string): Promise<void>
}

/** Managed policies attached to users, groups and roles, by entity id. */
export interface AttachmentRepository {
  attach(attachment: AttachmentRecord): Promise<void>
  detach(attachment: AttachmentRecord): Promise<void>
  /** Policy ARNs attached to one entity, in attachment order. */
  listForEntity(entityType: EntityType, entityId: string): Promise<string[]>
  listEntities(accountId: string, policyArn: string): Promise<AttachedEntity[]>
  /**
   * How many entities of the account use each of `policyArns` (every policy used, without it):
   * attached, and as a permissions boundary, counted apart. Unused policies are absent.
   */
  countUses(accountId: string, policyArns?: readonly string[]): Promise<PolicyUses>
  /** Every attachment in the account, for GetAccountAuthorizationDetails and policy listings. */
  listInAccount(accountId: string): Promise<AttachmentRecord[]>
}

/** Inline policies embedded in users, groups and roles; names match without regard to case. */
export interface InlinePolicyRepository {
  get(
    entityType: EntityType,
    entityId: string,
    policyName: string,
  ): Promise<InlinePolicyRecord | undefined>
  /** Sorted by policy name. */
  list(entityType: EntityType, entityId: string): Promise<InlinePolicyRecord[]>
  /** Inserts or replaces. */
  put(policy: InlinePolicyRecord): Promise<void>
  delete(entityType: EntityType, entityId: string, policyName: string): Promise<void>
}

/** IAM OIDC identity providers, by ARN; a URL is unique per account. */
export interface OidcProviderRepository {
  get(arn: string): Promise<OidcProviderRecord | undefined>
  list(accountId: string): Promise<OidcProviderRecord[]>
  /** The providers of every account registered for this URL (without `https://`), by ARN. */
  listByUrl(url: string): Promise<OidcProviderRecord[]>
  insert(provider: OidcProviderRecord): Promise<void>
  update(provider: OidcProviderRecord): Promise<void>
  delete(arn: string): Promise<void>
}

/** IAM SAML identity providers, by ARN. */
export interface SamlProviderRepository {
  get(arn: string): Promise<SamlProviderRecord | undefined>
  list(accountId: string): Promise<SamlProviderRecord[]>
  insert(provider: SamlProviderRecord): Promise<void>
  update(provider: SamlProviderRecord): Promise<void>
  delete(arn: string): Promise<void>
}

/** The STS session keyring, newest key first; secrets are sealed at rest. */
export interface SessionKeyRepository {
  list(): Promise<SessionKeyRecord[]>
  insert(key: SessionKeyRecord): Promise<void>
  update(key: SessionKeyRecord): Promise<void>
  delete(keyId: string): Promise<void>
}

/** Built-in OIDC issuers per account and their signing keys, newest first; private keys are sealed at rest. */
export interface IssuerRepository {
  get(accountId: string, name: string): Promise<IssuerRecord | undefined>
  list(accountId: string): Promise<IssuerRecord[]>
  insert(issuer: IssuerRecord): Promise<void>
  delete(accountId: string, name: string): Promise<void>
  listKeys(accountId: string, issuerName: string): Promise<IssuerKeyRecord[]>
  insertKey(key: IssuerKeyRecord): Promise<void>
  updateKey(key: IssuerKeyRecord): Promise<void>
  deleteKey(accountId: string, issuerName: string, kid: string): Promise<void>
}

/**
 * Virtual MFA devices by serial number (their ARN); a path and name are unique per account without
 * regard to case. Seeds are sealed at rest.
 */
export interface MfaDeviceRepository {
  get(serialNumber: string): Promise<MfaDeviceRecord | undefined>
  /** The account's device at this path with this name, compared without regard to case. */
  getByName(accountId: string, path: string, name: string): Promise<MfaDeviceRecord | undefined>
  /**
   * The account's devices in the order of their path and name (without regard to case), those
   * assigned or not: after `after` (a path and name), `limit` at most.
   */
  list(
    accountId: string,
    page?: { assignment?: MfaAssignment; after?: string | undefined; limit?: number },
  ): Promise<MfaDeviceRecord[]>
  /** The devices enabled for a user, oldest enabled first. */
  listForUser(userId: string): Promise<MfaDeviceRecord[]>
  /** How many the account holds, those assigned or not. */
  count(accountId: string, assignment?: MfaAssignment): Promise<number>
  insert(device: MfaDeviceRecord): Promise<void>
  /** Replaces the assignment, what verification learned, and the tags; the seed never changes. */
  update(device: MfaDeviceRecord): Promise<void>
  delete(serialNumber: string): Promise<void>
}

/** Each account's latest credential report; generating another replaces it. */
export interface CredentialReportRepository {
  get(accountId: string): Promise<CredentialReportRecord | undefined>
  /** Inserts or replaces the account's report. */
  put(report: CredentialReportRecord): Promise<void>
}

/** Deletion tasks of service-linked roles, by task id. */
export interface ServiceLinkedRoleDeletionRepository {
  get(deletionTaskId: string): Promise<ServiceLinkedRoleDeletionRecord | undefined>
  insert(task: ServiceLinkedRoleDeletionRecord): Promise<void>
}

/** Instance profiles; names unique per account without regard to case, each with at most one role. */
export interface InstanceProfileRepository {
  getByName(accountId: string, name: string): Promise<InstanceProfileRecord | undefined>
  list(accountId: string, page?: NamePage): Promise<InstanceProfileRecord[]>
  /** The profiles that hold the role, by name; `page.pathPrefix` is not used. */
  listForRole(roleId: string, page?: NamePage): Promise<InstanceProfileRecord[]>
  /** How many the account holds, for its quota. */
  count(accountId: string): Promise<number>
  insert(profile: InstanceProfileRecord): Promise<void>
  /** Replaces the tags and the role of the profile with this id. */
  update(profile: InstanceProfileRecord): Promise<void>
  delete(instanceProfileId: string): Promise<void>
}

/** Users' console passwords (login profiles), one per user at most, by the user's id. */
export interface LoginProfileRepository {
  get(userId: string): Promise<LoginProfileRecord | undefined>
  insert(profile: LoginProfileRecord): Promise<void>
  /** Replaces the password, its history and the reset flag of the user's profile. */
  update(profile: LoginProfileRecord): Promise<void>
  delete(userId: string): Promise<void>
}

/** Each account's custom password policy, at most one. */
export interface PasswordPolicyRepository {
  get(accountId: string): Promise<PasswordPolicyRecord | undefined>
  /** Inserts or replaces the account's policy. */
  put(policy: PasswordPolicyRecord): Promise<void>
  delete(accountId: string): Promise<void>
}

/**
 * Kubernetes clusters and their objects. Names (of clusters and objects) are case-sensitive, as in
 * Kubernetes; lists come sorted bytewise. Deleting a cluster deletes its objects.
 */
export interface ClusterRepository {
  get(accountId: string, name: string): Promise<ClusterRecord | undefined>
  /** The account's clusters by name. */
  list(accountId: string): Promise<ClusterRecord[]>
  /** The clusters of every account with this name, by account. */
  listByName(name: string): Promise<ClusterRecord[]>
  /** The account's cluster whose service-account tokens this built-in issuer signs, if any. */
  getByIssuer(accountId: string, issuerName: string): Promise<ClusterRecord | undefined>
  insert(cluster: ClusterRecord): Promise<void>
  /** Deletes the cluster and every object it holds. */
  delete(accountId: string, name: string): Promise<void>
  /** The cluster's objects by kind, namespace and name; of one kind, or one namespace, if asked. */
  listObjects(
    accountId: string,
    clusterName: string,
    filter?: { kind?: string | undefined; namespace?: string | undefined },
  ): Promise<ClusterObjectRecord[]>
  getObject(
    accountId: string,
    clusterName: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<ClusterObjectRecord | undefined>
  /** Inserts the object, or replaces the one with its kind, namespace and name. */
  putObject(accountId: string, clusterName: string, object: ClusterObjectRecord): Promise<void>
  deleteObject(
    accountId: string,
    clusterName: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<void>
  /**
   * Moves the cluster's resource version counter on by `count` and answers the first of the
   * numbers reserved (the counter starts at 0, so the first object written gets 1).
   */
  reserveResourceVersions(accountId: string, clusterName: string, count: number): Promise<number>
  /**
   * The cluster's webhook token (opened), or undefined when there is no such cluster or it has
   * none yet (made before tokens were).
   */
  getWebhookToken(accountId: string, name: string): Promise<string | undefined>
  /** Replaces the cluster's webhook token; stored sealed. Refused when there is no such cluster. */
  setWebhookToken(accountId: string, name: string, token: string): Promise<void>
  /** The webhook tokens (opened) of every account's cluster named `name` that has one, by account. */
  webhookTokensByName(name: string): Promise<Array<{ accountId: string; token: string }>>
}

/**
 * The SAML assertions accepted and not yet expired. Noting one is no input to any cached
 * decision, so it does not move the store's generation.
 */
export interface SamlAssertionRepository {
  /** Records the first use of an assertion: true when it is new, false when it is recorded. */
  claim(use: SamlAssertionUse): Promise<boolean>
  /** Drops the records that expired before `expiredBefore`; how many it dropped. */
  prune(expiredBefore: Date): Promise<number>
}

/** What one transaction may read and write: every repository, on the transaction's connection. */
export interface Repositories {
  readonly accounts: AccountRepository
  readonly users: UserRepository
  readonly groups: GroupRepository
  readonly roles: RoleRepository
  readonly accessKeys: AccessKeyRepository
  readonly policies: PolicyRepository
  readonly attachments: AttachmentRepository
  readonly inlinePolicies: InlinePolicyRepository
  readonly oidcProviders: OidcProviderRepository
  readonly samlProviders: SamlProviderRepository
  readonly sessionKeys: SessionKeyRepository
  readonly issuers: IssuerRepository
  readonly mfaDevices: MfaDeviceRepository
  readonly credentialReports: CredentialReportRepository
  readonly serviceLinkedRoleDeletions: ServiceLinkedRoleDeletionRepository
  readonly instanceProfiles: InstanceProfileRepository
  readonly loginProfiles: LoginProfileRepository
  readonly passwordPolicies: PasswordPolicyRepository
  readonly clusters: ClusterRepository
  readonly samlAssertions: SamlAssertionRepository
  readonly idpDirectory: IdpDirectoryRepository
  readonly idpApps: IdpAppRepository
}
