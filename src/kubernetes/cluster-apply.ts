// `cluster apply`: a multi-document YAML file checked document by document as an apiserver checks
// what `kubectl apply` sends, against the cluster as the earlier documents leave it, and planned as
// one change: every document is checked before anything is written, so a bad one changes nothing.
// Each document passes the same named checks: its type (apiVersion and kind), a kind this cluster
// serves, strict decoding, metadata defaults, validation, what rolegate keeps of ConfigMaps, the
// aws-auth lists, its namespace's existence, and the update rules for an object that exists.
import { parseAwsAuth, AWS_AUTH_NAME, AWS_AUTH_NAMESPACE } from './aws-auth.js'
import { goQuote, invalidMessage } from './cluster-field-errors.js'
import type { KindInfo } from './cluster-kinds.js'
import { kindOf, kubectlName, qualifiedKind } from './cluster-kinds.js'
import { decodeClusterObject } from './cluster-object-decode.js'
import { validateClusterObject, validateClusterObjectUpdate } from './cluster-object-validation.js'
import {
  NAMESPACE_NAME_LABEL,
  keyOf,
  keyText,
  kubernetesTimestamp,
  withMetadata,
  withoutServerFields,
} from './cluster-objects.js'
import type { ClusterObject, ObjectMeta } from './objects.js'
import { RBAC_API_VERSION } from './objects.js'
import { parseYamlDocuments } from './yaml-documents.js'

export interface ApplyOptions {
  /** kubectl's `-n`: the namespace of namespaced objects that name none; others are refused. */
  namespace?: string | undefined
  now: Date
  /** A fresh uid for each object created (random in production). */
  newUid: () => string
}

export interface ApplyPlan {
  /** The objects to write, in the order applied, with uid and creationTimestamp; resourceVersion is the caller's to set. */
  writes: ClusterObject[]
  /** kubectl apply's lines: `role.rbac.authorization.k8s.io/x created`, `.../y unchanged`. */
  results: string[]
  warnings: string[]
}

export type ApplyOutcome = { ok: true; plan: ApplyPlan } | { ok: false; problems: string[] }

/** Where a document (or an item of a List document) sits in the file. */
interface Source {
  index: number
  line: number
  item?: number
}

const describe = (source: Source): string =>
  `document ${source.index} (line ${source.line})${source.item === undefined ? '' : `, item ${source.item}`}`

class Refused extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const RBAC_GROUP = RBAC_API_VERSION.split('/')[0] ?? ''

/** JSON with sorted keys, so two objects compare equal whatever order their fields came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (isObject(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const dropUndefined = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined))

/** Check 1: the document names an apiVersion and a kind (runtime's missing kind/version errors). */
function checkTypeMeta(value: unknown): {
  apiVersion: string
  kind: string
  object: Record<string, unknown>
} {
  const json = JSON.stringify(value) ?? 'null'
  if (!isObject(value) || typeof value['kind'] !== 'string' || value['kind'] === '') {
    throw new Refused(`Object 'Kind' is missing in '${json}'`)
  }
  if (typeof value['apiVersion'] !== 'string' || value['apiVersion'] === '') {
    throw new Refused(`Object 'apiVersion' is missing in '${json}'`)
  }
  return { apiVersion: value['apiVersion'], kind: value['kind'], object: value }
}

/** Check 2: a kind this cluster serves, or the RESTMapper's NoKindMatchError. */
function checkKind(apiVersion: string, kind: string): KindInfo {
  const info = kindOf(apiVersion, kind)
  if (info === undefined) {
    throw new Refused(
      `no matches for kind ${goQuote(kind)} in version ${goQuote(apiVersion)} (rolegate keeps Namespace, Node, ServiceAccount, the aws-auth ConfigMap, Role, ClusterRole, RoleBinding and ClusterRoleBinding)`,
    )
  }
  return info
}

/** Check 3: strict decoding, in the apiserver's words. */
function checkDecoding(object: Record<string, unknown>, info: KindInfo): Record<string, unknown> {
  const decoded = decodeClusterObject(object, info)
  if (!decoded.ok) throw new Refused(decoded.message)
  return decoded.object
}

/**
 * Check 4: metadata as kubectl and the apiserver settle it: only what rolegate keeps, the
 * namespace defaulted (or refused against `-n`), cleared on cluster-scoped kinds, and the RBAC
 * defaults of pkg/apis/rbac/v1/defaults.go.
 */
function settleMetadata(
  decoded: Record<string, unknown>,
  info: KindInfo,
  options: ApplyOptions,
): ClusterObject {
  const given = (decoded['metadata'] ?? {}) as Record<string, unknown>
  const name = typeof given['name'] === 'string' ? given['name'] : ''
  if (name === '' && typeof given['generateName'] === 'string' && given['generateName'] !== '') {
    throw new Refused('cannot use generate name with apply')
  }
  const metadata: ObjectMeta = { name }
  if (info.namespaced) {
    const written = typeof given['namespace'] === 'string' ? given['namespace'] : ''
    if (written !== '' && options.namespace !== undefined && written !== options.namespace) {
      throw new Refused(
        `the namespace from the provided object ${goQuote(written)} does not match the namespace ${goQuote(options.namespace)}. You must pass '--namespace=${written}' to perform this operation.`,
      )
    }
    metadata.namespace = written !== '' ? written : (options.namespace ?? 'default')
  }
  const labels = given['labels'] as Record<string, string> | undefined
  const annotations = given['annotations'] as Record<string, string> | undefined
  if (labels !== undefined && Object.keys(labels).length > 0) metadata.labels = labels
  if (annotations !== undefined && Object.keys(annotations).length > 0) {
    metadata.annotations = annotations
  }
  if (info.kind === 'Namespace') {
    metadata.labels = { ...metadata.labels, [NAMESPACE_NAME_LABEL]: name }
  }
  const object: Record<string, unknown> = {
    ...decoded,
    apiVersion: info.apiVersion,
    kind: info.kind,
    metadata,
  }
  if (info.kind === 'RoleBinding' || info.kind === 'ClusterRoleBinding') {
    const roleRef = (object['roleRef'] ?? {}) as Record<string, unknown>
    object['roleRef'] = dropUndefined({
      apiGroup: roleRef['apiGroup'] || RBAC_GROUP,
      kind: roleRef['kind'],
      name: roleRef['name'],
    })
    if (Array.isArray(object['subjects'])) {
      object['subjects'] = (object['subjects'] as Record<string, unknown>[]).map((subject) =>
        dropUndefined({
          kind: subject['kind'],
          apiGroup:
            subject['apiGroup'] ||
            (subject['kind'] === 'User' || subject['kind'] === 'Group' ? RBAC_GROUP : undefined),
          name: subject['name'],
          namespace: subject['namespace'],
        }),
      )
    }
  }
  return object as unknown as ClusterObject
}

/** Check 5: the apiserver's validation. */
function checkValid(info: KindInfo, object: ClusterObject): void {
  const errors = validateClusterObject(info, object)
  if (errors.length > 0)
    throw new Refused(invalidMessage(qualifiedKind(info), object.metadata.name, errors))
}

/**
 * Check 6: of ConfigMaps, rolegate keeps aws-auth in kube-system, whose lists must parse (an EKS
 * cluster would take anything, and then map nobody).
 */
function checkConfigMap(object: ClusterObject, warnings: string[]): void {
  if (object.kind !== 'ConfigMap') return
  const { name, namespace } = object.metadata
  if (name !== AWS_AUTH_NAME || namespace !== AWS_AUTH_NAMESPACE) {
    throw new Refused(
      `ConfigMap ${goQuote(name)} in namespace ${goQuote(namespace ?? '')}: rolegate keeps only the ${AWS_AUTH_NAME} ConfigMap in ${AWS_AUTH_NAMESPACE}`,
    )
  }
  const parsed = parseAwsAuth(object.data)
  if (parsed.errors.length > 0) throw new Refused(invalidMessage('ConfigMap', name, parsed.errors))
  warnings.push(
    ...parsed.warnings.map((warning) => `${AWS_AUTH_NAMESPACE}/${AWS_AUTH_NAME}: ${warning}`),
  )
}

/** Check 7: a namespaced object's namespace exists (the NamespaceLifecycle admission plugin). */
function checkNamespace(
  info: KindInfo,
  object: ClusterObject,
  state: ReadonlyMap<string, ClusterObject>,
): void {
  if (!info.namespaced) return
  const namespace = object.metadata.namespace ?? ''
  if (!state.has(keyText({ kind: 'Namespace', namespace: '', name: namespace }))) {
    throw new Refused(`namespaces ${goQuote(namespace)} not found`)
  }
}

/** Check 8: what an update may not change. */
function checkUpdate(info: KindInfo, object: ClusterObject, existing: ClusterObject): void {
  const errors = validateClusterObjectUpdate(object, existing)
  if (errors.length > 0)
    throw new Refused(invalidMessage(qualifiedKind(info), object.metadata.name, errors))
}

/** Plans applying `manifest` to a cluster holding `current`; nothing is written here. */
export function planApply(
  manifest: string,
  current: readonly ClusterObject[],
  options: ApplyOptions,
): ApplyOutcome {
  const parsed = parseYamlDocuments(manifest)
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.problems.map(
        (problem) => `${describe(problem)}: error converting YAML to JSON: ${problem.message}`,
      ),
    }
  }
  const state = new Map(current.map((object) => [keyText(keyOf(object)), object]))
  const writes = new Map<string, ClusterObject>()
  const results: string[] = []
  const warnings: string[] = []
  const problems: string[] = []

  const applyOne = (value: unknown, source: Source): void => {
    try {
      const { apiVersion, kind, object } = checkTypeMeta(value)
      if (apiVersion === 'v1' && kind === 'List') {
        const items = object['items']
        if (!Array.isArray(items)) {
          throw new Refused(
            'List in version "v1" cannot be handled as a List: items must be a list',
          )
        }
        items.forEach((item, i) => applyOne(item, { ...source, item: i + 1 }))
        return
      }
      const info = checkKind(apiVersion, kind)
      const decoded = checkDecoding(object, info)
      const settled = settleMetadata(decoded, info, options)
      checkValid(info, settled)
      const documentWarnings: string[] = []
      checkConfigMap(settled, documentWarnings)
      checkNamespace(info, settled, state)
      const key = keyText(keyOf(settled))
      const existing = state.get(key)
      let result: string
      let next: ClusterObject
      if (existing === undefined) {
        next = withMetadata(settled, {
          uid: options.newUid(),
          creationTimestamp: kubernetesTimestamp(options.now),
        })
        result = 'created'
      } else {
        checkUpdate(info, settled, existing)
        const unchanged = canonical(withoutServerFields(existing)) === canonical(settled)
        const { uid, creationTimestamp, resourceVersion } = existing.metadata
        next = withMetadata(settled, {
          ...(uid === undefined ? {} : { uid }),
          ...(creationTimestamp === undefined ? {} : { creationTimestamp }),
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
        })
        result = unchanged ? 'unchanged' : 'configured'
      }
      state.set(key, next)
      if (result !== 'unchanged') writes.set(key, next)
      results.push(`${kubectlName(info, settled.metadata.name)} ${result}`)
      warnings.push(...documentWarnings)
    } catch (error) {
      if (!(error instanceof Refused)) throw error
      problems.push(`${describe(source)}: ${error.message}`)
    }
  }

  for (const document of parsed.documents) applyOne(document.value, document)
  if (problems.length > 0) return { ok: false, problems }
  if (parsed.documents.length === 0) return { ok: false, problems: ['no objects passed to apply'] }
  return { ok: true, plan: { writes: [...writes.values()], results, warnings } }
}

/** The problems of a refused apply as one message: each document's, one a line. */
export const refusalMessage = (problems: readonly string[]): string =>
  problems.length === 1
    ? `${problems[0] ?? ''}; nothing was applied`
    : `${problems.length} documents were refused; nothing was applied:\n${problems.join('\n')}`
