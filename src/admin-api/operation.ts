// The context of a rolegate admin API operation: the one operation shape (define-operation.ts),
// authorised as `rolegate:ACTION` on `arn:aws:rolegate::ACCOUNT:...`, with slow work (key
// generation) done before its transaction.
import type { Caller } from '../core/caller.js'
import type { IdSource } from '../core/ids.js'
import type { Shape } from '../core/input.js'
import type { BuiltInIssuers } from '../federation/issuer/index.js'
import type { Repositories } from '../store/repositories.js'
import { defineOperationOnResource } from '../operation/define-operation.js'
import type { OperationOnResource } from '../operation/define-operation.js'

/** What the admin API knows about the server it runs in. */
export interface AdminEnvironment {
  /** The account the server bootstrapped; only its callers may manage accounts and the keyring. */
  primaryAccountId: string
  issuers: BuiltInIssuers
  ids: IdSource
}

export interface AdminContext extends AdminEnvironment {
  accountId: string
  caller: Caller
  /** Open inside the call's transaction: everything written commits or rolls back together. */
  repo: Repositories
  now: Date
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
