// GetAccountAuthorizationDetails: every user, group and role of the account with its inline and
// attached policies, and the managed policies in play with all their versions, in one paged answer.
import { memberName, memberValues } from '../core/input.js'
import type { Field } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { EntityType, GroupRecord, PolicyUses, RoleRecord, UserRecord } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import { listAwsManagedPolicies } from './aws-managed-policies.js'
import { renderAttachedPolicy } from './attachments.js'
import type { PolicyView } from './managed-policy-views.js'
import { findPolicy, listVersions, renderPolicy, renderVersion } from './managed-policy-views.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { encodePolicyDocument, renderGroup, renderRole, renderUser } from './render.js'
import { renderProfiles } from './instance-profiles.js'

export const ENTITY_FILTERS = [
  'User',
  'Role',
  'Group',
  'LocalManagedPolicy',
  'AWSManagedPolicy',
] as const

export type EntityFilter = (typeof ENTITY_FILTERS)[number]

/** `Filter.member.N`: any of the entity kinds; none means all of them. */
function entityFilterList(): Field<EntityFilter[] | undefined> {
  return {
    read(params, name, problems) {
      const values = memberValues(params, name)
      if (values.length === 0) return undefined
      const known = (value: string): value is EntityFilter =>
        (ENTITY_FILTERS as readonly string[]).includes(value)
      if (!values.every(known)) {
        const set = problems.style === 'echo-value' ? `: [${ENTITY_FILTERS.join(', ')}]` : ''
        problems.add(
          `${problems.at(`[${values.join(', ')}]`, memberName(name))} failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set${set}]`,
        )
        return undefined
      }
      return values.filter(known)
    },
  }
}

type Entry =
  | { list: 'UserDetailList'; user: UserRecord }
  | { list: 'GroupDetailList'; group: GroupRecord }
  | { list: 'RoleDetailList'; role: RoleRecord }
  | { list: 'Policies'; policy: PolicyView }

const LISTS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const

async function inlinePolicyList(
  repo: Repositories,
  type: EntityType,
  id: string,
): Promise<ResultObject[] | undefined> {
  const policies = await repo.inlinePolicies.list(type, id)
  if (policies.length === 0) return undefined
  return policies.map((policy) => ({
    PolicyName: policy.policyName,
    PolicyDocument: encodePolicyDocument(policy.document),
  }))
}

const attachedList = async (repo: Repositories, type: EntityType, id: string) =>
  (await repo.attachments.listForEntity(type, id)).map(renderAttachedPolicy)

async function userDetail(repo: Repositories, user: UserRecord): Promise<ResultObject> {
  const base = renderUser(user, 'full')
  return {
    Path: base['Path'],
    UserName: base['UserName'],
    UserId: base['UserId'],
    Arn: base['Arn'],
    CreateDate: base['CreateDate'],
    UserPolicyList: await inlinePolicyList(repo, 'user', user.userId),
    GroupList: (await repo.groups.listForUser(user.userId)).map((group) => group.groupName),
    AttachedManagedPolicies: await attachedList(repo, 'user', user.userId),
    PermissionsBoundary: base['PermissionsBoundary'],
    Tags: base['Tags'],
  }
}

async function groupDetail(repo: Repositories, group: GroupRecord): Promise<ResultObject> {
  return {
    ...renderGroup(group),
    GroupPolicyList: await inlinePolicyList(repo, 'group', group.groupId),
    AttachedManagedPolicies: await attachedList(repo, 'group', group.groupId),
  }
}

async function roleDetail(repo: Repositories, role: RoleRecord): Promise<ResultObject> {
  const base = renderRole(role, 'get')
  return {
    Path: base['Path'],
    RoleName: base['RoleName'],
    RoleId: base['RoleId'],
    Arn: base['Arn'],
    CreateDate: base['CreateDate'],
    AssumeRolePolicyDocument: base['AssumeRolePolicyDocument'],
    InstanceProfileList: await renderProfiles(
      repo,
      await repo.instanceProfiles.listForRole(role.roleId),
    ),
    RolePolicyList: await inlinePolicyList(repo, 'role', role.roleId),
    AttachedManagedPolicies: await attachedList(repo, 'role', role.roleId),
    PermissionsBoundary: base['PermissionsBoundary'],
    Tags: base['Tags'],
    RoleLastUsed: base['RoleLastUsed'],
  }
}

async function policyDetail(
  repo: Repositories,
  policy: PolicyView,
  usage: PolicyUses,
): Promise<ResultObject> {
  const versions = await listVersions(repo, policy)
  return {
    ...renderPolicy(policy, usage, 'detail'),
    PolicyVersionList: versions.map((version) => renderVersion(version, true)),
  }
}

/** AWS managed policies appear only when the account uses them (attached or as a boundary). */
async function managedPolicies(
  repo: Repositories,
  accountId: string,
  usage: PolicyUses,
  filters: ReadonlySet<EntityFilter>,
): Promise<PolicyView[]> {
  const views: PolicyView[] = []
  if (filters.has('AWSManagedPolicy')) {
    for (const policy of listAwsManagedPolicies()) {
      if (!usage.attachments.has(policy.arn) && !usage.boundaries.has(policy.arn)) continue
      const view = await findPolicy(repo, accountId, policy.arn)
      if (view) views.push(view)
    }
  }
  if (filters.has('LocalManagedPolicy')) {
    for (const policy of await repo.policies.list(accountId)) {
      const view = await findPolicy(repo, accountId, policy.arn)
      if (view) views.push(view)
    }
  }
  return views
}

export const getAccountAuthorizationDetails = defineOperation({
  name: 'GetAccountAuthorizationDetails',
  input: { Filter: entityFilterList(), ...pagingInput },
  resource: () => '*',
  store: 'read',
  async run(input, { repo, accountId }) {
    const filters = new Set<EntityFilter>(input.Filter ?? ENTITY_FILTERS)
    const entries: Entry[] = []
    if (filters.has('User')) {
      for (const user of await repo.users.list(accountId))
        entries.push({ list: 'UserDetailList', user })
    }
    if (filters.has('Group')) {
      for (const group of await repo.groups.list(accountId)) {
        entries.push({ list: 'GroupDetailList', group })
      }
    }
    if (filters.has('Role')) {
      for (const role of await repo.roles.list(accountId))
        entries.push({ list: 'RoleDetailList', role })
    }
    const usage = await repo.attachments.countUses(accountId)
    for (const policy of await managedPolicies(repo, accountId, usage, filters)) {
      entries.push({ list: 'Policies', policy })
    }
    // One Marker walks the four lists in turn, as AWS pages them.
    const page = paginate(
      entries.map((entry, index) => ({ entry, index })),
      input,
      'Page',
      ({ index }) => String(index),
    )
    const result: ResultObject = {}
    for (const list of LISTS) result[list] = []
    for (const index of page['Page'] as string[]) {
      const entry = entries[Number(index)]
      if (!entry) continue
      const rendered =
        entry.list === 'UserDetailList'
          ? await userDetail(repo, entry.user)
          : entry.list === 'GroupDetailList'
            ? await groupDetail(repo, entry.group)
            : entry.list === 'RoleDetailList'
              ? await roleDetail(repo, entry.role)
              : await policyDetail(repo, entry.policy, usage)
      ;(result[entry.list] as ResultObject[]).push(rendered)
    }
    result['IsTruncated'] = page['IsTruncated']
    result['Marker'] = page['Marker']
    return result
  },
})
