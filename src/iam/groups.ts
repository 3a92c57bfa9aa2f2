// IAM groups and their membership: create, read (with members), list, rename, delete, add and
// remove users, and the groups a user belongs to.
import { iamArn } from '../core/arn.js'
import { alreadyExists, deleteConflict, limitExceeded, noSuchEntity } from '../core/errors.js'
import { optionalString } from '../core/input.js'
import type { GroupRecord } from '../store/ports.js'
import { NAME, groupName, path, pathPrefix } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, paginateByName, pagingInput } from './pagination.js'
import { renderGroup, renderUser } from './render.js'
import { existingUserName, requireUser } from './users.js'
import { refuseOverQuota } from './quotas.js'

/** AWS's GroupsPerUser quota. */
export const MAX_GROUPS_PER_USER = 10

export const groupResource = (accountId: string, name: string, groupPath = '/') =>
  iamArn(accountId, 'group', groupPath, name)

export async function requireGroup(context: IamContext, name: string): Promise<GroupRecord> {
  const group = await context.repo.groups.getByName(context.accountId, name)
  if (!group) throw noSuchEntity(`The group with name ${name} cannot be found.`)
  return group
}

const createGroup = defineOperation({
  name: 'CreateGroup',
  input: { GroupName: groupName(), Path: path() },
  resource: (input, { accountId }) => groupResource(accountId, input.GroupName, input.Path),
  async run(input, context) {
    if (await context.repo.groups.getByName(context.accountId, input.GroupName)) {
      throw alreadyExists(`Group with name ${input.GroupName} already exists.`)
    }
    refuseOverQuota('GroupsPerAccount', await context.repo.groups.count(context.accountId))
    const groupPath = input.Path ?? '/'
    const group: GroupRecord = {
      accountId: context.accountId,
      groupId: context.ids.uniqueId('group'),
      groupName: input.GroupName,
      path: groupPath,
      arn: groupResource(context.accountId, input.GroupName, groupPath),
      createDate: context.now,
    }
    await context.repo.groups.insert(group)
    return { Group: renderGroup(group) }
  },
})

const getGroup = defineOperation({
  name: 'GetGroup',
  input: { GroupName: groupName(), ...pagingInput },
  resource: (input, scope) => scope.entityArn('group', input.GroupName),
  store: 'read',
  async run(input, context) {
    const group = await requireGroup(context, input.GroupName)
    const members = await context.repo.groups.listMembers(group.groupId)
    const page = paginate(members, input, 'Users', (user) => renderUser(user, 'listing'))
    return { Group: renderGroup(group), ...page }
  },
})

const listGroups = defineOperation({
  name: 'ListGroups',
  input: { PathPrefix: pathPrefix(), ...pagingInput },
  resource: (input, { accountId }) => `arn:aws:iam::${accountId}:group${input.PathPrefix ?? '/'}`,
  store: 'read',
  async run(input, context) {
    return paginateByName(
      input,
      'Groups',
      (page) =>
        context.repo.groups.list(context.accountId, { ...page, pathPrefix: input.PathPrefix }),
      (group) => group.groupName,
      renderGroup,
    )
  },
})

const updateGroup = defineOperation({
  name: 'UpdateGroup',
  input: {
    GroupName: groupName(),
    NewPath: path(),
    NewGroupName: optionalString({ min: 1, max: 128, pattern: NAME }),
  },
  resource: (input, scope) => scope.entityArn('group', input.GroupName),
  async run(input, context) {
    const group = await requireGroup(context, input.GroupName)
    const newName = input.NewGroupName ?? group.groupName
    if (input.NewGroupName !== undefined) {
      const holder = await context.repo.groups.getByName(context.accountId, input.NewGroupName)
      if (holder && holder.groupId !== group.groupId) {
        throw alreadyExists(`Group with name ${input.NewGroupName} already exists.`)
      }
    }
    const newPath = input.NewPath ?? group.path
    await context.repo.groups.update({
      ...group,
      groupName: newName,
      path: newPath,
      arn: groupResource(context.accountId, newName, newPath),
    })
    return undefined
  },
})

const deleteGroup = defineOperation({
  name: 'DeleteGroup',
  input: { GroupName: groupName() },
  resource: (input, scope) => scope.entityArn('group', input.GroupName),
  async run(input, context) {
    const group = await requireGroup(context, input.GroupName)
    const { repo } = context
    if ((await repo.attachments.listForEntity('group', group.groupId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must detach all policies first.')
    }
    if ((await repo.inlinePolicies.list('group', group.groupId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must delete policies first.')
    }
    if ((await repo.groups.listMembers(group.groupId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must remove users from group first.')
    }
    await repo.groups.delete(group.groupId)
    return undefined
  },
})

const addUserToGroup = defineOperation({
  name: 'AddUserToGroup',
  input: { GroupName: groupName(), UserName: existingUserName() },
  resource: (input, scope) => scope.entityArn('group', input.GroupName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const group = await requireGroup(context, input.GroupName)
    const groups = await context.repo.groups.listForUser(user.userId)
    if (groups.some((member) => member.groupId === group.groupId)) return undefined
    if (groups.length >= MAX_GROUPS_PER_USER) {
      throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${MAX_GROUPS_PER_USER}`)
    }
    await context.repo.groups.addMember(group.groupId, user.userId)
    return undefined
  },
})

const removeUserFromGroup = defineOperation({
  name: 'RemoveUserFromGroup',
  input: { GroupName: groupName(), UserName: existingUserName() },
  resource: (input, scope) => scope.entityArn('group', input.GroupName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const group = await requireGroup(context, input.GroupName)
    const members = await context.repo.groups.listMembers(group.groupId)
    if (!members.some((member) => member.userId === user.userId)) {
      throw noSuchEntity(`The user with name ${input.UserName} cannot be found.`)
    }
    await context.repo.groups.removeMember(group.groupId, user.userId)
    return undefined
  },
})

const listGroupsForUser = defineOperation({
  name: 'ListGroupsForUser',
  input: { UserName: existingUserName(), ...pagingInput },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  store: 'read',
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const groups = await context.repo.groups.listForUser(user.userId)
    return paginate(groups, input, 'Groups', renderGroup)
  },
})

export const groupOperations: IamOperation[] = [
  createGroup,
  getGroup,
  listGroups,
  updateGroup,
  deleteGroup,
  addUserToGroup,
  removeUserFromGroup,
  listGroupsForUser,
]
