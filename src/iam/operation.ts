// The shape every IAM operation takes: its declared input, the resource it is authorised against,
// and the work it does inside one store transaction.
import type { Caller } from '../core/caller.js'
import type { IdSource } from '../core/ids.js'
import type { Input, Shape } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { AuthorizationContext } from '../authorization/authorizer.js'
import type { PolicyCache } from '../policy/index.js'
import type { EntityType } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'

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

/** What an operation may consult to name the resource it is authorised against. */
export interface ResourceScope {
  /** The caller's account, where the call acts. */
  accountId: string
  caller: Caller
  /**
   * The ARN of the named user, group or role with its stored path, as AWS authorises it; with
   * path `/` when no such entity exists (the operation itself then answers NoSuchEntity).
   */
  entityArn(type: EntityType, name: string): Promise<string>
  /** The named user's ARN, or the caller's own for calls that default to the calling user. */
  userOrCaller(name: string | undefined): Promise<string>
}

export interface IamOperation<S extends Shape = Shape> {
  /** The Query `Action`, e.g. `CreateRole`; the IAM action is `iam:` + this. */
  name: string
  input: S
  /** The resource ARN AWS authorises this action against (see the Service Authorization Reference). */
  resource(input: Input<S>, scope: ResourceScope): string | Promise<string>
  context?(input: Input<S>): AuthorizationContext
  /** True for calls that only read: they run without taking the write lock. */
  readOnly?: boolean
  run(input: Input<S>, context: IamContext): Promise<ResultObject | undefined>
}

/** Declares an operation with its input type inferred from its shape. */
export const defineOperation = <S extends Shape>(operation: IamOperation<S>): IamOperation<S> =>
  operation
