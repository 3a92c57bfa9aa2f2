// The pipeline every operation runs through, whichever service serves it: validate the input once,
// name the resource, authorise the caller, do any slow preparation, then the work in the store
// access it declared (one write transaction, so a failed call writes nothing; a read-only
// snapshot; or none).
import type { Caller, RequestInfo } from '../core/caller.js'
import { AwsError, accessDenied } from '../core/errors.js'
import type { Params, Shape } from '../core/input.js'
import { readInput } from '../core/input.js'
import { OperationRegistry } from '../core/operation-registry.js'
import type { ResultObject } from '../core/result.js'
import type { Authorizer } from '../authorization/authorizer.js'
import { StoreConflictError } from '../store/errors.js'
import type { Store } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import type { AnyOperation, Operation } from './define-operation.js'
import { resourceScope, resourceTagContext } from './resource-scope.js'

/** What the work of one call is given to build its service's context from. */
export interface CallParts {
  /** Undefined only for an operation served without credentials. */
  caller: Caller | undefined
  request: RequestInfo
  /** Open for the call's transaction; undefined for operations that take none. */
  repo: Repositories | undefined
}

export interface OperationPipelineOptions<C> {
  /** The IAM action prefix: `iam`, `sts`, `rolegate`. */
  prefix: string
  /** The Query Version, for AWS's InvalidAction message. */
  version: string
  operations: readonly AnyOperation<C>[]
  store: Store
  authorizer: Authorizer
  /** The server's primary account, for operations only its principals may call. */
  primaryAccountId?: string | undefined
  /** Refuses a caller before anything else is looked at (STS: GetSessionToken's sessions). */
  admit?(operation: AnyOperation<C>, caller: Caller): void
  /** The context the service's operations run with. */
  context(parts: CallParts): C
}

export class OperationPipeline<C> {
  private readonly operations: OperationRegistry<AnyOperation<C>>

  constructor(private readonly options: OperationPipelineOptions<C>) {
    this.operations = new OperationRegistry(options.version, options.operations)
  }

  has(action: string): boolean {
    return this.operations.has(action)
  }

  /** True for actions served without credentials. */
  acceptsUnsigned(action: string): boolean {
    return this.operations.find(action)?.unsigned === true
  }

  /** Runs `action` for `caller`, or unsigned (caller undefined) when the operation allows it. */
  async call(
    caller: Caller | undefined,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    const operation = this.operations.get(action)
    if (caller === undefined && operation.unsigned !== true) {
      throw new Error(`${this.options.prefix}:${action} called without a caller`)
    }
    if (caller !== undefined) this.options.admit?.(operation, caller)
    const input = readInput(operation.input, params, operation.messages)
    if (caller !== undefined) await this.authorize(operation, input, caller, request)
    const read = <T>(work: (repo: Repositories) => Promise<T>) => this.options.store.read(work)
    const prepared =
      caller === undefined ? undefined : await operation.prepare?.(input, { caller, request, read })
    const run = (repo: Repositories | undefined) =>
      operation.run(input, this.options.context({ caller, request, repo }), prepared)
    const access = operation.store ?? 'write'
    if (access === 'none') return run(undefined)
    if (access === 'read') return this.options.store.read(run)
    try {
      return await this.options.store.transaction(run)
    } catch (error) {
      // Operations check for duplicates first; a unique key can still collide with a write that
      // committed in between on another replica, and that is the caller's conflict, not ours.
      if (error instanceof StoreConflictError) {
        throw new AwsError('EntityAlreadyExists', 'The entity already exists.', { cause: error })
      }
      throw error
    }
  }

  private async authorize(
    operation: Operation<Shape, C, unknown>,
    input: Record<string, unknown>,
    caller: Caller,
    request: RequestInfo,
  ): Promise<void> {
    if (operation.authorizesItself === true) return
    const scope = resourceScope(this.options.store, caller, request.region)
    const resource = await operation.resource(input, scope)
    const action = operation.action ?? `${this.options.prefix}:${operation.name}`
    const primary = this.options.primaryAccountId
    if (operation.primaryAccountOnly === true && caller.accountId !== primary) {
      throw accessDenied(
        `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because only principals in the server's primary account may`,
      )
    }
    await this.options.authorizer.authorize(
      caller,
      action,
      resource,
      { ...resourceTagContext(scope.resourceTags), ...operation.context?.(input) },
      request,
    )
  }
}
