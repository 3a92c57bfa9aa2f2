// The default ClusterRoles and ClusterRoleBindings every kube-apiserver creates (cluster-admin,
// admin, edit, view, system:basic-user, system:discovery, system:public-info-viewer, ...), as data
// derived from upstream's golden files by scripts/extract-rbac-bootstrap.js, and the one layering
// of a cluster's own objects over them that every part of rolegate uses.
import type { ClusterObject, ClusterRole, ClusterRoleBinding } from '../objects.js'
import policy from './bootstrap-policy.json' with { type: 'json' }

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

// Frozen: the layer is shared by every cluster in the process and must never change under one.
const CLUSTER_ROLES: readonly ClusterRole[] = deepFreeze(
  policy.clusterRoles as unknown as ClusterRole[],
)
const CLUSTER_ROLE_BINDINGS: readonly ClusterRoleBinding[] = deepFreeze(
  policy.clusterRoleBindings as unknown as ClusterRoleBinding[],
)

/** The default ClusterRoles, aggregated ones (admin, edit, view) with their stored `rules: null`. */
export const bootstrapClusterRoles = (): readonly ClusterRole[] => CLUSTER_ROLES

export const bootstrapClusterRoleBindings = (): readonly ClusterRoleBinding[] =>
  CLUSTER_ROLE_BINDINGS

const key = (object: ClusterObject) =>
  `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`

/**
 * The cluster's objects over the bootstrap layer: a ClusterRole or ClusterRoleBinding the cluster
 * holds under a default's name replaces the default. Unlike a kube-apiserver, which puts missing
 * default rules and subjects back at every start unless the object is annotated
 * `rbac.authorization.kubernetes.io/autoupdate: "false"`, rolegate keeps the cluster's object as
 * written: nothing restarts to reconcile it.
 */
export function withBootstrap(objects: readonly ClusterObject[]): ClusterObject[] {
  const own = new Set(objects.map(key))
  const defaults = [...CLUSTER_ROLES, ...CLUSTER_ROLE_BINDINGS].filter(
    (object) => !own.has(key(object)),
  )
  return [...defaults, ...objects]
}
