// What the services need from storage, with no SQL in sight: the records, and the Store that runs
// transactions over the repositories of repositories.ts. Every backend (SQLite, PostgreSQL)
// implements these ports and passes the one contract suite in test/store/contract.ts.

import type { Repositories } from './repositories.js'

export interface Tag {
  key: string
  value: string
}

export type EntityType = 'user' | 'group' | 'role'

/**
 * Which part of a list ordered by name to read: the entities whose path starts with `pathPrefix`,
 * named after `after` (or from `from` on, inclusive), compared as the list sorts, without regard
 * to case; `limit` of them at most. A page is read through the name index, so it costs the same
 * however large the account.
 */
export interface NamePage {
  pathPrefix?: string | undefined
  after?: string | undefined
  from?: string | undefined
  limit?: number | undefined
}

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

/** How many entities of an account use each managed policy, by its ARN. */
export interface PolicyUses {
  /** Users, groups and roles the policy is attached to. */
  attachments: Map<string, number>
  /** Users and roles whose permissions boundary it is. */
  boundaries: Map<string, number>
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
 * A virtual MFA device: its TOTP seed (sealed at rest, never returned after creation), the user
 * it is assigned to once enabled, and what verifying its codes has learned: the last time step
 * accepted (a code is good once) and how many steps the device's clock runs from ours.
 */
export interface MfaDeviceRecord {
  accountId: string
  /** The device's ARN, `arn:aws:iam::ACCOUNT:mfa{path}{name}`, which is its serial number. */
  serialNumber: string
  name: string
  path: string
  /** The RFC 4648 base32 seed (RFC 6238 with SHA-1, 6 digits, 30-second steps). */
  seed: string
  userId: string | null
  enableDate: Date | null
  /** The last TOTP time step a code was accepted for; null before any. */
  lastStep: number | null
  /** Steps to add to ours to reach the device's time, learned when enabled or resynced. */
  stepOffset: number
  createDate: Date
  tags: Tag[]
}

/** ListVirtualMFADevices' AssignmentStatus. */
export type MfaAssignment = 'Assigned' | 'Unassigned' | 'Any'

/** An account's latest credential report: the CSV GenerateCredentialReport made, and when. */
export interface CredentialReportRecord {
  accountId: string
  generatedTime: Date
  /** The report's CSV text (GetCredentialReport answers it base64-encoded). */
  content: string
}

/** The status of a deletion task DeleteServiceLinkedRole answered with (AWS's values). */
export type DeletionTaskStatus = 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED' | 'NOT_STARTED'

/** A service-linked role's deletion task, for GetServiceLinkedRoleDeletionStatus. */
export interface ServiceLinkedRoleDeletionRecord {
  /** `task/aws-service-role/SERVICE/ROLE/UUID`. */
  deletionTaskId: string
  accountId: string
  status: DeletionTaskStatus
  createDate: Date
}

/**
 * An instance profile: the container that passes one IAM role to an EC2 instance. AWS lets it
 * hold at most one role, so the role is a single reference, by the role's unique id.
 */
export interface InstanceProfileRecord {
  accountId: string
  instanceProfileId: string
  instanceProfileName: string
  path: string
  arn: string
  createDate: Date
  tags: Tag[]
  roleId: string | null
}

/**
 * A user's console password. Only scrypt hashes are kept (PHC strings, see core/password-hash.ts):
 * the current one, and the recent ones that password reuse prevention compares against.
 */
export interface LoginProfileRecord {
  accountId: string
  userId: string
  createDate: Date
  passwordHash: string
  passwordResetRequired: boolean
  passwordLastChanged: Date
  /** Hashes of the current and earlier passwords, newest first, for reuse prevention. */
  passwordHistory: string[]
}

/** An account's custom password policy (UpdateAccountPasswordPolicy); absent means AWS's default. */
export interface PasswordPolicyRecord {
  accountId: string
  minimumPasswordLength: number
  requireSymbols: boolean
  requireNumbers: boolean
  requireUppercaseCharacters: boolean
  requireLowercaseCharacters: boolean
  allowUsersToChangePassword: boolean
  /** Days a password is valid; null when passwords never expire. */
  maxPasswordAge: number | null
  /** How many previous passwords may not be reused; null when reuse is allowed. */
  passwordReusePrevention: number | null
  hardExpiry: boolean
}

/**
 * A Kubernetes cluster (issue #12): its EKS-style id and ARN, and the built-in issuer that signs
 * its service-account tokens. Names are unique per account and, like Kubernetes names, compared
 * as written. src/kubernetes/objects.ts re-exports it.
 */
export interface ClusterRecord {
  accountId: string
  name: string
  /** EKS's cluster id: 32 upper-case hex digits, also the last part of its issuer's name. */
  id: string
  /** arn:aws:eks:REGION:ACCOUNT:cluster/NAME */
  arn: string
  region: string
  /** The built-in issuer that signs the cluster's service-account tokens. */
  issuerName: string
  createdAt: Date
}

/**
 * One Kubernetes object of a cluster, keyed by kind, namespace ('' for cluster-scoped kinds) and
 * name. `body` is the whole object as JSON text, its metadata's uid and resourceVersion included;
 * the key, uid and resourceVersion are kept beside it as columns.
 */
export interface ClusterObjectRecord {
  kind: string
  namespace: string
  name: string
  uid: string
  resourceVersion: number
  body: string
}

/**
 * A SAML assertion AssumeRoleWithSAML accepted: a key naming it (a hash of its issuer and ID)
 * and until when it could still be accepted; the record must last that long.
 */
export interface SamlAssertionUse {
  key: string
  expiresAt: Date
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
  mfaSeeds: number
  /** The built-in IdP's TOTP seeds, app secrets and signing keys. */
  idpSecrets: number
}

/** How long caches may serve what they read, unless configured (`--max-staleness`). */
export const DEFAULT_MAX_STALENESS_MS = 5000

/**
 * How other processes' commits reach this one: `none` (no other process writes to the database),
 * `data-version` (SQLite, asked before every request), `hearing` (PostgreSQL notifications
 * arrive and the heartbeat comes back) or `deaf` (they do not: every request reads through).
 */
export type NotificationState = 'none' | 'data-version' | 'hearing' | 'deaf'

/** Why a PostgreSQL listener counts as deaf. */
export type DeafCause = 'heartbeat-missed' | 'connection-lost'

export interface Freshness {
  notifications: NotificationState
  /** While deaf: since when, and why. */
  deafSince?: Date | undefined
  deafCause?: DeafCause | undefined
  /** How long ago the oldest data any cache may serve now was read, in milliseconds. */
  cacheAgeMs: number
  /** The most that age reaches before every cache reads again. */
  maxStalenessMs: number
}

export interface Store {
  /**
   * Runs `work` in one database transaction: it commits when `work` resolves and rolls back,
   * writing nothing, when it throws. Concurrent transactions are serialised where the backend
   * needs it.
   */
  transaction<T>(work: (repo: Repositories) => Promise<T>): Promise<T>
  /**
   * Runs `work` in a read-only transaction: one consistent snapshot that neither waits for nor
   * holds up writes (a SQLite file reads on a connection of its own; PostgreSQL begins READ ONLY).
   * A write inside it is refused. Not nested in, nor nesting, `transaction`.
   */
  read<T>(work: (repo: Repositories) => Promise<T>): Promise<T>
  /**
   * Caches compare it to stay fresh: it moves after every committed transaction that wrote, and,
   * when noticeOtherWriters looks, after writes of other processes and once the caches' data has
   * reached the maximum staleness. A cache keeps an entry only while it has not moved.
   */
  readonly generation: number
  /**
   * Moves `generation` when another process sharing the database (a `--workers` sibling, another
   * replica) committed a write since the last look, when this process cannot tell whether one did
   * (its PostgreSQL listener is down or missed a heartbeat: then every look moves it, so caches
   * hold nothing), and when the maximum staleness has passed since it last moved. Synchronous and
   * cheap; called at the start of every request.
   */
  noticeOtherWriters(): void
  /** What this process knows of other writers and how old its caches' data may be, for health. */
  freshness(): Freshness
  /**
   * Moves the last use of each access key and role forward to the one given, in one short write
   * outside `transaction`: an older or equal date and an id no longer stored change nothing. Last
   * use is no input to any cached decision, so the generation does not move.
   */
  recordUse(uses: UsageBatch): Promise<void>
  /**
   * Seals every stored secret (access keys' secrets, session keys, issuers' private keys, MFA seeds, the IdP's secrets) with the
   * master key that seals now, in one transaction: run after a new master key was put first.
   */
  resealSecrets(): Promise<ResealCount>
  /** Drops every row of every table, leaving the schema; for the reset endpoints. */
  wipe(): Promise<void>
  close(): Promise<void>
}
