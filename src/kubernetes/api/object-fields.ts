// The fields of the kinds rolegate stores, as their Go types declare them: unknown fields found the
// way the apiserver's strict decoding finds them (`fieldValidation=Strict|Warn|Ignore`), and an
// object cut down to what rolegate keeps (server-set metadata is the writer's to assign).
import type { ClusterObject, ClusterObjectKind } from '../objects.js'
import { isJsonObject } from './json-input.js'
import type { JsonObject } from './json-input.js'

/** A field's shape: a value, a struct of named fields, a list of one shape, or a free map. */
type Shape = 'value' | 'map' | { list: Shape } | { [field: string]: Shape }

const TIME = 'value'
const STRINGS: Shape = { list: 'value' }

const OBJECT_META: Shape = {
  name: 'value',
  generateName: 'value',
  namespace: 'value',
  selfLink: 'value',
  uid: 'value',
  resourceVersion: 'value',
  generation: 'value',
  creationTimestamp: TIME,
  deletionTimestamp: TIME,
  deletionGracePeriodSeconds: 'value',
  labels: 'map',
  annotations: 'map',
  ownerReferences: { list: 'map' },
  finalizers: STRINGS,
  managedFields: { list: 'map' },
}

const POLICY_RULE: Shape = {
  verbs: STRINGS,
  apiGroups: STRINGS,
  resources: STRINGS,
  resourceNames: STRINGS,
  nonResourceURLs: STRINGS,
}

const LABEL_SELECTOR: Shape = {
  matchLabels: 'map',
  matchExpressions: { list: { key: 'value', operator: 'value', values: STRINGS } },
}

const SUBJECT: Shape = { kind: 'value', apiGroup: 'value', name: 'value', namespace: 'value' }
const ROLE_REF: Shape = { apiGroup: 'value', kind: 'value', name: 'value' }

const TYPE_META = { apiVersion: 'value', kind: 'value', metadata: OBJECT_META } as const

const KINDS: Partial<Record<ClusterObjectKind, Shape>> = {
  Role: { ...TYPE_META, rules: { list: POLICY_RULE } },
  ClusterRole: {
    ...TYPE_META,
    rules: { list: POLICY_RULE },
    aggregationRule: { clusterRoleSelectors: { list: LABEL_SELECTOR } },
  },
  RoleBinding: { ...TYPE_META, subjects: { list: SUBJECT }, roleRef: ROLE_REF },
  ClusterRoleBinding: { ...TYPE_META, subjects: { list: SUBJECT }, roleRef: ROLE_REF },
  Namespace: {
    ...TYPE_META,
    spec: { finalizers: STRINGS },
    status: { phase: 'value', conditions: { list: 'map' } },
  },
  ConfigMap: { ...TYPE_META, data: 'map', binaryData: 'map', immutable: 'value' },
  // A node's spec and status are the kubelet's and the cloud provider's: many fields, kept whole.
  Node: { ...TYPE_META, spec: 'map', status: 'map' },
  ServiceAccount: {
    ...TYPE_META,
    secrets: { list: 'map' },
    imagePullSecrets: { list: 'map' },
    automountServiceAccountToken: 'value',
  },
}

function walk(value: unknown, shape: Shape, path: string, found: string[]): void {
  if (shape === 'value' || shape === 'map' || value === null || value === undefined) return
  if ('list' in shape) {
    if (!Array.isArray(value)) return
    value.forEach((item, index) => walk(item, shape.list as Shape, `${path}[${index}]`, found))
    return
  }
  if (!isJsonObject(value)) return
  const fields = shape as Record<string, Shape>
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`
    const field = Object.hasOwn(fields, key) ? fields[key] : undefined
    if (field === undefined) found.push(at)
    else walk(item, field, at, found)
  }
}

/** The paths of the fields the kind does not have, e.g. `rules[0].verb`. */
export function unknownFields(kind: ClusterObjectKind, object: JsonObject): string[] {
  const shape = KINDS[kind]
  if (!shape) return []
  const found: string[] = []
  walk(object, shape, '', found)
  return found
}

const DROPPED: Readonly<Record<string, readonly string[]>> = {
  Namespace: ['spec', 'status'],
  ServiceAccount: ['secrets', 'imagePullSecrets'],
}

/** The object as rolegate keeps it: the kind's own fields and the client's metadata. */
export function keptFields(object: JsonObject): ClusterObject {
  const metadata = isJsonObject(object['metadata']) ? object['metadata'] : {}
  const kept: JsonObject = {}
  for (const key of ['name', 'namespace', 'resourceVersion', 'labels', 'annotations']) {
    const value = metadata[key]
    // Go's omitempty: an empty map or string is no field at all.
    if (value === undefined || value === null || value === '') continue
    if (isJsonObject(value) && Object.keys(value).length === 0) continue
    kept[key] = value
  }
  // A namespace's spec and status, a service account's secrets: kept by controllers rolegate
  // does not run.
  const result: JsonObject = { ...object, metadata: kept }
  const dropped = DROPPED[String(object['kind'])] ?? []
  for (const key of dropped) delete result[key]
  return result as unknown as ClusterObject
}
