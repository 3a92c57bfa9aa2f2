// IAM roles: create with a checked trust policy, read, list, update, delete, tags and permissions
// boundaries. Role ids (AROA...) are minted once and never change.
import { iamArn } from '../core/arn.js'
import {
  alreadyExists,
  deleteConflict,
  invalidInput,
  limitExceeded,
  noSuchEntity,
} from '../core/errors.js'
import { optionalInteger, requiredString, tagList } from '../core/input.js'
import { parsePolicy, policySizeWithoutWhitespace } from '../policy/parse-policy.js'
import type { RoleRecord } from '../store/ports.js'
import {
  DESCRIPTION,
  arn,
  description,
  optionalArn,
  path,
  pathPrefix,
  policyDocument,
  roleName,
} from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginateByName, pagingInput } from './pagination.js'
import { renderRole } from './render.js'
import { checkRequestTags, requestTagContext, taggingOperations } from './tags.js'
import { checkPermissionsBoundary } from './users.js'
import { refuseOverQuota } from './quotas.js'

/** AWS's default ACLSizePerRole quota: trust policy characters other than whitespace. */
export const MAX_TRUST_POLICY_SIZE = 2048
export const DEFAULT_MAX_SESSION_DURATION = 3600

const maxSessionDuration = () => optionalInteger({ min: 3600, max: 43200 })

export const roleResource = (accountId: string, name: string, rolePath = '/') =>
  iamArn(accountId, 'role', rolePath, name)

export async function requireRole(context: IamContext, name: string): Promise<RoleRecord> {
  const role = await context.repo.roles.getByName(context.accountId, name)
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`)
  return role
}

/** Parses a trust policy as IAM does (MalformedPolicyDocument) and holds it to the size quota. */
export function checkTrustPolicy(text: string): void {
  parsePolicy(text, 'trust')
  if (policySizeWithoutWhitespace(text) > MAX_TRUST_POLICY_SIZE) {
    throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${MAX_TRUST_POLICY_SIZE}`)
  }
}

/**
 * The path of service-linked roles, which only their services create (AWS answers CreateRole
 * there with InvalidInput "Path prefix '/aws-service-role/' can only be used for AWS Service
 * linked Roles", as recorded in tilfin/aws-iam-policy-tool#9).
 */
const SERVICE_LINKED_PATH = '/aws-service-role/'

const createRole = defineOperation({
  name: 'CreateRole',
  input: {
    RoleName: roleName(),
    AssumeRolePolicyDocument: policyDocument(),
    Path: path(),
    Description: description(),
    MaxSessionDuration: maxSessionDuration(),
    PermissionsBoundary: optionalArn(),
    Tags: tagList(),
  },
  resource: (input, { accountId }) => roleResource(accountId, input.RoleName, input.Path),
  context: (input) => requestTagContext(input.Tags),
  async run(input, context) {
    if (input.Path?.startsWith(SERVICE_LINKED_PATH)) {
      throw invalidInput(
        `Path prefix '${SERVICE_LINKED_PATH}' can only be used for AWS Service linked Roles`,
      )
    }
    checkTrustPolicy(input.AssumeRolePolicyDocument)
    const tags = input.Tags ?? []
    checkRequestTags(tags)
    if (input.PermissionsBoundary !== undefined) {
      await checkPermissionsBoundary(context, input.PermissionsBoundary)
    }
    if (await context.repo.roles.getByName(context.accountId, input.RoleName)) {
      throw alreadyExists(`Role with name ${input.RoleName} already exists.`)
    }
    refuseOverQuota('RolesPerAccount', await context.repo.roles.count(context.accountId))
    const rolePath = input.Path ?? '/'
    const role: RoleRecord = {
      accountId: context.accountId,
      roleId: context.ids.uniqueId('role'),
      roleName: input.RoleName,
      path: rolePath,
      arn: roleResource(context.accountId, input.RoleName, rolePath),
      createDate: context.now,
      assumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      description: input.Description ?? null,
      maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      permissionsBoundaryArn: input.PermissionsBoundary ?? null,
      tags,
      lastUsed: null,
    }
    await context.repo.roles.insert(role)
    return { Role: renderRole(role, 'create') }
  },
})

const getRole = defineOperation({
  name: 'GetRole',
  input: { RoleName: roleName() },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  store: 'read',
  async run(input, context) {
    return { Role: renderRole(await requireRole(context, input.RoleName), 'get') }
  },
})

const listRoles = defineOperation({
  name: 'ListRoles',
  input: { PathPrefix: pathPrefix(), ...pagingInput },
  resource: (input, { accountId }) => `arn:aws:iam::${accountId}:role${input.PathPrefix ?? '/'}`,
  store: 'read',
  async run(input, context) {
    return paginateByName(
      input,
      'Roles',
      (page) =>
        context.repo.roles.list(context.accountId, { ...page, pathPrefix: input.PathPrefix }),
      (role) => role.roleName,
      (role) => renderRole(role, 'listing'),
    )
  },
})

const updateRole = defineOperation({
  name: 'UpdateRole',
  input: {
    RoleName: roleName(),
    Description: description(),
    MaxSessionDuration: maxSessionDuration(),
  },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    const role = await requireRole(context, input.RoleName)
    await context.repo.roles.update({
      ...role,
      description: input.Description ?? role.description,
      maxSessionDuration: input.MaxSessionDuration ?? role.maxSessionDuration,
    })
    // UpdateRole answers with an empty UpdateRoleResult element.
    return {}
  },
})

const updateRoleDescription = defineOperation({
  name: 'UpdateRoleDescription',
  input: {
    RoleName: roleName(),
    Description: requiredString({ max: 1000, pattern: DESCRIPTION }),
  },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    const role = await requireRole(context, input.RoleName)
    const updated: RoleRecord = { ...role, description: input.Description }
    await context.repo.roles.update(updated)
    return { Role: renderRole(updated, 'description') }
  },
})

const updateAssumeRolePolicy = defineOperation({
  name: 'UpdateAssumeRolePolicy',
  input: { RoleName: roleName(), PolicyDocument: policyDocument() },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    checkTrustPolicy(input.PolicyDocument)
    const role = await requireRole(context, input.RoleName)
    await context.repo.roles.update({ ...role, assumeRolePolicyDocument: input.PolicyDocument })
    return undefined
  },
})

const deleteRole = defineOperation({
  name: 'DeleteRole',
  input: { RoleName: roleName() },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    const role = await requireRole(context, input.RoleName)
    const { repo } = context
    if ((await repo.attachments.listForEntity('role', role.roleId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must detach all policies first.')
    }
    if ((await repo.inlinePolicies.list('role', role.roleId)).length > 0) {
      throw deleteConflict('Cannot delete entity, must delete policies first.')
    }
    // Last, where the API reference lists it among what DeleteRole needs removed: "Instance
    // profile (RemoveRoleFromInstanceProfile)".
    if ((await repo.instanceProfiles.listForRole(role.roleId, { limit: 1 })).length > 0) {
      throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.')
    }
    await repo.roles.delete(role.roleId)
    return undefined
  },
})

const putRolePermissionsBoundary = defineOperation({
  name: 'PutRolePermissionsBoundary',
  input: { RoleName: roleName(), PermissionsBoundary: arn() },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    await checkPermissionsBoundary(context, input.PermissionsBoundary)
    const role = await requireRole(context, input.RoleName)
    await context.repo.roles.update({ ...role, permissionsBoundaryArn: input.PermissionsBoundary })
    return undefined
  },
})

const deleteRolePermissionsBoundary = defineOperation({
  name: 'DeleteRolePermissionsBoundary',
  input: { RoleName: roleName() },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    const role = await requireRole(context, input.RoleName)
    await context.repo.roles.update({ ...role, permissionsBoundaryArn: null })
    return undefined
  },
})

export const roleOperations: IamOperation[] = [
  createRole,
  getRole,
  listRoles,
  updateRole,
  updateRoleDescription,
  updateAssumeRolePolicy,
  deleteRole,
  ...taggingOperations({
    noun: 'Role',
    identity: { RoleName: roleName() },
    resource: (input, scope) => scope.entityArn('role', input.RoleName),
    find: (input, context) => requireRole(context, input.RoleName),
    save: (role, context) => context.repo.roles.update(role),
    quota: 'TagsPerRole',
  }),
  putRolePermissionsBoundary,
  deleteRolePermissionsBoundary,
]
