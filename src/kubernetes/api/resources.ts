// The resources a cluster's API face knows, as a Kubernetes 1.32 apiserver lists them in discovery:
// the kinds rolegate stores (RBAC, namespaces, service accounts, the aws-auth ConfigMap, nodes for
// `{{EC2PrivateDNSName}}`), the reviews it answers, and the workload resources it only names so
// that kubectl resolves them (rolegate runs no workloads: they are always empty).
import type { ClusterObjectKind } from '../objects.js'

/** How a resource is answered. */
export type Serving =
  /** Objects of the cluster's store: get, list, create, update, patch, delete. */
  | { by: 'store'; kind: ClusterObjectKind }
  /** A review: create only, answered at once and kept nowhere. */
  | { by: 'review' }
  /** Nothing is ever there: lists are empty, gets are NotFound, writes are refused. */
  | { by: 'nothing' }

export interface ServedResource {
  group: string
  version: string
  /** The plural, lower-case name in paths and RBAC rules. */
  resource: string
  singular: string
  kind: string
  namespaced: boolean
  verbs: readonly string[]
  shortNames?: readonly string[]
  categories?: readonly string[]
  serving: Serving
}

/** What an ordinary stored resource supports in an apiserver. */
const FULL = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const
/** What rolegate itself does with the objects it stores (no watch). */
const STORED = ['create', 'delete', 'get', 'list', 'patch', 'update'] as const
const CREATE = ['create'] as const

const NOTHING: Serving = { by: 'nothing' }
const REVIEW: Serving = { by: 'review' }
const store = (kind: ClusterObjectKind): Serving => ({ by: 'store', kind })
const ALL = ['all'] as const

interface Entry {
  resource: string
  kind: string
  namespaced: boolean
  verbs?: readonly string[]
  shortNames?: readonly string[]
  categories?: readonly string[]
  serving?: Serving
}

const group = (name: string, version: string, entries: Entry[]): ServedResource[] =>
  entries.map((entry) => ({
    group: name,
    version,
    resource: entry.resource,
    singular: entry.kind.toLowerCase(),
    kind: entry.kind,
    namespaced: entry.namespaced,
    verbs: entry.verbs ?? FULL,
    ...(entry.shortNames === undefined ? {} : { shortNames: entry.shortNames }),
    ...(entry.categories === undefined ? {} : { categories: entry.categories }),
    serving: entry.serving ?? NOTHING,
  }))

const RBAC = 'rbac.authorization.k8s.io'

/**
 * Resource names, kinds, scopes, short names and categories as `kubectl api-resources` lists them
 * against a Kubernetes 1.32 apiserver; the bootstrap ClusterRoles name the same resources.
 */
export const RESOURCES: readonly ServedResource[] = [
  ...group('', 'v1', [
    {
      resource: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
      verbs: STORED,
      serving: store('ConfigMap'),
    },
    { resource: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] },
    { resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
    { resource: 'limitranges', kind: 'LimitRange', namespaced: true, shortNames: ['limits'] },
    {
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      verbs: STORED,
      serving: store('Namespace'),
    },
    {
      resource: 'nodes',
      kind: 'Node',
      namespaced: false,
      shortNames: ['no'],
      verbs: STORED,
      serving: store('Node'),
    },
    {
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespaced: true,
      shortNames: ['pvc'],
    },
    {
      resource: 'persistentvolumes',
      kind: 'PersistentVolume',
      namespaced: false,
      shortNames: ['pv'],
    },
    { resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ALL },
    {
      resource: 'replicationcontrollers',
      kind: 'ReplicationController',
      namespaced: true,
      shortNames: ['rc'],
      categories: ALL,
    },
    { resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, shortNames: ['quota'] },
    { resource: 'secrets', kind: 'Secret', namespaced: true },
    {
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      namespaced: true,
      shortNames: ['sa'],
      verbs: STORED,
      serving: store('ServiceAccount'),
    },
    {
      resource: 'services',
      kind: 'Service',
      namespaced: true,
      shortNames: ['svc'],
      categories: ALL,
    },
  ]),
  ...group('apps', 'v1', [
    { resource: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true },
    {
      resource: 'daemonsets',
      kind: 'DaemonSet',
      namespaced: true,
      shortNames: ['ds'],
      categories: ALL,
    },
    {
      resource: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
      categories: ALL,
    },
    {
      resource: 'replicasets',
      kind: 'ReplicaSet',
      namespaced: true,
      shortNames: ['rs'],
      categories: ALL,
    },
    {
      resource: 'statefulsets',
      kind: 'StatefulSet',
      namespaced: true,
      shortNames: ['sts'],
      categories: ALL,
    },
  ]),
  ...group('authentication.k8s.io', 'v1', [
    {
      resource: 'selfsubjectreviews',
      kind: 'SelfSubjectReview',
      namespaced: false,
      verbs: CREATE,
      serving: REVIEW,
    },
    {
      resource: 'tokenreviews',
      kind: 'TokenReview',
      namespaced: false,
      verbs: CREATE,
      serving: REVIEW,
    },
  ]),
  ...group('authorization.k8s.io', 'v1', [
    {
      resource: 'localsubjectaccessreviews',
      kind: 'LocalSubjectAccessReview',
      namespaced: true,
      verbs: CREATE,
      serving: REVIEW,
    },
    {
      resource: 'selfsubjectaccessreviews',
      kind: 'SelfSubjectAccessReview',
      namespaced: false,
      verbs: CREATE,
      serving: REVIEW,
    },
    {
      resource: 'selfsubjectrulesreviews',
      kind: 'SelfSubjectRulesReview',
      namespaced: false,
      verbs: CREATE,
      serving: REVIEW,
    },
    {
      resource: 'subjectaccessreviews',
      kind: 'SubjectAccessReview',
      namespaced: false,
      verbs: CREATE,
      serving: REVIEW,
    },
  ]),
  ...group('autoscaling', 'v2', [
    {
      resource: 'horizontalpodautoscalers',
      kind: 'HorizontalPodAutoscaler',
      namespaced: true,
      shortNames: ['hpa'],
      categories: ALL,
    },
  ]),
  ...group('batch', 'v1', [
    {
      resource: 'cronjobs',
      kind: 'CronJob',
      namespaced: true,
      shortNames: ['cj'],
      categories: ALL,
    },
    { resource: 'jobs', kind: 'Job', namespaced: true, categories: ALL },
  ]),
  ...group('coordination.k8s.io', 'v1', [{ resource: 'leases', kind: 'Lease', namespaced: true }]),
  ...group('networking.k8s.io', 'v1', [
    { resource: 'ingresses', kind: 'Ingress', namespaced: true, shortNames: ['ing'] },
    {
      resource: 'networkpolicies',
      kind: 'NetworkPolicy',
      namespaced: true,
      shortNames: ['netpol'],
    },
  ]),
  ...group('policy', 'v1', [
    {
      resource: 'poddisruptionbudgets',
      kind: 'PodDisruptionBudget',
      namespaced: true,
      shortNames: ['pdb'],
    },
  ]),
  ...group(RBAC, 'v1', [
    {
      resource: 'clusterrolebindings',
      kind: 'ClusterRoleBinding',
      namespaced: false,
      verbs: STORED,
      serving: store('ClusterRoleBinding'),
    },
    {
      resource: 'clusterroles',
      kind: 'ClusterRole',
      namespaced: false,
      verbs: STORED,
      serving: store('ClusterRole'),
    },
    {
      resource: 'rolebindings',
      kind: 'RoleBinding',
      namespaced: true,
      verbs: STORED,
      serving: store('RoleBinding'),
    },
    { resource: 'roles', kind: 'Role', namespaced: true, verbs: STORED, serving: store('Role') },
  ]),
  ...group('storage.k8s.io', 'v1', [
    { resource: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] },
  ]),
]

/** A served group version, in the order discovery lists them (core first). */
export interface GroupVersion {
  group: string
  version: string
  resources: readonly ServedResource[]
}

export function groupVersions(resources: readonly ServedResource[] = RESOURCES): GroupVersion[] {
  const byKey = new Map<string, GroupVersion>()
  for (const resource of resources) {
    const key = `${resource.group}/${resource.version}`
    let entry = byKey.get(key)
    if (!entry) {
      entry = { group: resource.group, version: resource.version, resources: [] }
      byKey.set(key, entry)
    }
    ;(entry.resources as ServedResource[]).push(resource)
  }
  return [...byKey.values()]
}

/** The resource at a group, version and plural name, if served. */
export function findResource(
  groupName: string,
  version: string,
  resource: string,
): ServedResource | undefined {
  return RESOURCES.find(
    (entry) =>
      entry.group === groupName && entry.version === version && entry.resource === resource,
  )
}

/** The resource that holds a stored kind. */
export function resourceOfKind(kind: ClusterObjectKind): ServedResource | undefined {
  return RESOURCES.find((entry) => entry.serving.by === 'store' && entry.serving.kind === kind)
}
