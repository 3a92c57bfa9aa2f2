// What the API face needs from the rest of the cluster work, as ports the composition root fills:
// the cluster's state (store), token authentication (authenticator), RBAC (rbac) and object
// writes. The face itself holds no state.
import type {
  ClusterObject,
  ClusterObjectKind,
  ClusterRecord,
  ClusterSnapshot,
  RequestAttributes,
  ServiceAccount,
  UserInfo,
} from '../objects.js'
import type { Status } from './status.js'

/** The request and response the face speaks: src/http's shapes, which it cannot import. */
export interface ApiRequest {
  method: string
  /** The path as received, still percent-encoded, without the query string. */
  path: string
  /** The query string without the leading `?`. */
  query: string
  headers: ReadonlyArray<readonly [string, string]>
  body: Uint8Array
  sourceIp: string
  secure: boolean
}

export interface ApiResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The clusters by name: one consistent view of one, or undefined when there is no such cluster. */
export interface ClusterDirectory {
  snapshot(name: string): Promise<ClusterSnapshot | undefined>
  /**
   * The cluster named `name` whose webhook token `token` is (compared in constant time), or
   * undefined: no such cluster, no token, another one. The token tells apart the clusters of
   * several accounts that share the name.
   */
  webhookCaller(name: string, token: string): Promise<ClusterSnapshot | undefined>
}

export type TokenAuthentication =
  | { authenticated: true; user: UserInfo }
  /** `error` says why (which ARN was not mapped, which check failed), for TokenReview.status. */
  | { authenticated: false; error: string }

/** `aws eks get-token` tokens to users (aws-iam-authenticator's part). */
export interface TokenAuthenticator {
  authenticate(snapshot: ClusterSnapshot, token: string): Promise<TokenAuthentication>
}

export interface AuthorizationDecision {
  /** RBAC allows or has no opinion; it never denies. */
  allowed: boolean
  /** Why: the binding and role that allowed, or empty. */
  reason: string
  /** Something RBAC could not read (a binding to a missing role), as the apiserver reports it. */
  evaluationError?: string
}

/** A SubjectRulesReviewStatus: what a user may do in a namespace. */
export interface RulesReview {
  resourceRules: Array<{
    verbs: string[]
    apiGroups?: string[]
    resources?: string[]
    resourceNames?: string[]
  }>
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs?: string[] }>
  incomplete: boolean
  evaluationError?: string
}

/** RBAC over a cluster's objects (the apiserver's RBAC authorizer). */
export interface ClusterAuthorizer {
  authorize(snapshot: ClusterSnapshot, attributes: RequestAttributes): AuthorizationDecision
  rules(snapshot: ClusterSnapshot, user: UserInfo, namespace: string): RulesReview
  /** The 403 Status for a request RBAC did not allow, worded as the apiserver words it. */
  forbidden(attributes: RequestAttributes, decision: AuthorizationDecision): Status
  /**
   * The objects the face serves: the cluster's own over the defaults every apiserver has (the
   * bootstrap ClusterRoles and bindings), ClusterRoles aggregated; the snapshot's when absent.
   */
  objectsOf?(snapshot: ClusterSnapshot): readonly ClusterObject[]
}

/** Where an object is: kind, namespace ('' for cluster-scoped) and name. */
export interface ObjectKey {
  kind: ClusterObjectKind
  namespace: string
  name: string
}

/**
 * Writes of single objects, each in its own transaction, validated as the apiserver validates
 * them. Failures are thrown as StatusError (AlreadyExists, NotFound, Invalid, Conflict).
 */
export interface ClusterObjectWriter {
  create(cluster: ClusterRecord, object: ClusterObject): Promise<ClusterObject>
  /** Replaces the object; a resourceVersion on it must still be current (else Conflict). */
  update(cluster: ClusterRecord, object: ClusterObject): Promise<ClusterObject>
  /** Deletes it and answers what was deleted. */
  delete(cluster: ClusterRecord, key: ObjectKey): Promise<ClusterObject>
}

/** What a mutating admission webhook answers: an AdmissionReview (200) or a Status (400). */
export interface AdmissionAnswer {
  status: number
  body: unknown
}

/** The pod identity webhook (amazon-eks-pod-identity-webhook's part): AdmissionReview in, out. */
export interface PodIdentityMutation {
  review(snapshot: ClusterSnapshot, body: unknown): AdmissionAnswer
}

/** A service-account token as the TokenRequest API answers it. */
export interface IssuedToken {
  token: string
  /** The audiences it names (the service account's default when none was asked for). */
  audiences: string[]
  expirationTimestamp: Date
}

/** Service-account tokens signed by the cluster's issuer (the kube-apiserver's token signer). */
export interface ServiceAccountTokens {
  mint(
    snapshot: ClusterSnapshot,
    account: ServiceAccount,
    request: { audiences: readonly string[]; expirationSeconds: number; pod?: string | undefined },
  ): Promise<IssuedToken>
}
