// What the HTTP layer needs from a service that speaks AWS Query (IAM, STS): its version,
// XML namespace and how it runs an action. Adding a service is one entry in the app's map.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { ErrorCode } from '../core/errors.js'
import type { Params } from '../core/input.js'
import type { ResultObject } from '../core/result.js'

export interface QueryService {
  /** The Query `Version` the service answers, e.g. `2010-05-08`. */
  version: string
  /** The document namespace of its responses, e.g. `https://iam.amazonaws.com/doc/2010-05-08/`. */
  namespace: string
  /** What the service calls a failure of its own: IAM says ServiceFailure, STS InternalFailure. */
  internalErrorCode: ErrorCode
  has(action: string): boolean
  call(
    caller: Caller,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined>
  /** True for actions served without credentials (STS's web identity federation). */
  acceptsUnsigned?(action: string): boolean
  /** Runs an action that needs no credentials; only asked for those acceptsUnsigned names. */
  callUnsigned?(
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined>
  /** True when it answers in JSON to clients sending `Accept: application/json` (STS does). */
  speaksJson?: boolean
}

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/'
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
export const STS_VERSION = '2011-06-15'

/** The IamService (or anything with its `has`/`call`) as the `iam` Query service. */
export const iamQueryService = (service: Pick<QueryService, 'has' | 'call'>): QueryService => ({
  version: '2010-05-08',
  namespace: IAM_NAMESPACE,
  internalErrorCode: 'ServiceFailure',
  has: (action) => service.has(action),
  call: (caller, action, params, request) => service.call(caller, action, params, request),
})
