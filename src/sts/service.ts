// Runs an STS operation: check its input once (STS's messages echo the value), then the operation,
// which authorises itself. Sessions from GetSessionToken may call only AssumeRole and
// GetCallerIdentity, as AWS documents.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { Params } from '../core/input.js'
import { readInput } from '../core/input.js'
import { OperationRegistry } from '../core/operation-registry.js'
import type { ResultObject } from '../core/result.js'
import { notWithSessionCredentials } from './aws-messages.js'
import type { StsDeps, StsOperation } from './operation.js'

export const STS_VERSION = '2011-06-15'
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'

/** What GetSessionToken's credentials may still call in STS. */
const USER_SESSION_ACTIONS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity'])

export class StsService {
  readonly version = STS_VERSION
  readonly namespace = STS_NAMESPACE
  readonly internalErrorCode = 'InternalFailure' as const
  /** STS answers in JSON to clients that send `Accept: application/json`. */
  readonly speaksJson = true
  private readonly operations: OperationRegistry<StsOperation>

  constructor(
    private readonly deps: StsDeps,
    operations: readonly StsOperation[],
  ) {
    this.operations = new OperationRegistry(STS_VERSION, operations)
  }

  has(action: string): boolean {
    return this.operations.has(action)
  }

  /** True for actions AWS serves without credentials (AssumeRoleWithWebIdentity). */
  acceptsUnsigned(action: string): boolean {
    return this.operations.find(action)?.unsigned === true
  }

  call(
    caller: Caller,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    const operation = this.operations.get(action)
    if (
      caller.session?.obtainedBy === 'GetSessionToken' &&
      !USER_SESSION_ACTIONS.has(action) &&
      operation.unsigned !== true
    ) {
      throw notWithSessionCredentials(action, {
        principal: { id: caller.userId, name: caller.name, arn: caller.arn },
        action: `sts:${action}`,
        resource: '*',
      })
    }
    return this.run(operation, caller, params, request)
  }

  callUnsigned(
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    return this.run(this.operations.get(action), undefined, params, request)
  }

  private async run(
    operation: StsOperation,
    caller: Caller | undefined,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject> {
    const input = readInput(operation.input, params, 'echo-value')
    return operation.run(input, { caller, request, deps: this.deps })
  }
}
