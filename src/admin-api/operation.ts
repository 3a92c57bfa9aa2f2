// The shape of a rolegate admin API operation, after IAM's: its declared input, the resource it is
// authorised against (`rolegate:ACTION` on `arn:aws:rolegate::ACCOUNT:...`), optional work done
// before the transaction (key generation), and the work done inside one store transaction.
import type { Caller } from '../core/caller.js'
import type { IdSource } from '../core/ids.js'
import type { Input, Shape } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { BuiltInIssuers } from '../federation/issuer/index.js'
import type { Repositories } from '../store/repositories.js'

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

export interface AdminOperation<S extends Shape = Shape, P = undefined> {
  /** The Query `Action`; the IAM action is `rolegate:` + this. */
  name: string
  input: S
  resource(input: Input<S>, caller: Caller): string
  /** Only callers in the server's primary account may call it (server-wide state). */
  primaryAccountOnly?: boolean
  /** Slow work that needs no transaction (generating a key pair), after authorisation. */
  prepare?(input: Input<S>, environment: AdminEnvironment, now: Date, caller: Caller): Promise<P>
  run(input: Input<S>, context: AdminContext, prepared: P): Promise<ResultObject | undefined>
}

export const defineAdminOperation = <S extends Shape, P = undefined>(
  operation: AdminOperation<S, P>,
): AdminOperation<S, P> => operation

/** `arn:aws:rolegate::ACCOUNT:RESOURCE`. */
export const rolegateArn = (accountId: string, resource: string) =>
  `arn:aws:rolegate::${accountId}:${resource}`
