// Runs an STS operation: check its input once (STS's messages echo the value), then the operation,
// which authorises itself. Sessions from GetSessionToken may call only AssumeRole and
// GetCallerIdentity, and federated users (GetFederationToken) only GetCallerIdentity, as AWS
// documents.
import type { Caller, RequestInfo, SessionOrigin } from '../core/caller.js'
import type { Params } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { OperationPipeline } from '../operation/run-operation.js'
import { notWithSessionCredentials } from './aws-messages.js'
import type { StsContext, StsDeps, StsOperation } from './operation.js'

export const STS_VERSION = '2011-06-15'
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'

/** What the credentials of GetSessionToken and GetFederationToken may still call in STS. */
const SESSION_ACTIONS: Partial<Record<SessionOrigin, ReadonlySet<string>>> = {
  GetSessionToken: new Set(['AssumeRole', 'GetCallerIdentity']),
  GetFederationToken: new Set(['GetCallerIdentity']),
}

export class StsService {
  readonly version = STS_VERSION
  readonly namespace = STS_NAMESPACE
  readonly internalErrorCode = 'InternalFailure' as const
  /** STS answers in JSON to clients that send `Accept: application/json`. */
  readonly speaksJson = true
  private readonly pipeline: OperationPipeline<StsContext>

  constructor(deps: StsDeps, operations: readonly StsOperation[]) {
    this.pipeline = new OperationPipeline<StsContext>({
      prefix: 'sts',
      version: STS_VERSION,
      operations,
      store: deps.store,
      authorizer: deps.authorizer,
      admit(operation, caller) {
        const allowed = caller.session && SESSION_ACTIONS[caller.session.obtainedBy]
        if (allowed && !allowed.has(operation.name) && operation.unsigned !== true) {
          throw notWithSessionCredentials(operation.name, {
            principal: { id: caller.userId, name: caller.name, arn: caller.arn },
            action: `sts:${operation.name}`,
            resource: '*',
          })
        }
      },
      context: ({ caller, request }) => ({ caller, request, deps }),
    })
  }

  has(action: string): boolean {
    return this.pipeline.has(action)
  }

  /** True for actions AWS serves without credentials (AssumeRoleWithWebIdentity). */
  acceptsUnsigned(action: string): boolean {
    return this.pipeline.acceptsUnsigned(action)
  }

  call(
    caller: Caller,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    return this.pipeline.call(caller, action, params, request)
  }

  callUnsigned(
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    return this.pipeline.call(undefined, action, params, request)
  }
}
