// The IAM service: its operations run through the one operation pipeline, as `iam:ACTION`, with
// the context IAM's operations need.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { IdSource } from '../core/ids.js'
import type { Params } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { Authorizer } from '../authorization/authorizer.js'
import { OperationPipeline } from '../operation/run-operation.js'
import { PolicyCache } from '../policy/index.js'
import type { Store } from '../store/ports.js'
import type { IamContext, IamOperation } from './operation.js'

export const IAM_VERSION = '2010-05-08'

export class IamService {
  private readonly pipeline: OperationPipeline<IamContext>
  /** Documents the simulator compiles, once per text: this service's own, shared with no other. */
  private readonly policies = new PolicyCache({ limit: 1000 })

  constructor(
    store: Store,
    authorizer: Authorizer,
    ids: IdSource,
    operations: readonly IamOperation[],
  ) {
    this.pipeline = new OperationPipeline<IamContext>({
      prefix: 'iam',
      version: IAM_VERSION,
      operations,
      store,
      authorizer,
      context: ({ caller, request, repo }) => {
        if (!caller || !repo) throw new Error('IAM operations are signed and run in a transaction')
        return {
          accountId: caller.accountId,
          caller,
          repo,
          ids,
          now: request.now,
          region: request.region,
          policies: this.policies,
        }
      },
    })
  }

  has(action: string): boolean {
    return this.pipeline.has(action)
  }

  call(
    caller: Caller,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined> {
    return this.pipeline.call(caller, action, params, request)
  }
}
