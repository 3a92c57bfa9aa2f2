// rolegate's own API (built-in issuers, the session keyring, accounts), served as a third AWS Query
// service beside IAM and STS: SigV4 signing name `rolegate`, Version 2026-11-01, answers in the
// Query XML envelope (JSON where the app negotiates it), authorised by IAM policies like any call.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { Params, Shape } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { Authorizer } from '../authorization/authorizer.js'
import { OperationPipeline } from '../operation/run-operation.js'
import type { Store } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import type { AdminCallFrame, AdminContext, AdminEnvironment, AdminOperation } from './operation.js'

export const ROLEGATE_SIGNING_NAME = 'rolegate'
export const ROLEGATE_VERSION = '2026-11-01'
export const ROLEGATE_NAMESPACE = `https://rolegate.dev/doc/${ROLEGATE_VERSION}/`

/** What an operation declared `store: 'none'` holds instead of repositories: any use is a bug. */
const NO_REPOSITORIES = new Proxy({} as Repositories, {
  get(_target, name) {
    // Probes by await and JSON (then, toJSON, symbols) find nothing; a repository use throws.
    if (typeof name === 'symbol' || name === 'then' || name === 'toJSON') return undefined
    throw new Error(`admin operation without a store access used repo.${name}`)
  },
})

/** Satisfies the http layer's QueryService as is: it is the `rolegate` entry of the services map. */
export class AdminService {
  readonly version = ROLEGATE_VERSION
  readonly namespace = ROLEGATE_NAMESPACE
  readonly internalErrorCode = 'InternalFailure' as const
  private readonly pipeline: OperationPipeline<AdminContext>

  constructor(
    store: Store,
    authorizer: Authorizer,
    environment: AdminEnvironment,
    operations: readonly AdminOperation<Shape, unknown>[],
  ) {
    // Each prepare step is given the environment and a way to authorise a further action.
    const prepared = operations.map((operation): AdminOperation<Shape, unknown> => {
      const prepare = operation.prepare
      if (prepare === undefined) return operation
      return {
        ...operation,
        prepare: (input, frame) => {
          const adminFrame: AdminCallFrame = {
            ...frame,
            environment,
            authorize: (action, resource) =>
              authorizer.authorize(frame.caller, action, resource, {}, frame.request),
          }
          return prepare(input, adminFrame)
        },
      }
    })
    this.pipeline = new OperationPipeline<AdminContext>({
      prefix: ROLEGATE_SIGNING_NAME,
      version: ROLEGATE_VERSION,
      operations: prepared,
      store,
      authorizer,
      primaryAccountId: environment.primaryAccountId,
      context: ({ caller, request, repo }) => {
        if (!caller) throw new Error('admin operations are signed')
        return {
          ...environment,
          accountId: caller.accountId,
          caller,
          repo: repo ?? NO_REPOSITORIES,
          now: request.now,
          region: request.region,
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
