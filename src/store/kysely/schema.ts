// The tables as Kysely sees them. Dates are ISO-8601 text (exact to the millisecond on every
// backend); tags and string lists are JSON text, which keeps their order.

import type { Generated } from 'kysely'
import type { EntityType } from '../ports.js'

export interface AccountsTable {
  account_id: string
  create_date: string
}

export interface AccountAliasesTable {
  alias: string
  account_id: string
}

export interface UsersTable {
  user_id: string
  account_id: string
  user_name: string
  /** `user_name` lower-cased: the unique, sortable key that makes names case-insensitive. */
  name_key: string
  path: string
  arn: string
  create_date: string
  permissions_boundary_arn: string | null
  tags: string
}

export interface GroupsTable {
  group_id: string
  account_id: string
  group_name: string
  name_key: string
  path: string
  arn: string
  create_date: string
}

export interface GroupMembersTable {
  group_id: string
  user_id: string
}

export interface RolesTable {
  role_id: string
  account_id: string
  role_name: string
  name_key: string
  path: string
  arn: string
  create_date: string
  assume_role_policy_document: string
  description: string | null
  max_session_duration: number
  permissions_boundary_arn: string | null
  tags: string
  last_used_date: string | null
  last_used_region: string | null
}

export interface AccessKeysTable {
  access_key_id: string
  account_id: string
  user_id: string
  secret_access_key: string
  status: string
  create_date: string
  last_used_date: string | null
  last_used_service: string | null
  last_used_region: string | null
}

export interface PoliciesTable {
  policy_id: string
  account_id: string
  policy_name: string
  name_key: string
  path: string
  arn: string
  description: string | null
  default_version_id: string
  next_version_number: number
  create_date: string
  update_date: string
  tags: string
}

export interface PolicyVersionsTable {
  policy_arn: string
  version_id: string
  account_id: string
  document: string
  create_date: string
}

/**
 * Relations to a user, group or role carry the id twice: in `entity_id` for lookups, and in the
 * one column of `user_id`/`group_id`/`role_id` that matches the type, so a foreign key guards it.
 */
export interface EntityRef {
  account_id: string
  entity_type: EntityType
  entity_id: string
  user_id: string | null
  group_id: string | null
  role_id: string | null
}

export interface PolicyAttachmentsTable extends EntityRef {
  /** Insertion order, so attachments list in the order they were made. */
  seq: Generated<number>
  policy_arn: string
}

export interface InlinePoliciesTable extends EntityRef {
  policy_name: string
  name_key: string
  document: string
}

export interface OidcProvidersTable {
  arn: string
  account_id: string
  url: string
  client_ids: string
  thumbprints: string
  create_date: string
  tags: string
}

export interface SamlProvidersTable {
  arn: string
  account_id: string
  name: string
  name_key: string
  metadata_document: string
  certificates: string
  entity_id: string
  valid_until: string
  create_date: string
  tags: string
}

export interface SessionKeysTable {
  key_id: string
  secret: string
  create_date: string
  retire_date: string | null
}

export interface IssuersTable {
  account_id: string
  /** Case-sensitive, unlike IAM names: it is a path segment of the issuer's URL. */
  name: string
  create_date: string
}

export interface IssuerKeysTable {
  account_id: string
  issuer_name: string
  kid: string
  algorithm: string
  private_jwk: string
  public_jwk: string
  create_date: string
  retire_date: string | null
}

export interface MfaDevicesTable {
  serial_number: string
  account_id: string
  name: string
  path: string
  /** `path + name` lower-cased: unique per account, and the order devices list in. */
  name_key: string
  /** Sealed. */
  seed: string
  user_id: string | null
  enable_date: string | null
  last_step: number | null
  step_offset: number
  create_date: string
  tags: string
}

/** Settings of the store itself; not wiped with the data. */
export interface StoreSettingsTable {
  name: string
  value: string
}

/** Each account's latest credential report, as GenerateCredentialReport made it. */
export interface CredentialReportsTable {
  account_id: string
  generated_time: string
  content: string
}

/** DeleteServiceLinkedRole's tasks, by the id it answered with. */
export interface ServiceLinkedRoleDeletionsTable {
  deletion_task_id: string
  account_id: string
  status: string
  create_date: string
}

export interface InstanceProfilesTable {
  instance_profile_id: string
  account_id: string
  instance_profile_name: string
  name_key: string
  path: string
  arn: string
  create_date: string
  tags: string
  /** The one role the profile holds, if any; a foreign key keeps DeleteRole from orphaning it. */
  role_id: string | null
}

/** Booleans are 0 or 1 on both backends. */
export interface LoginProfilesTable {
  user_id: string
  account_id: string
  create_date: string
  password_hash: string
  password_reset_required: number
  password_last_changed: string
  /** JSON list of password hashes, newest first. */
  password_history: string
}

export interface AccountPasswordPoliciesTable {
  account_id: string
  minimum_password_length: number
  require_symbols: number
  require_numbers: number
  require_uppercase_characters: number
  require_lowercase_characters: number
  allow_users_to_change_password: number
  max_password_age: number | null
  password_reuse_prevention: number | null
  hard_expiry: number
}

/** Kubernetes clusters; names are case-sensitive. */
export interface ClustersTable {
  account_id: string
  name: string
  cluster_id: string
  arn: string
  region: string
  issuer_name: string
  create_date: string
  /** The last resource version given to one of the cluster's objects. */
  resource_version: number
  /** The webhook token, sealed; null for a cluster made before 0012 until it is first fetched. */
  webhook_token: string | null
}

/** A cluster's objects; `namespace` is '' for cluster-scoped kinds, `body` the object's JSON. */
export interface ClusterObjectsTable {
  account_id: string
  cluster_name: string
  kind: string
  namespace: string
  name: string
  uid: string
  resource_version: number
  body: string
}

/** An accepted SAML assertion, by a hash of its issuer and ID, until it expires. */
export interface SamlAssertionUsesTable {
  use_key: string
  expires_at: string
}

/** The built-in IdP's users; `totp_seed` is sealed, `session_tags` JSON text. */
export interface IdpUsersTable {
  user_id: string
  account_id: string
  user_name: string
  name_key: string
  email: string | null
  password_hash: string
  password_changed: string
  totp_seed: string | null
  totp_last_step: number | null
  session_tags: string
  create_date: string
}

export interface IdpGroupsTable {
  group_id: string
  account_id: string
  group_name: string
  name_key: string
  create_date: string
}

export interface IdpGroupMembersTable {
  group_id: string
  user_id: string
}

/** A role assigned to a user or a group: the id twice, as EntityRef does, so a key guards it. */
export interface IdpAssignmentsTable {
  account_id: string
  principal_type: 'user' | 'group'
  principal_id: string
  user_id: string | null
  group_id: string | null
  role_arn: string
  create_date: string
}

/** One AWS Account Federation app per account; `secret_access_key` and `cookie_key` are sealed. */
export interface IdpAppsTable {
  account_id: string
  create_date: string
  access_key_id: string | null
  secret_access_key: string | null
  provider_arn: string | null
  session_duration: number
  cookie_key: string
}

/** `private_key` is sealed. */
export interface IdpSigningKeysTable {
  account_id: string
  key_id: string
  private_key: string
  certificate: string
  create_date: string
  signing_since: string | null
  retire_date: string | null
}

export interface Database {
  accounts: AccountsTable
  account_aliases: AccountAliasesTable
  users: UsersTable
  groups: GroupsTable
  group_members: GroupMembersTable
  roles: RolesTable
  access_keys: AccessKeysTable
  policies: PoliciesTable
  policy_versions: PolicyVersionsTable
  policy_attachments: PolicyAttachmentsTable
  inline_policies: InlinePoliciesTable
  oidc_providers: OidcProvidersTable
  saml_providers: SamlProvidersTable
  session_keys: SessionKeysTable
  issuers: IssuersTable
  issuer_keys: IssuerKeysTable
  store_settings: StoreSettingsTable
  mfa_devices: MfaDevicesTable
  credential_reports: CredentialReportsTable
  service_linked_role_deletions: ServiceLinkedRoleDeletionsTable
  instance_profiles: InstanceProfilesTable
  login_profiles: LoginProfilesTable
  account_password_policies: AccountPasswordPoliciesTable
  clusters: ClustersTable
  cluster_objects: ClusterObjectsTable
  saml_assertion_uses: SamlAssertionUsesTable
  idp_users: IdpUsersTable
  idp_groups: IdpGroupsTable
  idp_group_members: IdpGroupMembersTable
  idp_assignments: IdpAssignmentsTable
  idp_apps: IdpAppsTable
  idp_signing_keys: IdpSigningKeysTable
}

/** Every table, children before parents: the order in which rows can be deleted. */
export const tablesChildFirst = [
  'instance_profiles',
  'login_profiles',
  'account_password_policies',
  'policy_attachments',
  'inline_policies',
  'group_members',
  'access_keys',
  'mfa_devices',
  'policy_versions',
  'policies',
  'users',
  'groups',
  'roles',
  'oidc_providers',
  'saml_providers',
  'issuer_keys',
  'issuers',
  'session_keys',
  'account_aliases',
  'accounts',
  'credential_reports',
  'service_linked_role_deletions',
  'cluster_objects',
  'clusters',
  'saml_assertion_uses',
  'idp_group_members',
  'idp_assignments',
  'idp_users',
  'idp_groups',
  'idp_signing_keys',
  'idp_apps',
] as const satisfies readonly (keyof Database)[]
