// The resource scope an operation names its resource in: entity ARNs read with their stored path
// in a short read transaction, only when asked, and the tags of the user, role or instance profile
// found, which IAM policies see as `aws:ResourceTag/*` (and `iam:ResourceTag/*`).
import { iamArn } from '../core/arn.js'
import type { Caller } from '../core/caller.js'
import type { AuthorizationContext } from '../authorization/authorizer.js'
import type { EntityType, Store, Tag } from '../store/ports.js'
import type { ResourceScope } from './define-operation.js'

export function resourceScope(
  store: Store,
  caller: Caller,
  /** The region the request was signed for; scopes built outside a request take us-east-1. */
  region = 'us-east-1',
): ResourceScope & { readonly resourceTags: readonly Tag[] } {
  let resourceTags: readonly Tag[] = []
  const entityArn = async (type: EntityType, name: string): Promise<string> => {
    const stored = await store.read(async (repo) => {
      if (type === 'user') return repo.users.getByName(caller.accountId, name)
      if (type === 'role') return repo.roles.getByName(caller.accountId, name)
      return repo.groups.getByName(caller.accountId, name)
    })
    resourceTags = stored && 'tags' in stored ? stored.tags : []
    return stored?.arn ?? iamArn(caller.accountId, type, '/', name)
  }
  const instanceProfileArn = async (name: string): Promise<string> => {
    const stored = await store.read((repo) =>
      repo.instanceProfiles.getByName(caller.accountId, name),
    )
    resourceTags = stored?.tags ?? []
    return stored?.arn ?? iamArn(caller.accountId, 'instance-profile', '/', name)
  }
  const clusterArn = async (name: string): Promise<string> => {
    const stored = await store.read((repo) => repo.clusters.get(caller.accountId, name))
    return stored?.arn ?? `arn:aws:eks:${region}:${caller.accountId}:cluster/${name}`
  }
  return {
    accountId: caller.accountId,
    caller,
    region,
    entityArn,
    instanceProfileArn,
    clusterArn,
    userOrCaller: (name) => {
      if (name !== undefined) return entityArn('user', name)
      return caller.type === 'user' ? entityArn('user', caller.name) : Promise.resolve(caller.arn)
    },
    get resourceTags() {
      return resourceTags
    },
  }
}

/** IAM documents both spellings for users and roles: `aws:ResourceTag/K` and `iam:ResourceTag/K`. */
export function resourceTagContext(tags: readonly Tag[]): AuthorizationContext {
  const context: AuthorizationContext = {}
  for (const tag of tags) {
    context[`aws:ResourceTag/${tag.key}`] = tag.value
    context[`iam:ResourceTag/${tag.key}`] = tag.value
  }
  return context
}
