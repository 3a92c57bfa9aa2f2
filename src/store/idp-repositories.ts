// The built-in identity provider's repositories, as a transaction hands them out beside the IAM
// ones (repositories.ts): the directory, and the AWS Account Federation app of each account.
import type {
  IdpAppRecord,
  IdpAssignmentRecord,
  IdpGroupRecord,
  IdpPrincipalType,
  IdpSigningKeyRecord,
  IdpUserRecord,
} from './idp-records.js'

/** IdP users and groups; names unique per account without regard to case, listed by name. */
export interface IdpDirectoryRepository {
  getUser(accountId: string, userName: string): Promise<IdpUserRecord | undefined>
  getUserById(userId: string): Promise<IdpUserRecord | undefined>
  listUsers(accountId: string): Promise<IdpUserRecord[]>
  insertUser(user: IdpUserRecord): Promise<void>
  /** Replaces the email, password, TOTP seed and step, and session tags. */
  updateUser(user: IdpUserRecord): Promise<void>
  /** Deletes the user with its memberships and role assignments. */
  deleteUser(userId: string): Promise<void>
  getGroup(accountId: string, groupName: string): Promise<IdpGroupRecord | undefined>
  listGroups(accountId: string): Promise<IdpGroupRecord[]>
  insertGroup(group: IdpGroupRecord): Promise<void>
  /** Deletes the group with its memberships and role assignments. */
  deleteGroup(groupId: string): Promise<void>
  /** Adding a member twice changes nothing. */
  addMember(groupId: string, userId: string): Promise<void>
  removeMember(groupId: string, userId: string): Promise<void>
  /** The group's members by name. */
  listMembers(groupId: string): Promise<IdpUserRecord[]>
  /** The user's groups by name. */
  listGroupsOf(userId: string): Promise<IdpGroupRecord[]>
}

/** Each account's app: its settings, signing keys (newest first) and role assignments. */
export interface IdpAppRepository {
  get(accountId: string): Promise<IdpAppRecord | undefined>
  insert(app: IdpAppRecord): Promise<void>
  /** Replaces the access key, provider and session duration; the cookie key never changes. */
  update(app: IdpAppRecord): Promise<void>
  listKeys(accountId: string): Promise<IdpSigningKeyRecord[]>
  insertKey(key: IdpSigningKeyRecord): Promise<void>
  /** Replaces the signing and retire dates; the key material never changes. */
  updateKey(key: IdpSigningKeyRecord): Promise<void>
  deleteKey(accountId: string, keyId: string): Promise<void>
  /** The account's assignments by principal, then role ARN. */
  listAssignments(accountId: string): Promise<IdpAssignmentRecord[]>
  /** Assigning twice changes nothing. */
  assign(assignment: IdpAssignmentRecord): Promise<void>
  unassign(principalType: IdpPrincipalType, principalId: string, roleArn: string): Promise<void>
}
