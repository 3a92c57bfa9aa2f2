// Service-linked roles: CreateServiceLinkedRole gives the role AWS would (name, path, trust policy,
// managed policies) for the services in service-linked-roles.json, which
// scripts/extract-service-linked-roles.js derives from AWS's recorded answers; DeleteServiceLinkedRole
// removes it at once and hands back a task that GetServiceLinkedRoleDeletionStatus reports.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
import { deleteConflict, invalidInput, noSuchEntity } from '../core/errors.js'
import { optionalString, requiredString } from '../core/input.js'
import type { RoleRecord } from '../store/ports.js'
import services from './service-linked-roles.json' with { type: 'json' }
import { DESCRIPTION, NAME, roleName } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { refuseOverQuota } from './quotas.js'
import { renderRole } from './render.js'
import { DEFAULT_MAX_SESSION_DURATION, requireRole, roleResource } from './roles.js'

/** One service that takes a service-linked role, as AWS was recorded creating it. */
export interface ServiceLinkedRoleService {
  /** The service principal, e.g. `ecs.amazonaws.com`. */
  service: string
  /** The role's name without a suffix, e.g. `AWSServiceRoleForECS`. */
  roleName: string
  /** Whether CreateServiceLinkedRole accepts a CustomSuffix for it. */
  customSuffix: boolean
  /** The AWS managed policies AWS attaches to the role. */
  policies: string[]
}

const byService: ReadonlyMap<string, ServiceLinkedRoleService> = new Map(
  (services as ServiceLinkedRoleService[]).map((entry) => [entry.service, entry]),
)

/** The services CreateServiceLinkedRole accepts, by service principal (case-sensitive, as AWS). */
export const serviceLinkedRoleServices = (): ReadonlyMap<string, ServiceLinkedRoleService> =>
  byService

export const SERVICE_ROLE_PATH_PREFIX = '/aws-service-role/'

export const serviceRolePath = (service: string) => `${SERVICE_ROLE_PATH_PREFIX}${service}/`

/** Roles under `/aws-service-role/` belong to a service; only its own calls change them. */
export const isServiceLinkedRole = (role: Pick<RoleRecord, 'path'>) =>
  role.path.startsWith(SERVICE_ROLE_PATH_PREFIX)

/** The trust policy AWS writes: the service, and only it, may assume the role. */
export const serviceTrustPolicy = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  })

/** The role name a request asks for: the service's, with `_SUFFIX` when one is given. */
const requestedName = (entry: ServiceLinkedRoleService, suffix: string | undefined) =>
  suffix === undefined ? entry.roleName : `${entry.roleName}_${suffix}`

// Recorded from AWS (aws-shapes TestIAMServiceRoles).
const suffixNotAllowed = (service: string) =>
  invalidInput(`Custom suffix is not allowed for ${service}`)
const nameTaken = (name: string) =>
  invalidInput(
    `Service role name ${name} has been taken in this account, please try a different suffix.`,
  )
// Not on record: AWS's wording for a service principal it has no service-linked role for.
const unknownService = (service: string) => invalidInput(`Invalid service name: ${service}`)
// Not on record: AWS's wording for DeleteServiceLinkedRole on a role no service owns.
const notServiceLinked = (name: string) =>
  invalidInput(`Role ${name} is not a service-linked role.`)
// Not on record: AWS's wording for a deletion task id it never handed out.
const noSuchTask = (taskId: string) => noSuchEntity(`Deletion task ${taskId} cannot be found.`)

const TASK_PREFIX = 'task/aws-service-role/'

/** The role a deletion task names (`task/aws-service-role/SERVICE/ROLE/UUID`), if it names one. */
function taskRole(taskId: string): { service: string; roleName: string } | undefined {
  if (!taskId.startsWith(TASK_PREFIX)) return undefined
  const [service, name, uuid, ...rest] = taskId.slice(TASK_PREFIX.length).split('/')
  if (!service || !name || !uuid || rest.length > 0) return undefined
  return { service, roleName: name }
}

const createServiceLinkedRole = defineOperation({
  name: 'CreateServiceLinkedRole',
  input: {
    AWSServiceName: requiredString({ min: 1, max: 128, pattern: NAME }),
    Description: optionalString({ max: 1000, pattern: DESCRIPTION }),
    CustomSuffix: optionalString({ min: 1, max: 64, pattern: NAME }),
  },
  // The Service Authorization Reference: the role, with iam:AWSServiceName naming the service.
  resource: (input, { accountId }) => {
    const entry = byService.get(input.AWSServiceName)
    const name = entry ? requestedName(entry, input.CustomSuffix) : ''
    return roleResource(accountId, name, serviceRolePath(input.AWSServiceName))
  },
  context: (input) => ({ 'iam:AWSServiceName': input.AWSServiceName }),
  async run(input, context) {
    const entry = byService.get(input.AWSServiceName)
    if (!entry) throw unknownService(input.AWSServiceName)
    if (input.CustomSuffix !== undefined && !entry.customSuffix) {
      throw suffixNotAllowed(entry.service)
    }
    const name = requestedName(entry, input.CustomSuffix)
    const { repo, accountId } = context
    // Any role of that name, service-linked or not, takes it (names are case-insensitive).
    if (await repo.roles.getByName(accountId, name)) throw nameTaken(name)
    refuseOverQuota('RolesPerAccount', await repo.roles.count(accountId))
    const path = serviceRolePath(entry.service)
    const role: RoleRecord = {
      accountId,
      roleId: context.ids.uniqueId('role'),
      roleName: name,
      path,
      arn: roleResource(accountId, name, path),
      createDate: context.now,
      assumeRolePolicyDocument: serviceTrustPolicy(entry.service),
      description: input.Description ?? null,
      maxSessionDuration: DEFAULT_MAX_SESSION_DURATION,
      permissionsBoundaryArn: null,
      tags: [],
      lastUsed: null,
    }
    await repo.roles.insert(role)
    for (const policyArn of entry.policies) {
      await repo.attachments.attach({
        accountId,
        entityType: 'role',
        entityId: role.roleId,
        policyArn,
      })
    }
    return { Role: renderRole(role, 'create') }
  },
})

/** Removes the role and what it holds, as the service's own cleanup does. */
async function removeServiceLinkedRole(context: IamContext, role: RoleRecord): Promise<void> {
  const { repo } = context
  for (const policyArn of await repo.attachments.listForEntity('role', role.roleId)) {
    await repo.attachments.detach({
      accountId: role.accountId,
      entityType: 'role',
      entityId: role.roleId,
      policyArn,
    })
  }
  for (const inline of await repo.inlinePolicies.list('role', role.roleId)) {
    await repo.inlinePolicies.delete('role', role.roleId, inline.policyName)
  }
  await repo.roles.delete(role.roleId)
}

const deleteServiceLinkedRole = defineOperation({
  name: 'DeleteServiceLinkedRole',
  input: { RoleName: roleName() },
  resource: (input, scope) => scope.entityArn('role', input.RoleName),
  async run(input, context) {
    const role = await requireRole(context, input.RoleName)
    if (!isServiceLinkedRole(role)) throw notServiceLinked(role.roleName)
    const service = role.path.slice(SERVICE_ROLE_PATH_PREFIX.length, -1)
    // An instance profile holding the role holds it up, as it holds up DeleteRole.
    if ((await context.repo.instanceProfiles.listForRole(role.roleId, { limit: 1 })).length > 0) {
      throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.')
    }
    // No service of rolegate's uses the role, so the deletion succeeds at once.
    const deletionTaskId = `${TASK_PREFIX}${service}/${role.roleName}/${context.ids.requestId()}`
    await removeServiceLinkedRole(context, role)
    await context.repo.serviceLinkedRoleDeletions.insert({
      deletionTaskId,
      accountId: context.accountId,
      status: 'SUCCEEDED',
      createDate: context.now,
    })
    return { DeletionTaskId: deletionTaskId }
  },
})

const getServiceLinkedRoleDeletionStatus = defineOperation({
  name: 'GetServiceLinkedRoleDeletionStatus',
  input: { DeletionTaskId: requiredString({ min: 1, max: 1000 }) },
  // The role the task deleted, as the Service Authorization Reference names it.
  resource: (input, { accountId }) => {
    const named = taskRole(input.DeletionTaskId)
    return named
      ? roleResource(accountId, named.roleName, serviceRolePath(named.service))
      : roleResource(accountId, '', SERVICE_ROLE_PATH_PREFIX)
  },
  store: 'read',
  async run(input, context) {
    const task = taskRole(input.DeletionTaskId)
      ? await context.repo.serviceLinkedRoleDeletions.get(input.DeletionTaskId)
      : undefined
    if (!task || task.accountId !== context.accountId) throw noSuchTask(input.DeletionTaskId)
    return { Status: task.status }
  },
})

export const serviceLinkedRoleOperations: IamOperation[] = [
  createServiceLinkedRole,
  deleteServiceLinkedRole,
  getServiceLinkedRoleDeletionStatus,
]
