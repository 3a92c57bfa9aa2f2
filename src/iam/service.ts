// Runs an IAM operation: check its input once, authorise the caller, then do the work in one
// transaction so that a failed call writes nothing.
import type { Caller, RequestInfo } from '../core/caller.js'
import { AwsError } from '../core/errors.js'
import type { IdSource } from '../core/ids.js'
import type { Params } from '../core/input.js'
import { readInput } from '../core/input.js'
import { OperationRegistry } from '../core/operation-registry.js'
import type { ResultObject } from '../core/result.js'
import { StoreConflictError } from '../store/errors.js'
import type { EntityType, Store } from '../store/ports.js'
import { iamArn } from '../core/arn.js'
import type { AuthorizationContext, IamOperation, ResourceScope } from './operation.js'

export interface Authorizer {
  /** Throws AccessDenied, in AWS's words, unless the caller may perform `action` on `resource`. */
  authorize(
    caller: Caller,
    action: string,
    resource: string,
    context: AuthorizationContext,
    request: RequestInfo,
  ): Promise<void>
}

export const IAM_VERSION = '2010-05-08'

/** Entity ARNs for authorisation are read in their own short transaction, only when asked. */
export function resourceScope(store: Store, caller: Caller): ResourceScope {
  const entityArn = async (type: EntityType, name: string): Promise<string> => {
    const stored = await store.transaction(async (repo) => {
      if (type === 'user') return (await repo.getUserByName(caller.accountId, name))?.arn
      if (type === 'role') return (await repo.getRoleByName(caller.accountId, name))?.arn
      return (await repo.getGroupByName(caller.accountId, name))?.arn
    })
    return stored ?? iamArn(caller.accountId, type, '/', name)
  }
  return {
    accountId: caller.accountId,
    caller,
    entityArn,
    userOrCaller: (name) =>
      name === undefined ? Promise.resolve(caller.arn) : entityArn('user', name),
  }
}

export class IamService {
  private readonly operations: OperationRegistry<IamOperation>

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
    await this.authorizer.authorize(
      caller,
      `iam:${operation.name}`,
      await operation.resource(input, resourceScope(this.store, caller)),
      operation.context?.(input) ?? {},
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
