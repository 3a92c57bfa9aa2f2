// The Kubernetes objects a cluster holds, the aws-auth mapping, and the user and request
// attributes RBAC decides on: shapes as the Kubernetes API defines them (field names and optionality
// as in the API reference), shared by the store, the authenticator, RBAC and the API faces.
import type { ClusterRecord } from '../store/ports.js'

/** metav1.ObjectMeta: the fields rolegate keeps. */
export interface ObjectMeta {
  name: string
  /** Absent on cluster-scoped objects. */
  namespace?: string
  uid?: string
  resourceVersion?: string
  creationTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** rbac/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
  values?: string[]
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: LabelSelectorRequirement[]
}

/** rbac/v1 AggregationRule. */
export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[]
}

/** rbac/v1 Subject; `namespace` only for ServiceAccount subjects. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount'
  name: string
  apiGroup?: string
  namespace?: string
}

/** rbac/v1 RoleRef: immutable once the binding exists. */
export interface RoleRef {
  apiGroup: string
  kind: 'Role' | 'ClusterRole'
  name: string
}

export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1'

export interface Role {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'Role'
  metadata: ObjectMeta
  rules?: PolicyRule[] | null
}

export interface ClusterRole {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'ClusterRole'
  metadata: ObjectMeta
  /** For an aggregated role, the rules the aggregation filled in. */
  rules?: PolicyRule[] | null
  aggregationRule?: AggregationRule
}

export interface RoleBinding {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'RoleBinding'
  metadata: ObjectMeta
  subjects?: Subject[]
  roleRef: RoleRef
}

export interface ClusterRoleBinding {
  apiVersion: typeof RBAC_API_VERSION
  kind: 'ClusterRoleBinding'
  metadata: ObjectMeta
  subjects?: Subject[]
  roleRef: RoleRef
}

export interface Namespace {
  apiVersion: 'v1'
  kind: 'Namespace'
  metadata: ObjectMeta
}

export interface ServiceAccount {
  apiVersion: 'v1'
  kind: 'ServiceAccount'
  metadata: ObjectMeta
  automountServiceAccountToken?: boolean
}

export interface ConfigMap {
  apiVersion: 'v1'
  kind: 'ConfigMap'
  metadata: ObjectMeta
  data?: Record<string, string>
}

/** A node: what `{{EC2PrivateDNSName}}` resolves through (instance id to private DNS name). */
export interface Node {
  apiVersion: 'v1'
  kind: 'Node'
  metadata: ObjectMeta
  spec?: { providerID?: string }
  status?: { addresses?: Array<{ type: string; address: string }> }
}

/** Every kind a cluster stores. */
export type ClusterObject =
  | Role
  | ClusterRole
  | RoleBinding
  | ClusterRoleBinding
  | Namespace
  | ServiceAccount
  | ConfigMap
  | Node

export type ClusterObjectKind = ClusterObject['kind']

/** One `mapRoles` entry of aws-auth, as the authenticator reads it. */
export interface RoleMapping {
  rolearn: string
  username: string
  groups: string[]
}

/** One `mapUsers` entry of aws-auth. */
export interface UserMapping {
  userarn: string
  username: string
  groups: string[]
}

/** The aws-auth ConfigMap's three lists, parsed from the YAML strings EKS keeps in its data. */
export interface AwsAuth {
  mapRoles: RoleMapping[]
  mapUsers: UserMapping[]
  /** Account IDs, written as quoted strings. */
  mapAccounts: string[]
}

/** authentication/v1 UserInfo: who a token or a review says the caller is. */
export interface UserInfo {
  username: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

/**
 * authorizer.Attributes: what one request asks. A resource request names verb, group, resource,
 * subresource, namespace and name ('' where absent); a non-resource request a path.
 */
export type RequestAttributes =
  | {
      user: UserInfo
      resourceRequest: true
      verb: string
      apiGroup: string
      apiVersion: string
      resource: string
      subresource: string
      namespace: string
      name: string
    }
  | {
      user: UserInfo
      resourceRequest: false
      verb: string
      path: string
    }

/** A cluster as rolegate keeps it: the store's record, named here too for the cluster code. */
export type { ClusterRecord }

/** One consistent view of a cluster: the record and every object it holds. */
export interface ClusterSnapshot {
  cluster: ClusterRecord
  objects: readonly ClusterObject[]
}
