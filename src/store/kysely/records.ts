// Conversions between the port's records and table rows: ISO text for dates, JSON text for tags
// and ordered string lists, lower-cased name keys for case-insensitive uniqueness and sorting.

import type { Selectable } from 'kysely'
import type {
  AccessKeyRecord,
  AccessKeyStatus,
  EntityType,
  GroupRecord,
  InlinePolicyRecord,
  IssuerKeyRecord,
  IssuerRecord,
  ManagedPolicyRecord,
  MfaDeviceRecord,
  OidcProviderRecord,
  PolicyVersionRecord,
  RoleRecord,
  SamlProviderRecord,
  SessionKeyRecord,
  Tag,
  UserRecord,
} from '../ports.js'
import type {
  AccessKeysTable,
  EntityRef,
  GroupsTable,
  InlinePoliciesTable,
  IssuerKeysTable,
  IssuersTable,
  MfaDevicesTable,
  OidcProvidersTable,
  PoliciesTable,
  PolicyVersionsTable,
  RolesTable,
  SamlProvidersTable,
  SessionKeysTable,
  UsersTable,
} from './schema.js'

/** The key a name is unique and sorted by: AWS does not distinguish names by case. */
export const nameKey = (name: string): string => name.toLowerCase()

export const toText = (date: Date): string => date.toISOString()
export const fromText = (text: string): Date => new Date(text)

// Only key and value are stored, so a caller's extra properties never leak into the database.
export const tagsToText = (tags: readonly Tag[]): string =>
  JSON.stringify(tags.map(({ key, value }) => ({ key, value })))
export const tagsFromText = (text: string): Tag[] => JSON.parse(text) as Tag[]
export const listToText = (list: readonly string[]): string => JSON.stringify(list)
export const listFromText = (text: string): string[] => JSON.parse(text) as string[]

export const entityRef = (
  accountId: string,
  entityType: EntityType,
  entityId: string,
): EntityRef => ({
  account_id: accountId,
  entity_type: entityType,
  entity_id: entityId,
  user_id: entityType === 'user' ? entityId : null,
  group_id: entityType === 'group' ? entityId : null,
  role_id: entityType === 'role' ? entityId : null,
})

export const userRow = (user: UserRecord): UsersTable => ({
  user_id: user.userId,
  account_id: user.accountId,
  user_name: user.userName,
  name_key: nameKey(user.userName),
  path: user.path,
  arn: user.arn,
  create_date: toText(user.createDate),
  permissions_boundary_arn: user.permissionsBoundaryArn,
  tags: tagsToText(user.tags),
})

export const userRecord = (row: Selectable<UsersTable>): UserRecord => ({
  accountId: row.account_id,
  userId: row.user_id,
  userName: row.user_name,
  path: row.path,
  arn: row.arn,
  createDate: fromText(row.create_date),
  permissionsBoundaryArn: row.permissions_boundary_arn,
  tags: tagsFromText(row.tags),
})

export const groupRow = (group: GroupRecord): GroupsTable => ({
  group_id: group.groupId,
  account_id: group.accountId,
  group_name: group.groupName,
  name_key: nameKey(group.groupName),
  path: group.path,
  arn: group.arn,
  create_date: toText(group.createDate),
})

export const groupRecord = (row: Selectable<GroupsTable>): GroupRecord => ({
  accountId: row.account_id,
  groupId: row.group_id,
  groupName: row.group_name,
  path: row.path,
  arn: row.arn,
  createDate: fromText(row.create_date),
})

export const roleRow = (role: RoleRecord): RolesTable => ({
  role_id: role.roleId,
  account_id: role.accountId,
  role_name: role.roleName,
  name_key: nameKey(role.roleName),
  path: role.path,
  arn: role.arn,
  create_date: toText(role.createDate),
  assume_role_policy_document: role.assumeRolePolicyDocument,
  description: role.description,
  max_session_duration: role.maxSessionDuration,
  permissions_boundary_arn: role.permissionsBoundaryArn,
  tags: tagsToText(role.tags),
  last_used_date: role.lastUsed === null ? null : toText(role.lastUsed.date),
  last_used_region: role.lastUsed === null ? null : role.lastUsed.region,
})

export const roleRecord = (row: Selectable<RolesTable>): RoleRecord => ({
  accountId: row.account_id,
  roleId: row.role_id,
  roleName: row.role_name,
  path: row.path,
  arn: row.arn,
  createDate: fromText(row.create_date),
  assumeRolePolicyDocument: row.assume_role_policy_document,
  description: row.description,
  maxSessionDuration: row.max_session_duration,
  permissionsBoundaryArn: row.permissions_boundary_arn,
  tags: tagsFromText(row.tags),
  lastUsed:
    row.last_used_date === null
      ? null
      : { date: fromText(row.last_used_date), region: row.last_used_region ?? '' },
})

export const accessKeyRow = (key: AccessKeyRecord): AccessKeysTable => ({
  access_key_id: key.accessKeyId,
  account_id: key.accountId,
  user_id: key.userId,
  secret_access_key: key.secretAccessKey,
  status: key.status,
  create_date: toText(key.createDate),
  last_used_date: key.lastUsed === null ? null : toText(key.lastUsed.date),
  last_used_service: key.lastUsed === null ? null : key.lastUsed.serviceName,
  last_used_region: key.lastUsed === null ? null : key.lastUsed.region,
})

export const accessKeyRecord = (row: Selectable<AccessKeysTable>): AccessKeyRecord => ({
  accessKeyId: row.access_key_id,
  accountId: row.account_id,
  userId: row.user_id,
  secretAccessKey: row.secret_access_key,
  status: row.status as AccessKeyStatus,
  createDate: fromText(row.create_date),
  lastUsed:
    row.last_used_date === null
      ? null
      : {
          date: fromText(row.last_used_date),
          serviceName: row.last_used_service ?? '',
          region: row.last_used_region ?? '',
        },
})

export const policyRow = (policy: ManagedPolicyRecord): PoliciesTable => ({
  policy_id: policy.policyId,
  account_id: policy.accountId,
  policy_name: policy.policyName,
  name_key: nameKey(policy.policyName),
  path: policy.path,
  arn: policy.arn,
  description: policy.description,
  default_version_id: policy.defaultVersionId,
  next_version_number: policy.nextVersionNumber,
  create_date: toText(policy.createDate),
  update_date: toText(policy.updateDate),
  tags: tagsToText(policy.tags),
})

export const policyRecord = (row: Selectable<PoliciesTable>): ManagedPolicyRecord => ({
  accountId: row.account_id,
  policyId: row.policy_id,
  policyName: row.policy_name,
  path: row.path,
  arn: row.arn,
  description: row.description,
  defaultVersionId: row.default_version_id,
  nextVersionNumber: row.next_version_number,
  createDate: fromText(row.create_date),
  updateDate: fromText(row.update_date),
  tags: tagsFromText(row.tags),
})

export const policyVersionRow = (version: PolicyVersionRecord): PolicyVersionsTable => ({
  policy_arn: version.policyArn,
  version_id: version.versionId,
  account_id: version.accountId,
  document: version.document,
  create_date: toText(version.createDate),
})

export const policyVersionRecord = (row: Selectable<PolicyVersionsTable>): PolicyVersionRecord => ({
  accountId: row.account_id,
  policyArn: row.policy_arn,
  versionId: row.version_id,
  document: row.document,
  createDate: fromText(row.create_date),
})

export const inlinePolicyRow = (policy: InlinePolicyRecord): InlinePoliciesTable => ({
  ...entityRef(policy.accountId, policy.entityType, policy.entityId),
  policy_name: policy.policyName,
  name_key: nameKey(policy.policyName),
  document: policy.document,
})

export const inlinePolicyRecord = (row: Selectable<InlinePoliciesTable>): InlinePolicyRecord => ({
  accountId: row.account_id,
  entityType: row.entity_type,
  entityId: row.entity_id,
  policyName: row.policy_name,
  document: row.document,
})

export const oidcProviderRow = (provider: OidcProviderRecord): OidcProvidersTable => ({
  arn: provider.arn,
  account_id: provider.accountId,
  url: provider.url,
  client_ids: listToText(provider.clientIds),
  thumbprints: listToText(provider.thumbprints),
  create_date: toText(provider.createDate),
  tags: tagsToText(provider.tags),
})

export const oidcProviderRecord = (row: Selectable<OidcProvidersTable>): OidcProviderRecord => ({
  accountId: row.account_id,
  url: row.url,
  arn: row.arn,
  clientIds: listFromText(row.client_ids),
  thumbprints: listFromText(row.thumbprints),
  createDate: fromText(row.create_date),
  tags: tagsFromText(row.tags),
})

export const samlProviderRow = (provider: SamlProviderRecord): SamlProvidersTable => ({
  arn: provider.arn,
  account_id: provider.accountId,
  name: provider.name,
  name_key: nameKey(provider.name),
  metadata_document: provider.metadataDocument,
  certificates: listToText(provider.certificates),
  entity_id: provider.entityId,
  valid_until: toText(provider.validUntil),
  create_date: toText(provider.createDate),
  tags: tagsToText(provider.tags),
})

export const samlProviderRecord = (row: Selectable<SamlProvidersTable>): SamlProviderRecord => ({
  accountId: row.account_id,
  name: row.name,
  arn: row.arn,
  metadataDocument: row.metadata_document,
  certificates: listFromText(row.certificates),
  entityId: row.entity_id,
  validUntil: fromText(row.valid_until),
  createDate: fromText(row.create_date),
  tags: tagsFromText(row.tags),
})

const dateOrNull = (date: Date | null): string | null => (date === null ? null : toText(date))
const dateFromTextOrNull = (text: string | null): Date | null =>
  text === null ? null : fromText(text)

export const sessionKeyRow = (key: SessionKeyRecord): SessionKeysTable => ({
  key_id: key.keyId,
  secret: key.secret,
  create_date: toText(key.createDate),
  retire_date: dateOrNull(key.retireDate),
})

export const sessionKeyRecord = (row: Selectable<SessionKeysTable>): SessionKeyRecord => ({
  keyId: row.key_id,
  secret: row.secret,
  createDate: fromText(row.create_date),
  retireDate: dateFromTextOrNull(row.retire_date),
})

export const issuerRow = (issuer: IssuerRecord): IssuersTable => ({
  name: issuer.name,
  account_id: issuer.accountId,
  create_date: toText(issuer.createDate),
})

export const issuerRecord = (row: Selectable<IssuersTable>): IssuerRecord => ({
  name: row.name,
  accountId: row.account_id,
  createDate: fromText(row.create_date),
})

export const issuerKeyRow = (key: IssuerKeyRecord): IssuerKeysTable => ({
  account_id: key.accountId,
  issuer_name: key.issuerName,
  kid: key.kid,
  algorithm: key.algorithm,
  private_jwk: key.privateJwk,
  public_jwk: key.publicJwk,
  create_date: toText(key.createDate),
  retire_date: dateOrNull(key.retireDate),
})

export const issuerKeyRecord = (row: Selectable<IssuerKeysTable>): IssuerKeyRecord => ({
  accountId: row.account_id,
  issuerName: row.issuer_name,
  kid: row.kid,
  algorithm: row.algorithm,
  privateJwk: row.private_jwk,
  publicJwk: row.public_jwk,
  createDate: fromText(row.create_date),
  retireDate: dateFromTextOrNull(row.retire_date),
})

/** The key a device's path and name are unique and sorted by, without regard to case. */
export const mfaNameKey = (path: string, name: string): string => nameKey(path + name)

export const mfaDeviceRow = (device: MfaDeviceRecord): MfaDevicesTable => ({
  serial_number: device.serialNumber,
  account_id: device.accountId,
  name: device.name,
  path: device.path,
  name_key: mfaNameKey(device.path, device.name),
  seed: device.seed,
  user_id: device.userId,
  enable_date: dateOrNull(device.enableDate),
  last_step: device.lastStep,
  step_offset: device.stepOffset,
  create_date: toText(device.createDate),
  tags: tagsToText(device.tags),
})

export const mfaDeviceRecord = (row: Selectable<MfaDevicesTable>): MfaDeviceRecord => ({
  accountId: row.account_id,
  serialNumber: row.serial_number,
  name: row.name,
  path: row.path,
  seed: row.seed,
  userId: row.user_id,
  enableDate: dateFromTextOrNull(row.enable_date),
  lastStep: row.last_step,
  stepOffset: row.step_offset,
  createDate: fromText(row.create_date),
  tags: tagsFromText(row.tags),
})
