// IAM users: create, read, list, rename, delete, tags and permissions boundaries. Also the lookups
// the other families share (a user by name or the calling user, a boundary policy that must exist).
import { AWS_MANAGED_POLICY_PREFIX, iamArn, parseArn } from '../core/arn.js'
import {
  AwsError,
  alreadyExists,
  deleteConflict,
  invalidInput,
  noSuchEntity,
} from '../core/errors.js'
import { optionalString, requiredString, tagList } from '../core/input.js'
import type { UserRecord } from '../store/ports.js'
import { awsManagedPolicy } from './aws-managed-policies.js'
import { NAME, arn, optionalArn, path, pathPrefix, userName } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginateByName, pagingInput } from './pagination.js'
import { renderUser } from './render.js'
import { checkRequestTags, requestTagContext, taggingOperations } from './tags.js'
import { refuseOverQuota } from './quotas.js'

/** `UserName` where AWS allows up to 128 characters (existingUserNameType). */
export const existingUserName = () => requiredString({ min: 1, max: 128, pattern: NAME })
export const optionalExistingUserName = () => optionalString({ min: 1, max: 128, pattern: NAME })

/** The ARN an action on a named user is authorised against. */
export const userResource = (accountId: string, name: string, userPath = '/') =>
  iamArn(accountId, 'user', userPath, name)

export async function requireUser(context: IamContext, name: string): Promise<UserRecord> {
  const user = await context.repo.users.getByName(context.accountId, name)
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`)
  return user
}

/** AWS's answer when an operation that defaults to the calling user is called by a non-user. */
export const mustSpecifyUserName = () =>
  new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials')

/**
 * The user an operation with an optional `UserName` acts on: the named one, or else the IAM user
 * who signed the request.
 */
export async function requireNamedOrCallingUser(
  context: IamContext,
  name: string | undefined,
): Promise<UserRecord> {
  if (name !== undefined) return requireUser(context, name)
  if (context.caller.type !== 'user') throw mustSpecifyUserName()
  const user = await context.repo.users.getById(context.caller.principalId)
  if (!user) throw noSuchEntity(`The user with name ${context.caller.name} cannot be found.`)
  return user
}

/**
 * Checks that `boundary` names a managed policy the entity may use as its permissions boundary:
 * a customer managed policy of this account or an AWS managed policy.
 */
export async function checkPermissionsBoundary(
  context: IamContext,
  boundary: string,
): Promise<void> {
  const parsed = parseArn(boundary)
  if (!parsed || parsed.service !== 'iam' || !parsed.resource.startsWith('policy/')) {
    throw invalidInput(`ARN ${boundary} is not valid.`)
  }
  const exists = boundary.startsWith(`${AWS_MANAGED_POLICY_PREFIX}/`)
    ? awsManagedPolicy(boundary) !== undefined
    : (await context.repo.policies.get(boundary))?.accountId === context.accountId
  if (!exists) throw noSuchEntity(`Scope ARN: ${boundary} does not exist or is not attachable.`)
}

const createUser = defineOperation({
  name: 'CreateUser',
  input: {
    UserName: userName(),
    Path: path(),
    PermissionsBoundary: optionalArn(),
    Tags: tagList(),
  },
  resource: (input, { accountId }) => userResource(accountId, input.UserName, input.Path),
  context: (input) => requestTagContext(input.Tags),
  async run(input, context) {
    const tags = input.Tags ?? []
    checkRequestTags(tags)
    if (input.PermissionsBoundary !== undefined) {
      await checkPermissionsBoundary(context, input.PermissionsBoundary)
    }
    if (await context.repo.users.getByName(context.accountId, input.UserName)) {
      throw alreadyExists(`User with name ${input.UserName} already exists.`)
    }
    refuseOverQuota('UsersPerAccount', await context.repo.users.count(context.accountId))
    const userPath = input.Path ?? '/'
    const user: UserRecord = {
      accountId: context.accountId,
      userId: context.ids.uniqueId('user'),
      userName: input.UserName,
      path: userPath,
      arn: userResource(context.accountId, input.UserName, userPath),
      createDate: context.now,
      permissionsBoundaryArn: input.PermissionsBoundary ?? null,
      tags,
    }
    await context.repo.users.insert(user)
    return { User: renderUser(user) }
  },
})

const getUser = defineOperation({
  name: 'GetUser',
  input: { UserName: optionalExistingUserName() },
  // Without UserName AWS authorises against the caller's own user; that ARN is not in the input.
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  store: 'read',
  async run(input, context) {
    if (input.UserName === undefined && context.caller.type === 'root') {
      const account = await context.repo.accounts.get(context.accountId)
      return {
        User: {
          UserId: context.accountId,
          Arn: `arn:aws:iam::${context.accountId}:root`,
          CreateDate: account?.createDate,
        },
      }
    }
    const user = await requireNamedOrCallingUser(context, input.UserName)
    return { User: renderUser(user) }
  },
})

const listUsers = defineOperation({
  name: 'ListUsers',
  input: { PathPrefix: pathPrefix(), ...pagingInput },
  resource: (input, { accountId }) => `arn:aws:iam::${accountId}:user${input.PathPrefix ?? '/'}`,
  store: 'read',
  async run(input, context) {
    return paginateByName(
      input,
      'Users',
      (page) =>
        context.repo.users.list(context.accountId, { ...page, pathPrefix: input.PathPrefix }),
      (user) => user.userName,
      (user) => renderUser(user, 'listing'),
    )
  },
})

const updateUser = defineOperation({
  name: 'UpdateUser',
  input: {
    UserName: existingUserName(),
    NewPath: path(),
    NewUserName: optionalString({ min: 1, max: 64, pattern: NAME }),
  },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const newName = input.NewUserName ?? user.userName
    if (input.NewUserName !== undefined) {
      const holder = await context.repo.users.getByName(context.accountId, input.NewUserName)
      if (holder && holder.userId !== user.userId) {
        throw alreadyExists(`User with name ${input.NewUserName} already exists.`)
      }
    }
    const newPath = input.NewPath ?? user.path
    await context.repo.users.update({
      ...user,
      userName: newName,
      path: newPath,
      arn: userResource(context.accountId, newName, newPath),
    })
    return undefined
  },
})

const deleteUser = defineOperation({
  name: 'DeleteUser',
  input: { UserName: existingUserName() },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const { repo } = context
    // First, where the API reference lists it among what DeleteUser needs removed: "Password
    // (DeleteLoginProfile)".
    if (await repo.loginProfiles.get(user.userId)) {
      throw deleteConflict('Cannot delete entity, must delete login profile first.')
    }
    if ((await repo.accessKeys.listForUser(user.userId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must delete access keys first.')
    }
    if ((await repo.attachments.listForEntity('user', user.userId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must detach all policies first.')
    }
    if ((await repo.inlinePolicies.list('user', user.userId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must delete policies first.')
    }
    if ((await repo.groups.listForUser(user.userId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must remove users from group first.')
    }
    if ((await repo.mfaDevices.listForUser(user.userId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must delete MFA device first.')
    }
    await repo.users.delete(user.userId)
    return undefined
  },
})

const putUserPermissionsBoundary = defineOperation({
  name: 'PutUserPermissionsBoundary',
  input: { UserName: userName(), PermissionsBoundary: arn() },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async run(input, context) {
    await checkPermissionsBoundary(context, input.PermissionsBoundary)
    const user = await requireUser(context, input.UserName)
    await context.repo.users.update({ ...user, permissionsBoundaryArn: input.PermissionsBoundary })
    return undefined
  },
})

const deleteUserPermissionsBoundary = defineOperation({
  name: 'DeleteUserPermissionsBoundary',
  input: { UserName: userName() },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    await context.repo.users.update({ ...user, permissionsBoundaryArn: null })
    return undefined
  },
})

export const userOperations: IamOperation[] = [
  createUser,
  getUser,
  listUsers,
  updateUser,
  deleteUser,
  ...taggingOperations({
    noun: 'User',
    identity: { UserName: existingUserName() },
    resource: (input, scope) => scope.entityArn('user', input.UserName),
    find: (input, context) => requireUser(context, input.UserName),
    save: (user, context) => context.repo.users.update(user),
    quota: 'TagsPerUser',
  }),
  putUserPermissionsBoundary,
  deleteUserPermissionsBoundary,
]
