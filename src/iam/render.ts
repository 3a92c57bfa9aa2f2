// The User, Group, Role and AccessKey result elements, in AWS's element order and with the member
// set each operation returns (listings and Create calls return fewer members than Get calls).
import type { ResultObject } from '../core/result.js'
import type { AccessKeyRecord, GroupRecord, RoleRecord, UserRecord } from '../store/ports.js'
import { optionalTags } from './tags.js'

/**
 * Policy documents travel URL-encoded inside the XML, as AWS sends them; the CLI and SDKs decode
 * them. `encodeURIComponent` matches AWS's encoding of the characters a policy can hold.
 */
export const encodePolicyDocument = (document: string): string => encodeURIComponent(document)

/** `PermissionsBoundary` (AttachedPermissionsBoundary), absent when the entity has none. */
export const renderPermissionsBoundary = (arn: string | null): ResultObject | undefined =>
  arn === null ? undefined : { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn }

/**
 * `full`: CreateUser and GetUser (with PermissionsBoundary and Tags when set).
 * `listing`: ListUsers and GetGroup's members, which AWS returns without boundary and tags.
 */
export type UserView = 'full' | 'listing'

export function renderUser(user: UserRecord, view: UserView = 'full'): ResultObject {
  const result: ResultObject = {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createDate,
  }
  if (view === 'full') {
    result['PermissionsBoundary'] = renderPermissionsBoundary(user.permissionsBoundaryArn)
    result['Tags'] = optionalTags(user.tags)
  }
  return result
}

export function renderGroup(group: GroupRecord): ResultObject {
  return {
    Path: group.path,
    GroupName: group.groupName,
    GroupId: group.groupId,
    Arn: group.arn,
    CreateDate: group.createDate,
  }
}

/**
 * Which Role members an operation returns (recorded against AWS):
 * `get`: GetRole, everything including RoleLastUsed (an empty element when never used).
 * `create`: CreateRole, without Description, MaxSessionDuration and RoleLastUsed.
 * `listing`: ListRoles, without PermissionsBoundary, Tags and RoleLastUsed.
 * `description`: UpdateRoleDescription, without MaxSessionDuration and RoleLastUsed.
 */
export type RoleView = 'get' | 'create' | 'listing' | 'description'

export function renderRole(role: RoleRecord, view: RoleView = 'get'): ResultObject {
  const result: ResultObject = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
  }
  if (view !== 'create' && role.description !== null) result['Description'] = role.description
  if (view === 'get' || view === 'listing') result['MaxSessionDuration'] = role.maxSessionDuration
  if (view !== 'listing') {
    result['PermissionsBoundary'] = renderPermissionsBoundary(role.permissionsBoundaryArn)
    result['Tags'] = optionalTags(role.tags)
  }
  if (view === 'get') result['RoleLastUsed'] = renderRoleLastUsed(role)
  return result
}

const renderRoleLastUsed = (role: RoleRecord): ResultObject =>
  role.lastUsed === null ? {} : { LastUsedDate: role.lastUsed.date, Region: role.lastUsed.region }

/** CreateAccessKey's AccessKey: the only answer that ever carries the secret. */
export function renderNewAccessKey(key: AccessKeyRecord, userName: string): ResultObject {
  return {
    UserName: userName,
    AccessKeyId: key.accessKeyId,
    Status: key.status,
    SecretAccessKey: key.secretAccessKey,
    CreateDate: key.createDate,
  }
}

/** ListAccessKeys' AccessKeyMetadata members. */
export function renderAccessKeyMetadata(key: AccessKeyRecord, userName: string): ResultObject {
  return {
    UserName: userName,
    AccessKeyId: key.accessKeyId,
    Status: key.status,
    CreateDate: key.createDate,
  }
}
