// The kinds a rolegate cluster keeps, as the Kubernetes API names them: apiVersion, resource
// (plural), scope and kubectl's short names, so that YAML, `cluster get KIND` and the API faces
// name them alike. Other kinds are refused the way an apiserver refuses a kind it does not serve.
import type { ClusterObjectKind } from './objects.js'

export interface KindInfo {
  kind: ClusterObjectKind
  /** The API group, '' for the core group. */
  group: string
  version: string
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string
  /** The resource: lower-case plural, as in URLs and RBAC rules. */
  resource: string
  namespaced: boolean
  /** kubectl's short names (`kubectl api-resources`). */
  shortNames: readonly string[]
}

const RBAC_GROUP = 'rbac.authorization.k8s.io'

const kind = (
  name: ClusterObjectKind,
  group: string,
  resource: string,
  namespaced: boolean,
  shortNames: readonly string[] = [],
): KindInfo => ({
  kind: name,
  group,
  version: 'v1',
  apiVersion: group === '' ? 'v1' : `${group}/v1`,
  resource,
  namespaced,
  shortNames,
})

/** Every kind a cluster keeps, in the order `cluster get` lists them. */
export const CLUSTER_KINDS: readonly KindInfo[] = [
  kind('Namespace', '', 'namespaces', false, ['ns']),
  kind('Node', '', 'nodes', false, ['no']),
  kind('ServiceAccount', '', 'serviceaccounts', true, ['sa']),
  kind('ConfigMap', '', 'configmaps', true, ['cm']),
  kind('ClusterRole', RBAC_GROUP, 'clusterroles', false),
  kind('ClusterRoleBinding', RBAC_GROUP, 'clusterrolebindings', false),
  kind('Role', RBAC_GROUP, 'roles', true),
  kind('RoleBinding', RBAC_GROUP, 'rolebindings', true),
]

const BY_KIND = new Map(CLUSTER_KINDS.map((info) => [info.kind, info]))

export const kindInfo = (name: ClusterObjectKind): KindInfo => {
  const info = BY_KIND.get(name)
  if (info === undefined) throw new Error(`no such cluster kind ${name}`)
  return info
}

/** The kind an apiVersion and kind name, exactly as written in YAML (both case-sensitive). */
export const kindOf = (apiVersion: string, name: string): KindInfo | undefined =>
  CLUSTER_KINDS.find((info) => info.kind === name && info.apiVersion === apiVersion)

/**
 * The kind a command line names, as kubectl resolves it: the kind, its resource (plural or
 * singular), a short name, or `resource.group`, without regard to case.
 */
export function kindFromWord(word: string): KindInfo | undefined {
  const wanted = word.toLowerCase()
  return CLUSTER_KINDS.find((info) => {
    const singular = info.kind.toLowerCase()
    const names = [singular, info.resource, ...info.shortNames]
    if (names.includes(wanted)) return true
    return (
      info.group !== '' && [singular, info.resource].some((n) => `${n}.${info.group}` === wanted)
    )
  })
}

/** `roles.rbac.authorization.k8s.io`, `namespaces`: how apiserver messages name a resource. */
export const qualifiedResource = (info: KindInfo): string =>
  info.group === '' ? info.resource : `${info.resource}.${info.group}`

/** `Role.rbac.authorization.k8s.io`, `Namespace`: a GroupKind as its String() prints it. */
export const qualifiedKind = (info: KindInfo): string =>
  info.group === '' ? info.kind : `${info.kind}.${info.group}`

/** `role.rbac.authorization.k8s.io/NAME`, `namespace/NAME`: how kubectl apply names an object. */
export const kubectlName = (info: KindInfo, name: string): string =>
  `${info.group === '' ? info.kind.toLowerCase() : `${info.kind.toLowerCase()}.${info.group}`}/${name}`

/** The namespaces a cluster starts with, as a kube-apiserver creates them. */
export const SYSTEM_NAMESPACES = [
  'default',
  'kube-node-lease',
  'kube-public',
  'kube-system',
] as const

/**
 * The namespaces that may not be deleted: the NamespaceLifecycle admission plugin's immortal ones
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go).
 */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-public', 'kube-system']
