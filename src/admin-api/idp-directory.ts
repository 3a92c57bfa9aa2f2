// The built-in IdP's directory through the admin API: users (scrypt-hashed passwords, an optional
// TOTP second factor, session tags) and groups with their members. Everything belongs to the
// caller's account and is authorised as `rolegate:ACTION` on `arn:aws:rolegate::ACCOUNT:idp/...`.
import { AwsError, alreadyExists, noSuchEntity } from '../core/errors.js'
import { optionalBoolean, optionalString, requiredString, tagList } from '../core/input.js'
import { PasswordCandidate } from '../core/password-hash.js'
import type { ResultObject } from '../core/result.js'
import { EMAIL, GROUP_NAME, PASSWORD, USER_NAME } from '../idp/names.js'
import { newTotpSeed, totpKeyUri } from '../idp/totp.js'
import type { IdpAssignmentRecord, IdpGroupRecord, IdpUserRecord } from '../store/idp-records.js'
import type { AdminContext } from './operation.js'
import { defineAdminOperation, rolegateArn } from './operation.js'

export const idpUserArn = (accountId: string, name: string) =>
  rolegateArn(accountId, `idp/user/${name}`)
export const idpGroupArn = (accountId: string, name: string) =>
  rolegateArn(accountId, `idp/group/${name}`)

const userName = () => requiredString(USER_NAME)
const groupName = () => requiredString(GROUP_NAME)
const password = () => requiredString(PASSWORD)

/** Whom an authenticator app names as the code's issuer. */
export const TOTP_ISSUER = 'rolegate'

export const idpUserNotFound = (name: string) =>
  noSuchEntity(`The IdP user with name ${name} cannot be found.`)
export const idpGroupNotFound = (name: string) =>
  noSuchEntity(`The IdP group with name ${name} cannot be found.`)

export async function findIdpUser(context: AdminContext, name: string): Promise<IdpUserRecord> {
  const user = await context.repo.idpDirectory.getUser(context.accountId, name)
  if (!user) throw idpUserNotFound(name)
  return user
}

export async function findIdpGroup(context: AdminContext, name: string): Promise<IdpGroupRecord> {
  const group = await context.repo.idpDirectory.getGroup(context.accountId, name)
  if (!group) throw idpGroupNotFound(name)
  return group
}

/** An id in the shape of IAM's unique ids: a prefix and 17 characters of base32. */
export function idpId(prefix: 'IDPU' | 'IDPG', random: (size: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return prefix + [...random(17)].map((byte) => alphabet[byte & 31]).join('')
}

const rolesOf = (assignments: readonly IdpAssignmentRecord[], principalId: string) =>
  assignments.filter((a) => a.principalId === principalId).map((a) => a.roleArn)

function renderUser(
  user: IdpUserRecord,
  extra: { groups?: string[]; roles?: string[] } = {},
): ResultObject {
  return {
    UserName: user.userName,
    UserId: user.userId,
    Arn: idpUserArn(user.accountId, user.userName),
    Email: user.email ?? undefined,
    TotpRequired: user.totpSeed !== null,
    SessionTags: user.sessionTags.map((tag) => ({ Key: tag.key, Value: tag.value })),
    Groups: extra.groups,
    Roles: extra.roles,
    PasswordLastChanged: user.passwordChanged,
    CreateDate: user.createDate,
  }
}

const hashPassword = (input: { Password: string }) => new PasswordCandidate(input.Password).hash()

const createIdpUser = defineAdminOperation({
  name: 'CreateIdpUser',
  input: {
    UserName: userName(),
    Email: optionalString(EMAIL),
    Password: password(),
    SessionTags: tagList(),
  },
  resource: (input, { accountId }) => idpUserArn(accountId, input.UserName),
  prepare: hashPassword,
  async run(input, context, passwordHash) {
    const { repo, accountId, now } = context
    if (await repo.idpDirectory.getUser(accountId, input.UserName)) {
      throw alreadyExists(`IdP user with name ${input.UserName} already exists.`)
    }
    const user: IdpUserRecord = {
      accountId,
      userId: idpId('IDPU', context.ids.randomBytes),
      userName: input.UserName,
      email: input.Email ?? null,
      passwordHash,
      passwordChanged: now,
      totpSeed: null,
      totpLastStep: null,
      sessionTags: input.SessionTags ?? [],
      createDate: now,
    }
    await repo.idpDirectory.insertUser(user)
    return { User: renderUser(user) }
  },
})

const deleteIdpUser = defineAdminOperation({
  name: 'DeleteIdpUser',
  input: { UserName: userName() },
  resource: (input, { accountId }) => idpUserArn(accountId, input.UserName),
  async run(input, context) {
    const user = await findIdpUser(context, input.UserName)
    await context.repo.idpDirectory.deleteUser(user.userId)
    return undefined
  },
})

const listIdpUsers = defineAdminOperation({
  name: 'ListIdpUsers',
  store: 'read',
  input: {},
  resource: (_input, { accountId }) => idpUserArn(accountId, '*'),
  async run(_input, context) {
    const { repo, accountId } = context
    const assignments = await repo.idpApps.listAssignments(accountId)
    const users: ResultObject[] = []
    for (const user of await repo.idpDirectory.listUsers(accountId)) {
      const groups = await repo.idpDirectory.listGroupsOf(user.userId)
      users.push(
        renderUser(user, {
          groups: groups.map((group) => group.groupName),
          roles: rolesOf(assignments, user.userId),
        }),
      )
    }
    return { Users: users }
  },
})

const setIdpUserPassword = defineAdminOperation({
  name: 'SetIdpUserPassword',
  input: { UserName: userName(), Password: password() },
  resource: (input, { accountId }) => idpUserArn(accountId, input.UserName),
  prepare: hashPassword,
  async run(input, context, passwordHash) {
    const user = await findIdpUser(context, input.UserName)
    await context.repo.idpDirectory.updateUser({
      ...user,
      passwordHash,
      passwordChanged: context.now,
    })
    return undefined
  },
})

const requireIdpUserTotp = defineAdminOperation({
  name: 'RequireIdpUserTotp',
  input: { UserName: userName(), Required: optionalBoolean() },
  resource: (input, { accountId }) => idpUserArn(accountId, input.UserName),
  async run(input, context) {
    const user = await findIdpUser(context, input.UserName)
    if (input.Required === false) {
      await context.repo.idpDirectory.updateUser({ ...user, totpSeed: null, totpLastStep: null })
      return { UserName: user.userName, TotpRequired: false }
    }
    // A new seed each time: enrolling again replaces the authenticator's key.
    const seed = newTotpSeed(context.ids.randomBytes)
    await context.repo.idpDirectory.updateUser({ ...user, totpSeed: seed, totpLastStep: null })
    return {
      UserName: user.userName,
      TotpRequired: true,
      Seed: seed,
      KeyUri: totpKeyUri(TOTP_ISSUER, user.userName, seed),
    }
  },
})

function renderGroup(
  group: IdpGroupRecord,
  extra: { members?: string[]; roles?: string[] } = {},
): ResultObject {
  return {
    GroupName: group.groupName,
    GroupId: group.groupId,
    Arn: idpGroupArn(group.accountId, group.groupName),
    Members: extra.members,
    Roles: extra.roles,
    CreateDate: group.createDate,
  }
}

const createIdpGroup = defineAdminOperation({
  name: 'CreateIdpGroup',
  input: { GroupName: groupName() },
  resource: (input, { accountId }) => idpGroupArn(accountId, input.GroupName),
  async run(input, context) {
    const { repo, accountId, now } = context
    if (await repo.idpDirectory.getGroup(accountId, input.GroupName)) {
      throw alreadyExists(`IdP group with name ${input.GroupName} already exists.`)
    }
    const group: IdpGroupRecord = {
      accountId,
      groupId: idpId('IDPG', context.ids.randomBytes),
      groupName: input.GroupName,
      createDate: now,
    }
    await repo.idpDirectory.insertGroup(group)
    return { Group: renderGroup(group) }
  },
})

const deleteIdpGroup = defineAdminOperation({
  name: 'DeleteIdpGroup',
  input: { GroupName: groupName() },
  resource: (input, { accountId }) => idpGroupArn(accountId, input.GroupName),
  async run(input, context) {
    const group = await findIdpGroup(context, input.GroupName)
    await context.repo.idpDirectory.deleteGroup(group.groupId)
    return undefined
  },
})

const membership = { GroupName: groupName(), UserName: userName() }

const addIdpGroupMember = defineAdminOperation({
  name: 'AddIdpGroupMember',
  input: membership,
  resource: (input, { accountId }) => idpGroupArn(accountId, input.GroupName),
  async run(input, context) {
    const group = await findIdpGroup(context, input.GroupName)
    const user = await findIdpUser(context, input.UserName)
    await context.repo.idpDirectory.addMember(group.groupId, user.userId)
    return undefined
  },
})

const removeIdpGroupMember = defineAdminOperation({
  name: 'RemoveIdpGroupMember',
  input: membership,
  resource: (input, { accountId }) => idpGroupArn(accountId, input.GroupName),
  async run(input, context) {
    const group = await findIdpGroup(context, input.GroupName)
    const user = await findIdpUser(context, input.UserName)
    const members = await context.repo.idpDirectory.listMembers(group.groupId)
    if (!members.some((member) => member.userId === user.userId)) {
      throw new AwsError(
        'NoSuchEntity',
        `The IdP user ${user.userName} is not a member of group ${group.groupName}.`,
      )
    }
    await context.repo.idpDirectory.removeMember(group.groupId, user.userId)
    return undefined
  },
})

const listIdpGroups = defineAdminOperation({
  name: 'ListIdpGroups',
  store: 'read',
  input: {},
  resource: (_input, { accountId }) => idpGroupArn(accountId, '*'),
  async run(_input, context) {
    const { repo, accountId } = context
    const assignments = await repo.idpApps.listAssignments(accountId)
    const groups: ResultObject[] = []
    for (const group of await repo.idpDirectory.listGroups(accountId)) {
      const members = await repo.idpDirectory.listMembers(group.groupId)
      groups.push(
        renderGroup(group, {
          members: members.map((member) => member.userName),
          roles: rolesOf(assignments, group.groupId),
        }),
      )
    }
    return { Groups: groups }
  },
})

export const idpDirectoryOperations = [
  createIdpUser,
  deleteIdpUser,
  listIdpUsers,
  setIdpUserPassword,
  requireIdpUserTotp,
  createIdpGroup,
  deleteIdpGroup,
  addIdpGroupMember,
  removeIdpGroupMember,
  listIdpGroups,
]
