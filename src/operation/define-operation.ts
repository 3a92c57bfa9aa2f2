// The one shape of every operation IAM, STS and rolegate's own API serve: its declared input, how
// it is authorised (a resource IAM policies decide on, or a decision the operation makes itself),
// the store access it needs, and its work. The pipeline in run-operation.ts runs them all alike.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { Input, MessageStyle, Shape } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { AuthorizationContext } from '../authorization/authorizer.js'
import type { EntityType } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'

/**
 * What the work needs of the store: a write transaction (the default: all or nothing), a
 * read-only one (a snapshot that never waits for writes), or none (STS, which reads through its
 * caches).
 */
export type StoreAccess = 'write' | 'read' | 'none'

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
  /** The named instance profile's ARN with its stored path (path `/` when there is none). */
  instanceProfileArn(name: string): Promise<string>
  /** The region the request was signed for. */
  region: string
  /**
   * The named Kubernetes cluster's stored ARN (`arn:aws:eks:REGION:ACCOUNT:cluster/NAME`), in the
   * request's region when there is no such cluster.
   */
  clusterArn(name: string): Promise<string>
}

/** Who is calling and when: what slow work before the transaction may use. */
export interface CallFrame {
  caller: Caller
  request: RequestInfo
  /**
   * A read-only snapshot for slow work that needs stored values (a password hash to check against);
   * the transaction that follows must check that what the work relied on has not changed.
   */
  read<T>(work: (repo: Repositories) => Promise<T>): Promise<T>
}

interface OperationCommon<S extends Shape, C, P> {
  /** The Query `Action`, e.g. `CreateRole`; the IAM action is the service's prefix and this. */
  name: string
  /**
   * The IAM action when it is not the service's prefix and the name: rolegate's cluster
   * operations are authorised as the EKS actions they mirror (`eks:CreateCluster`).
   */
  action?: string
  input: S
  /** How input problems are worded: IAM's messages name the member; STS's echo the value too. */
  messages?: MessageStyle
  /** Served without credentials (STS's federation): the caller is then undefined. */
  unsigned?: boolean
  /** Only callers in the server's primary account may call it: it changes server-wide state. */
  primaryAccountOnly?: boolean
  /** What `run` needs of the store; `write` unless said. */
  store?: StoreAccess
  /** Slow work that needs no transaction (generating a key pair), done after authorisation. */
  prepare?(input: Input<S>, frame: CallFrame): Promise<P>
  run(input: Input<S>, context: C, prepared: P): Promise<ResultObject | undefined>
}

/** Authorised by IAM policies, on the resource AWS names (the Service Authorization Reference). */
interface AuthorisedOnResource<S extends Shape> {
  resource(input: Input<S>, scope: ResourceScope): string | Promise<string>
  /** Request context keys the operation adds, e.g. `aws:RequestTag/team`. */
  context?(input: Input<S>): AuthorizationContext
  authorizesItself?: undefined
}

/** Authorised by the operation itself (STS: a role's trust policy decides as much as the caller's). */
interface AuthorisingItself {
  authorizesItself: true
  resource?: undefined
  context?: undefined
}

/** An operation IAM policies authorise on the resource it names (IAM, rolegate's own API). */
export type OperationOnResource<
  S extends Shape = Shape,
  C = unknown,
  P = undefined,
> = OperationCommon<S, C, P> & AuthorisedOnResource<S>

/** An operation that makes its own authorisation decision (STS). */
export type OperationAuthorisingItself<
  S extends Shape = Shape,
  C = unknown,
  P = undefined,
> = OperationCommon<S, C, P> & AuthorisingItself

export type Operation<S extends Shape = Shape, C = unknown, P = undefined> =
  OperationOnResource<S, C, P> | OperationAuthorisingItself<S, C, P>

/** An operation of any shape, as a service holds them. */
export type AnyOperation<C> = Operation<Shape, C, unknown>

/**
 * `defineOperation<Context>()` gives a service's declare function: each operation's input type is
 * inferred from its shape, its context is the service's.
 */
export const defineOperation =
  <C>() =>
  <S extends Shape, P = undefined>(operation: Operation<S, C, P>): Operation<S, C, P> =>
    operation

/** The same for services whose every operation is authorised on a resource (IAM, the admin API). */
export const defineOperationOnResource =
  <C>() =>
  <S extends Shape, P = undefined>(
    operation: OperationOnResource<S, C, P>,
  ): OperationOnResource<S, C, P> =>
    operation
