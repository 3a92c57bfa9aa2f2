// rolegate's own API (built-in issuers, the session keyring, accounts), served as a third AWS Query
// service beside IAM and STS: SigV4 signing name `rolegate`, Version 2026-11-01, answers in the
// Query XML envelope (JSON where the app negotiates it), authorised by IAM policies like any call.
import type { Caller, RequestInfo } from '../core/caller.js'
import { accessDenied } from '../core/errors.js'
import type { Params, Shape } from '../core/input.js'
import { readInput } from '../core/input.js'
import { OperationRegistry } from '../core/operation-registry.js'
import type { ResultObject } from '../core/result.js'
import type { Authorizer } from '../authorization/authorizer.js'
import type { Store } from '../store/ports.js'
import type { AdminEnvironment, AdminOperation } from './operation.js'

export const ROLEGATE_SIGNING_NAME = 'rolegate'
export const ROLEGATE_VERSION = '2026-11-01'
export const ROLEGATE_NAMESPACE = `https://rolegate.dev/doc/${ROLEGATE_VERSION}/`

/** Satisfies the http layer's QueryService as is: it is the `rolegate` entry of the services map. */
export class AdminService {
  readonly version = ROLEGATE_VERSION
  readonly namespace = ROLEGATE_NAMESPACE
  readonly internalErrorCode = 'InternalFailure' as const
  private readonly operations: OperationRegistry<AdminOperation<Shape, unknown>>

  constructor(
    private readonly store: Store,
    private readonly authorizer: Authorizer,
    private readonly environment: AdminEnvironment,
    operations: readonly AdminOperation<Shape, unknown>[],
  ) {
    this.operations = new OperationRegistry(ROLEGATE_VERSION, operations)
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
    const resource = operation.resource(input, caller)
    if (operation.primaryAccountOnly && caller.accountId !== this.environment.primaryAccountId) {
      throw accessDenied(
        `User: ${caller.arn} is not authorized to perform: rolegate:${operation.name} on resource: ${resource} because only principals in the server's primary account may`,
      )
    }
    await this.authorizer.authorize(caller, `rolegate:${operation.name}`, resource, {}, request)
    const prepared = await operation.prepare?.(input, this.environment, request.now, caller)
    return this.store.transaction((repo) =>
      operation.run(
        input,
        { ...this.environment, accountId: caller.accountId, caller, repo, now: request.now },
        prepared,
      ),
    )
  }
}
