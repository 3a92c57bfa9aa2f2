// Instance profiles: the containers that pass an IAM role to EC2 instances. Create, read, list
// (by path, or by the role they hold), delete, tags, and adding or removing their one role. Ids
// are AIPA..., ARNs `arn:aws:iam::ACCOUNT:instance-profile{path}{name}`.
import { iamArn } from '../core/arn.js'
import { alreadyExists, deleteConflict, limitExceeded, noSuchEntity } from '../core/errors.js'
import { requiredString, tagList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { InstanceProfileRecord, RoleRecord } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import { NAME, path, pathPrefix, roleName } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { namePageResult, pagingInput, readPageByName } from './pagination.js'
import type { NamePageRead } from './pagination.js'
import { refuseOverQuota } from './quotas.js'
import { encodePolicyDocument } from './render.js'
import { requireRole } from './roles.js'
import { checkRequestTags, optionalTags, requestTagContext, taggingOperations } from './tags.js'

const instanceProfileName = () => requiredString({ min: 1, max: 128, pattern: NAME })

/** "An instance profile can contain only one role, and this quota cannot be increased." */
const ROLES_PER_INSTANCE_PROFILE = 1

export const instanceProfileResource = (accountId: string, name: string, profilePath = '/') =>
  iamArn(accountId, 'instance-profile', profilePath, name)

export async function requireInstanceProfile(
  context: IamContext,
  name: string,
): Promise<InstanceProfileRecord> {
  const profile = await context.repo.instanceProfiles.getByName(context.accountId, name)
  if (!profile) throw noSuchEntity(`Instance Profile ${name} cannot be found.`)
  return profile
}

/**
 * A role inside an InstanceProfile element: the six members AWS's GetInstanceProfile example
 * shows, without description, session duration, boundary, tags or last use.
 */
export const renderEmbeddedRole = (role: RoleRecord): ResultObject => ({
  Path: role.path,
  RoleName: role.roleName,
  RoleId: role.roleId,
  Arn: role.arn,
  CreateDate: role.createDate,
  AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
})

/**
 * `full`: CreateInstanceProfile and GetInstanceProfile, with Tags when there are some.
 * `listing`: the lists, which "do not return tags".
 */
export function renderInstanceProfile(
  profile: InstanceProfileRecord,
  role: RoleRecord | undefined,
  view: 'full' | 'listing',
): ResultObject {
  return {
    Path: profile.path,
    InstanceProfileName: profile.instanceProfileName,
    InstanceProfileId: profile.instanceProfileId,
    Arn: profile.arn,
    CreateDate: profile.createDate,
    Roles: role ? [renderEmbeddedRole(role)] : [],
    Tags: view === 'full' ? optionalTags(profile.tags) : undefined,
  }
}

/** Each profile of a page with the role it holds, reading each role once. */
export async function renderProfiles(
  repo: Repositories,
  profiles: readonly InstanceProfileRecord[],
): Promise<ResultObject[]> {
  const roles = new Map<string, Promise<RoleRecord | undefined>>()
  const roleOf = (roleId: string) => {
    let role = roles.get(roleId)
    if (!role) {
      role = repo.roles.getById(roleId)
      roles.set(roleId, role)
    }
    return role
  }
  const rendered: ResultObject[] = []
  for (const profile of profiles) {
    const role = profile.roleId === null ? undefined : await roleOf(profile.roleId)
    rendered.push(renderInstanceProfile(profile, role, 'listing'))
  }
  return rendered
}

async function profilePageResult(
  repo: Repositories,
  page: NamePageRead<InstanceProfileRecord>,
): Promise<ResultObject> {
  const rendered = await renderProfiles(repo, page.items)
  return namePageResult('InstanceProfiles', { ...page, items: rendered }, (item) => item)
}

const createInstanceProfile = defineOperation({
  name: 'CreateInstanceProfile',
  input: { InstanceProfileName: instanceProfileName(), Path: path(), Tags: tagList() },
  resource: (input, { accountId }) =>
    instanceProfileResource(accountId, input.InstanceProfileName, input.Path),
  context: (input) => requestTagContext(input.Tags),
  async run(input, context) {
    const tags = input.Tags ?? []
    checkRequestTags(tags)
    const { repo, accountId } = context
    if (await repo.instanceProfiles.getByName(accountId, input.InstanceProfileName)) {
      throw alreadyExists(`Instance Profile ${input.InstanceProfileName} already exists.`)
    }
    refuseOverQuota('InstanceProfilesPerAccount', await repo.instanceProfiles.count(accountId))
    const profilePath = input.Path ?? '/'
    const profile: InstanceProfileRecord = {
      accountId,
      instanceProfileId: context.ids.uniqueId('instanceProfile'),
      instanceProfileName: input.InstanceProfileName,
      path: profilePath,
      arn: instanceProfileResource(accountId, input.InstanceProfileName, profilePath),
      createDate: context.now,
      tags,
      roleId: null,
    }
    await repo.instanceProfiles.insert(profile)
    return { InstanceProfile: renderInstanceProfile(profile, undefined, 'full') }
  },
})

const getInstanceProfile = defineOperation({
  name: 'GetInstanceProfile',
  input: { InstanceProfileName: instanceProfileName() },
  resource: (input, scope) => scope.instanceProfileArn(input.InstanceProfileName),
  store: 'read',
  async run(input, context) {
    const profile = await requireInstanceProfile(context, input.InstanceProfileName)
    const role =
      profile.roleId === null ? undefined : await context.repo.roles.getById(profile.roleId)
    return { InstanceProfile: renderInstanceProfile(profile, role, 'full') }
  },
})

const deleteInstanceProfile = defineOperation({
  name: 'DeleteInstanceProfile',
  input: { InstanceProfileName: instanceProfileName() },
  resource: (input, scope) => scope.instanceProfileArn(input.InstanceProfileName),
  async run(input, context) {
    const profile = await requireInstanceProfile(context, input.InstanceProfileName)
    // "The instance profile must not have an associated role."
    if (profile.roleId !== null) {
      throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.')
    }
    await context.repo.instanceProfiles.delete(profile.instanceProfileId)
    return undefined
  },
})

const listInstanceProfiles = defineOperation({
  name: 'ListInstanceProfiles',
  input: { PathPrefix: pathPrefix(), ...pagingInput },
  resource: (input, { accountId }) =>
    `arn:aws:iam::${accountId}:instance-profile${input.PathPrefix ?? '/'}`,
  store: 'read',
  async run(input, { repo, accountId }) {
    const page = await readPageByName(
      input,
      (at) => repo.instanceProfiles.list(accountId, { ...at, pathPrefix: input.PathPrefix }),
      (profile) => profile.instanceProfileName,
    )
    return profilePageResult(repo, page)
  },
})

const listInstanceProfilesForRole = defineOperation({
  name: 'ListInstanceProfilesForRole',
  input: { RoleName: roleName(), ...pagingInput },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  store: 'read',
  async run(input, context) {
    const role = await requireRole(context, input.RoleName)
    const page = await readPageByName(
      input,
      (at) => context.repo.instanceProfiles.listForRole(role.roleId, at),
      (profile) => profile.instanceProfileName,
    )
    return profilePageResult(context.repo, page)
  },
})

const addRoleToInstanceProfile = defineOperation({
  name: 'AddRoleToInstanceProfile',
  input: { InstanceProfileName: instanceProfileName(), RoleName: roleName() },
  resource: (input, scope) => scope.instanceProfileArn(input.InstanceProfileName),
  async run(input, context) {
    const profile = await requireInstanceProfile(context, input.InstanceProfileName)
    const role = await requireRole(context, input.RoleName)
    if (profile.roleId !== null) {
      throw limitExceeded(
        `Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_INSTANCE_PROFILE}`,
      )
    }
    await context.repo.instanceProfiles.update({ ...profile, roleId: role.roleId })
    return undefined
  },
})

const removeRoleFromInstanceProfile = defineOperation({
  name: 'RemoveRoleFromInstanceProfile',
  input: { InstanceProfileName: instanceProfileName(), RoleName: roleName() },
  resource: (input, scope) => scope.instanceProfileArn(input.InstanceProfileName),
  async run(input, context) {
    const profile = await requireInstanceProfile(context, input.InstanceProfileName)
    const role = await requireRole(context, input.RoleName)
    // A role the profile does not hold cannot be found in it.
    if (profile.roleId !== role.roleId) {
      throw noSuchEntity(`The role with name ${input.RoleName} cannot be found.`)
    }
    await context.repo.instanceProfiles.update({ ...profile, roleId: null })
    return undefined
  },
})

export const instanceProfileOperations: IamOperation[] = [
  createInstanceProfile,
  getInstanceProfile,
  deleteInstanceProfile,
  listInstanceProfiles,
  listInstanceProfilesForRole,
  addRoleToInstanceProfile,
  removeRoleFromInstanceProfile,
  ...taggingOperations({
    noun: 'InstanceProfile',
    identity: { InstanceProfileName: instanceProfileName() },
    resource: (input, scope) => scope.instanceProfileArn(input.InstanceProfileName),
    find: (input, context) => requireInstanceProfile(context, input.InstanceProfileName),
    save: (profile, context) => context.repo.instanceProfiles.update(profile),
    quota: 'TagsPerInstanceProfile',
  }),
]
