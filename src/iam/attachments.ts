// Managed policies attached to users, groups and roles: attach and detach (at most 10 per entity),
// the policies attached to one entity, and the entities a policy is attached to.
import { parseArn } from '../core/arn.js'
import { limitExceeded, noSuchEntity } from '../core/errors.js'
import { enumValue } from '../core/input.js'
import type { Field } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { EntityType, GroupRecord, RoleRecord, UserRecord } from '../store/ports.js'
import { checkPolicyArn, findPolicy, policyNotFound } from './managed-policy-views.js'
import { arn, groupName, pathPrefix, roleName, userName } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { requireGroup } from './groups.js'
import { requireRole } from './roles.js'
import { requireUser } from './users.js'

/** AWS's default quota of managed policies attached to one user, group or role. */
export const MAX_ATTACHED_POLICIES = 10

/** A user, group or role, reduced to what attachments and inline policies need of it. */
export interface PolicyHolder {
  type: EntityType
  id: string
  name: string
  path: string
  arn: string
}

export interface EntityKind {
  type: EntityType
  /** `User`, `Group`, `Role`: the word in operation and parameter names. */
  word: 'User' | 'Group' | 'Role'
  nameField: () => Field<string>
}

export const entityKinds: readonly EntityKind[] = [
  { type: 'user', word: 'User', nameField: userName },
  { type: 'group', word: 'Group', nameField: groupName },
  { type: 'role', word: 'Role', nameField: roleName },
]

const holderOf = (
  type: EntityType,
  entity: UserRecord | GroupRecord | RoleRecord,
): PolicyHolder => {
  if ('userId' in entity) {
    return { type, id: entity.userId, name: entity.userName, path: entity.path, arn: entity.arn }
  }
  if ('roleId' in entity) {
    return { type, id: entity.roleId, name: entity.roleName, path: entity.path, arn: entity.arn }
  }
  return { type, id: entity.groupId, name: entity.groupName, path: entity.path, arn: entity.arn }
}

/** The named user, group or role of the caller's account, or AWS's NoSuchEntity for it. */
export async function requireHolder(
  context: IamContext,
  type: EntityType,
  name: string,
): Promise<PolicyHolder> {
  const entity =
    type === 'user'
      ? await requireUser(context, name)
      : type === 'group'
        ? await requireGroup(context, name)
        : await requireRole(context, name)
  return holderOf(type, entity)
}

/**
 * The ARN an action on a named entity is authorised against. The entity's path is not known before
 * the store is read, so it is the path-less ARN.
 */
/** `PolicyName` and path of a managed policy, read from its ARN (`...:policy/PATH/NAME`). */
export function policyNameAndPath(policyArn: string): { name: string; path: string } {
  const resource = parseArn(policyArn)?.resource ?? ''
  const rest = resource.startsWith('policy/') ? resource.slice('policy'.length) : `/${resource}`
  const cut = rest.lastIndexOf('/') + 1
  return { name: rest.slice(cut), path: rest.slice(0, cut) }
}

/**
 * The `UserName`, `GroupName` or `RoleName` parameter of a family's operation. Its key depends on
 * the kind, so the shape is keyed by string and the value read back with `entityName`.
 */
export const nameInput = (kind: EntityKind): Record<string, Field<unknown>> => ({
  [`${kind.word}Name`]: kind.nameField(),
})

export function entityName(kind: EntityKind, input: Record<string, unknown>): string {
  const name = input[`${kind.word}Name`]
  return typeof name === 'string' ? name : ''
}

export function renderAttachedPolicy(policyArn: string): ResultObject {
  return { PolicyName: policyNameAndPath(policyArn).name, PolicyArn: policyArn }
}

function attachOperation(kind: EntityKind) {
  const nameOf = (input: Record<string, unknown>) => entityName(kind, input)
  return defineOperation({
    name: `Attach${kind.word}Policy`,
    input: { ...nameInput(kind), PolicyArn: arn() },
    resource: (input, scope) => scope.entityArn(kind.type, nameOf(input)),
    context: (input) => ({ 'iam:PolicyARN': input.PolicyArn }),
    async run(input, context) {
      checkPolicyArn(input.PolicyArn)
      const policy = await findPolicy(context.repo, context.accountId, input.PolicyArn)
      if (!policy || !policy.isAttachable) {
        throw noSuchEntity(`Policy ${input.PolicyArn} does not exist or is not attachable.`)
      }
      const holder = await requireHolder(context, kind.type, nameOf(input))
      const attached = await context.repo.attachments.listForEntity(holder.type, holder.id)
      // Attaching a policy that is already attached succeeds and changes nothing, as in AWS.
      if (attached.includes(policy.arn)) return undefined
      if (attached.length >= MAX_ATTACHED_POLICIES) {
        throw limitExceeded(
          `Cannot exceed quota for PoliciesPer${kind.word}: ${MAX_ATTACHED_POLICIES}`,
        )
      }
      await context.repo.attachments.attach({
        accountId: context.accountId,
        entityType: holder.type,
        entityId: holder.id,
        policyArn: policy.arn,
      })
      return undefined
    },
  })
}

function detachOperation(kind: EntityKind) {
  const nameOf = (input: Record<string, unknown>) => entityName(kind, input)
  return defineOperation({
    name: `Detach${kind.word}Policy`,
    input: { ...nameInput(kind), PolicyArn: arn() },
    resource: (input, scope) => scope.entityArn(kind.type, nameOf(input)),
    context: (input) => ({ 'iam:PolicyARN': input.PolicyArn }),
    async run(input, context) {
      checkPolicyArn(input.PolicyArn)
      const holder = await requireHolder(context, kind.type, nameOf(input))
      const attached = await context.repo.attachments.listForEntity(holder.type, holder.id)
      if (!attached.includes(input.PolicyArn)) throw policyNotFound(input.PolicyArn)
      await context.repo.attachments.detach({
        accountId: context.accountId,
        entityType: holder.type,
        entityId: holder.id,
        policyArn: input.PolicyArn,
      })
      return undefined
    },
  })
}

function listAttachedOperation(kind: EntityKind) {
  const nameOf = (input: Record<string, unknown>) => entityName(kind, input)
  return defineOperation({
    name: `ListAttached${kind.word}Policies`,
    input: { ...nameInput(kind), PathPrefix: pathPrefix(), ...pagingInput },
    resource: (input, scope) => scope.entityArn(kind.type, nameOf(input)),
    store: 'read',
    async run(input, context) {
      const holder = await requireHolder(context, kind.type, nameOf(input))
      const prefix = input.PathPrefix ?? '/'
      const attached = (
        await context.repo.attachments.listForEntity(holder.type, holder.id)
      ).filter((policyArn) => policyNameAndPath(policyArn).path.startsWith(prefix))
      return paginate(attached, input, 'AttachedPolicies', renderAttachedPolicy)
    },
  })
}

type EntityFilter = 'User' | 'Role' | 'Group' | 'LocalManagedPolicy' | 'AWSManagedPolicy'

const listEntitiesForPolicy = defineOperation({
  name: 'ListEntitiesForPolicy',
  input: {
    PolicyArn: arn(),
    EntityFilter: enumValue<EntityFilter>([
      'User',
      'Role',
      'Group',
      'LocalManagedPolicy',
      'AWSManagedPolicy',
    ]),
    PathPrefix: pathPrefix(),
    PolicyUsageFilter: enumValue(['PermissionsPolicy', 'PermissionsBoundary'] as const),
    ...pagingInput,
  },
  resource: (input) => input.PolicyArn,
  store: 'read',
  async run(input, { repo, accountId }) {
    checkPolicyArn(input.PolicyArn)
    const policy = await findPolicy(repo, accountId, input.PolicyArn)
    if (!policy) throw policyNotFound(input.PolicyArn)
    const prefix = input.PathPrefix ?? '/'
    const filter = input.EntityFilter
    const wants = (word: 'User' | 'Group' | 'Role') => filter === undefined || filter === word
    const usage = input.PolicyUsageFilter
    const attachedIds = new Set(
      usage === 'PermissionsBoundary'
        ? []
        : (await repo.attachments.listEntities(accountId, policy.arn)).map(
            (entity) => entity.entityId,
          ),
    )
    const usesPolicy = (id: string, boundary: string | null) =>
      attachedIds.has(id) || (usage !== 'PermissionsPolicy' && boundary === policy.arn)
    type Entry = { list: 'PolicyGroups' | 'PolicyUsers' | 'PolicyRoles'; value: ResultObject }
    const entries: Entry[] = []
    if (wants('Group')) {
      for (const group of await repo.groups.list(accountId, { pathPrefix: prefix })) {
        if (attachedIds.has(group.groupId)) {
          entries.push({
            list: 'PolicyGroups',
            value: { GroupName: group.groupName, GroupId: group.groupId },
          })
        }
      }
    }
    if (wants('User')) {
      for (const user of await repo.users.list(accountId, { pathPrefix: prefix })) {
        if (usesPolicy(user.userId, user.permissionsBoundaryArn)) {
          entries.push({
            list: 'PolicyUsers',
            value: { UserName: user.userName, UserId: user.userId },
          })
        }
      }
    }
    if (wants('Role')) {
      for (const role of await repo.roles.list(accountId, { pathPrefix: prefix })) {
        if (usesPolicy(role.roleId, role.permissionsBoundaryArn)) {
          entries.push({
            list: 'PolicyRoles',
            value: { RoleName: role.roleName, RoleId: role.roleId },
          })
        }
      }
    }
    const indexed = entries.map((entry, index) => ({ ...entry, index }))
    const page = paginate(indexed, input, 'Page', (entry) => String(entry.index))
    const shown = (page['Page'] as string[]).map((index) => entries[Number(index)])
    const of = (list: Entry['list']) =>
      shown.filter((entry) => entry?.list === list).map((entry) => entry?.value ?? {})
    return {
      PolicyGroups: of('PolicyGroups'),
      PolicyUsers: of('PolicyUsers'),
      PolicyRoles: of('PolicyRoles'),
      IsTruncated: page['IsTruncated'],
      Marker: page['Marker'],
    }
  },
})

export const attachmentOperations: IamOperation[] = [
  ...entityKinds.flatMap((kind) => [
    attachOperation(kind),
    detachOperation(kind),
    listAttachedOperation(kind),
  ]),
  listEntitiesForPolicy,
]
