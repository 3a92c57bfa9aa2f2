// Runs an IAM operation: check its input once, authorise the caller, then do the work in one
// transaction so that a failed call writes nothing.
import type { Caller, RequestInfo } from '../core/caller.js'
import { AwsError } from '../core/errors.js'
import type { IdSource } from '../core/ids.js'
import type { Params } from '../core/input.js'
import { readInput } from '../core/input.js'
import { OperationRegistry } from '../core/operation-registry.js'
import type { ResultObject } from '../core/result.js'
import { PolicyCache } from '../policy/index.js'
import { StoreConflictError } from '../store/errors.js'
import type { EntityType, Store, Tag } from '../store/ports.js'
import { iamArn } from '../core/arn.js'
import type { AuthorizationContext, Authorizer } from '../authorization/authorizer.js'
import type { IamOperation, ResourceScope } from './operation.js'

export const IAM_VERSION = '2010-05-08'

/**
 * Entity ARNs for authorisation are read in their own short transaction, only when asked. The
 * scope remembers the tags of the user or role it found: they are `aws:ResourceTag/*`.
 */
export function resourceScope(
  store: Store,
  caller: Caller,
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
  return {
    accountId: caller.accountId,
    caller,
    entityArn,
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
function resourceTagContext(tags: readonly Tag[]): AuthorizationContext {
  const context: AuthorizationContext = {}
  for (const tag of tags) {
    context[`aws:ResourceTag/${tag.key}`] = tag.value
    context[`iam:ResourceTag/${tag.key}`] = tag.value
  }
  return context
}

export class IamService {
  private readonly operations: OperationRegistry<IamOperation>
  /** Documents the simulator compiles, once per text: this service's own, shared with no other. */
  private readonly policies = new PolicyCache({ limit: 1000 })

  constructor(
    private readonly store: Store,
    private readonly authorizer: Authorizer,
    private readonly ids: IdSource,
    operations: readonly IamOperation[],
  ) {
    this.operations = new OperationRegistry(IAM_VERSION, operations)
  }

  has(action: string): boolean {
    return this.operations.has(action)
  }

  async call(
    caller: Caller,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    const operation = this.operations.get(action)
    const input = readInput(operation.input, params)
    const scope = resourceScope(this.store, caller)
    const resource = await operation.resource(input, scope)
    await this.authorizer.authorize(
      caller,
      `iam:${operation.name}`,
      resource,
      { ...resourceTagContext(scope.resourceTags), ...operation.context?.(input) },
      request,
    )
    try {
      return await this.store.transaction((repo) =>
        operation.run(input, {
          accountId: caller.accountId,
          caller,
          repo,
          ids: this.ids,
          now: request.now,
          region: request.region,
          policies: this.policies,
        }),
      )
    } catch (error) {
      // Operations check for duplicates first; a unique key can still collide with a write that
      // committed in between on another replica, and that is the caller's conflict, not ours.
      if (error instanceof StoreConflictError) {
        throw new AwsError('EntityAlreadyExists', 'The entity already exists.', { cause: error })
      }
      throw error
    }
  }
}
