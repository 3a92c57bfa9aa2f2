// The context of a rolegate admin API operation: the one operation shape (define-operation.ts),
// authorised as `rolegate:ACTION` on `arn:aws:rolegate::ACCOUNT:...`, with slow work (key
// generation) done before its transaction.
import type { Caller } from '../core/caller.js'
import type { IdSource } from '../core/ids.js'
import type { Shape } from '../core/input.js'
import type { BuiltInIssuers } from '../federation/issuer/index.js'
import type { Repositories } from '../store/repositories.js'
import type { ClusterSnapshots } from '../kubernetes/cluster-snapshots.js'
import { defineOperationOnResource } from '../operation/define-operation.js'
import type { CallFrame, OperationOnResource } from '../operation/define-operation.js'

/** What the admin API knows about the server it runs in. */
export interface AdminEnvironment {
  /** The account the server bootstrapped; only its callers may manage accounts and the keyring. */
  primaryAccountId: string
  issuers: BuiltInIssuers
  ids: IdSource
  /** Kubernetes clusters as the server's other parts read them, cached per store generation. */
  clusters: ClusterSnapshots
}

export interface AdminContext extends AdminEnvironment {
  accountId: string
  caller: Caller
  /**
   * Open inside the call's transaction: everything written commits or rolls back together. An
   * operation declared `store: 'none'` has none, and any use of it throws.
   */
  repo: Repositories
  now: Date
  /** The region the request was signed for. */
  region: string
}

/**
 * What an admin operation's `prepare` is given (the pipeline's CallFrame, which the admin service
 * extends): the server's environment, and a check that the caller may also perform a further
 * action the operation will take (CreateCluster registering an IAM OIDC provider), made before
 * the transaction, since the authoriser reads the store itself.
 */
export interface AdminCallFrame extends CallFrame {
  environment: AdminEnvironment
  authorize(action: string, resource: string): Promise<void>
}

/** The admin frame a prepare step was given. */
export function adminFrame(frame: CallFrame): AdminCallFrame {
  if (!('environment' in frame) || !('authorize' in frame)) {
    throw new Error('admin operation prepared outside the admin service')
  }
  return frame as AdminCallFrame
}

export type AdminOperation<S extends Shape = Shape, P = undefined> = OperationOnResource<
  S,
  AdminContext,
  P
>

/** Declares an admin operation: `rolegate:` + its name, authorised on `arn:aws:rolegate::...`. */
export const defineAdminOperation = defineOperationOnResource<AdminContext>()

/** `arn:aws:rolegate::ACCOUNT:RESOURCE`. */
export const rolegateArn = (accountId: string, resource: string) =>
  `arn:aws:rolegate::${accountId}:${resource}`
