// The context every IAM operation runs with, in the one operation shape (define-operation.ts):
// authorised as `iam:ACTION` on the resource AWS names, its work in one store transaction (a
// read-only one for calls that only read).
import type { Caller } from '../core/caller.js'
import type { IdSource } from '../core/ids.js'
import type { Shape } from '../core/input.js'
import type { PolicyCache } from '../policy/index.js'
import type { Repositories } from '../store/repositories.js'
import { defineOperationOnResource } from '../operation/define-operation.js'
import type { OperationOnResource } from '../operation/define-operation.js'

export interface IamContext {
  /** The account the call acts in: the caller's. */
  accountId: string
  caller: Caller
  /** Open inside the call's transaction: everything written commits or rolls back together. */
  repo: Repositories
  ids: IdSource
  now: Date
  region: string
  /** Compiles policy documents once per text (the simulator); owned by the service. */
  policies: PolicyCache
}

export type { ResourceScope } from '../operation/define-operation.js'

export type IamOperation<S extends Shape = Shape> = OperationOnResource<S, IamContext, unknown>

/** Declares an IAM operation (`iam:` + its name) with its input type inferred from its shape. */
export const defineOperation = defineOperationOnResource<IamContext>()
