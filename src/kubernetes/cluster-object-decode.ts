// Decoding one YAML document into a cluster object the way the apiserver decodes a request body
// with strict field validation (kubectl's default): a field of the wrong type is the first
// `json: cannot unmarshal ...` error (encoding/json's UnmarshalTypeError, in sigs.k8s.io/json),
// otherwise every unknown field is named in one `strict decoding error`, and either is reported as
// transformDecodeError words it: `Role in version "v1" cannot be handled as a Role: ...`
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go). Null fields are left out, as Go
// leaves zero values out of its answers.
import type { KindInfo } from './cluster-kinds.js'
import type { ClusterObjectKind } from './objects.js'

/** What a field holds, with the Go type the apiserver decodes it into (named in messages). */
type Spec =
  | { type: 'string'; go: string }
  | { type: 'bool'; go: string }
  | { type: 'int'; go: string }
  | { type: 'list'; go: string; of: Spec }
  | { type: 'map'; go: string; of: Spec }
  | { type: 'struct'; go: string; name: string; fields: Readonly<Record<string, Spec>> }
  | { type: 'any' }

const string = (go = 'string'): Spec => ({ type: 'string', go })
const bool = (go = 'bool'): Spec => ({ type: 'bool', go })
const int = (go: string): Spec => ({ type: 'int', go })
const list = (go: string, of: Spec): Spec => ({ type: 'list', go, of })
const strings = (): Spec => list('[]string', string())
const stringMap = (): Spec => ({ type: 'map', go: 'map[string]string', of: string() })
const struct = (go: string, name: string, fields: Record<string, Spec>): Spec => ({
  type: 'struct',
  go,
  name,
  fields,
})
const any: Spec = { type: 'any' }

const objectMeta = struct('v1.ObjectMeta', 'ObjectMeta', {
  name: string(),
  generateName: string(),
  namespace: string(),
  selfLink: string(),
  uid: string('types.UID'),
  resourceVersion: string(),
  generation: int('int64'),
  creationTimestamp: any,
  deletionTimestamp: any,
  deletionGracePeriodSeconds: int('*int64'),
  labels: stringMap(),
  annotations: stringMap(),
  ownerReferences: any,
  finalizers: strings(),
  managedFields: any,
})

const policyRule = struct('v1.PolicyRule', 'PolicyRule', {
  verbs: strings(),
  apiGroups: strings(),
  resources: strings(),
  resourceNames: strings(),
  nonResourceURLs: strings(),
})

const labelSelector = struct('v1.LabelSelector', 'LabelSelector', {
  matchLabels: stringMap(),
  matchExpressions: list(
    '[]v1.LabelSelectorRequirement',
    struct('v1.LabelSelectorRequirement', 'LabelSelectorRequirement', {
      key: string(),
      operator: string('v1.LabelSelectorOperator'),
      values: strings(),
    }),
  ),
})

const subjects = list(
  '[]v1.Subject',
  struct('v1.Subject', 'Subject', {
    kind: string(),
    apiGroup: string(),
    name: string(),
    namespace: string(),
  }),
)

const roleRef = struct('v1.RoleRef', 'RoleRef', {
  apiGroup: string(),
  kind: string(),
  name: string(),
})

const typeMeta = { apiVersion: string(), kind: string(), metadata: objectMeta }

const SPECS: Record<ClusterObjectKind, Spec> = {
  Role: struct('v1.Role', 'Role', { ...typeMeta, rules: list('[]v1.PolicyRule', policyRule) }),
  ClusterRole: struct('v1.ClusterRole', 'ClusterRole', {
    ...typeMeta,
    rules: list('[]v1.PolicyRule', policyRule),
    aggregationRule: struct('*v1.AggregationRule', 'AggregationRule', {
      clusterRoleSelectors: list('[]v1.LabelSelector', labelSelector),
    }),
  }),
  RoleBinding: struct('v1.RoleBinding', 'RoleBinding', { ...typeMeta, subjects, roleRef }),
  ClusterRoleBinding: struct('v1.ClusterRoleBinding', 'ClusterRoleBinding', {
    ...typeMeta,
    subjects,
    roleRef,
  }),
  Namespace: struct('v1.Namespace', 'Namespace', {
    ...typeMeta,
    spec: struct('v1.NamespaceSpec', 'NamespaceSpec', {
      finalizers: list('[]v1.FinalizerName', string('v1.FinalizerName')),
    }),
    status: any,
  }),
  ServiceAccount: struct('v1.ServiceAccount', 'ServiceAccount', {
    ...typeMeta,
    secrets: any,
    imagePullSecrets: any,
    automountServiceAccountToken: bool('*bool'),
  }),
  ConfigMap: struct('v1.ConfigMap', 'ConfigMap', {
    ...typeMeta,
    immutable: bool('*bool'),
    data: stringMap(),
    binaryData: any,
  }),
  Node: struct('v1.Node', 'Node', {
    ...typeMeta,
    spec: struct('v1.NodeSpec', 'NodeSpec', {
      podCIDR: string(),
      podCIDRs: strings(),
      providerID: string(),
      unschedulable: bool(),
      taints: any,
      configSource: any,
      externalID: string(),
    }),
    status: struct('v1.NodeStatus', 'NodeStatus', {
      capacity: any,
      allocatable: any,
      phase: string('v1.NodePhase'),
      conditions: any,
      addresses: list(
        '[]v1.NodeAddress',
        struct('v1.NodeAddress', 'NodeAddress', {
          type: string('v1.NodeAddressType'),
          address: string(),
        }),
      ),
      daemonEndpoints: any,
      nodeInfo: any,
      images: any,
      volumesInUse: any,
      volumesAttached: any,
      config: any,
      runtimeHandlers: any,
      features: any,
    }),
  }),
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** How encoding/json names a JSON value's type in UnmarshalTypeError. */
const jsonKind = (value: unknown): string =>
  Array.isArray(value)
    ? 'array'
    : isObject(value)
      ? 'object'
      : typeof value === 'boolean'
        ? 'bool'
        : typeof value === 'number'
          ? 'number'
          : 'string'

class Decoding {
  typeError: string | undefined
  readonly unknown: string[] = []

  decode(
    value: unknown,
    spec: Spec,
    path: string,
    fields: readonly string[],
    owner: string,
  ): unknown {
    if (value === null || value === undefined) return undefined
    const fail = (go: string) => {
      this.typeError ??= `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${owner}.${fields.join('.')} of type ${go}`
      return undefined
    }
    switch (spec.type) {
      case 'any':
        return value
      case 'string':
        return typeof value === 'string' ? value : fail(spec.go)
      case 'bool':
        return typeof value === 'boolean' ? value : fail(spec.go)
      case 'int':
        return typeof value === 'number' && Number.isInteger(value) ? value : fail(spec.go)
      case 'list': {
        if (!Array.isArray(value)) return fail(spec.go)
        return value
          .map((item, i) => this.decode(item, spec.of, `${path}[${i}]`, fields, owner))
          .filter((item) => item !== undefined)
      }
      case 'map': {
        if (!isObject(value)) return fail(spec.go)
        const out: Record<string, unknown> = {}
        for (const [key, item] of Object.entries(value)) {
          // A null map value is Go's zero value: the key stays, with "".
          out[key] =
            item === null ? '' : this.decode(item, spec.of, `${path}.${key}`, fields, owner)
        }
        return out
      }
      case 'struct': {
        if (!isObject(value)) return fail(spec.go)
        // Fields are read in the order written, as Go reads them (so the first type error is
        // the first one written), and come out in the order the type declares them.
        const decoded = new Map<string, unknown>()
        for (const [key, item] of Object.entries(value)) {
          const child = path === '' ? key : `${path}.${key}`
          const field = spec.fields[key]
          if (field === undefined) {
            this.unknown.push(child)
            continue
          }
          decoded.set(key, this.decode(item, field, child, [...fields, key], spec.name))
        }
        const out: Record<string, unknown> = {}
        for (const key of Object.keys(spec.fields)) {
          const item = decoded.get(key)
          if (item !== undefined) out[key] = item
        }
        return out
      }
    }
  }
}

export type Decoded = { ok: true; object: Record<string, unknown> } | { ok: false; message: string }

/**
 * Decodes `value` (a document naming `info`'s apiVersion and kind) as the apiserver would:
 * the object with its known fields, or the decode error in the apiserver's words.
 */
export function decodeClusterObject(value: Record<string, unknown>, info: KindInfo): Decoded {
  const decoding = new Decoding()
  const spec = SPECS[info.kind]
  const object = decoding.decode(value, spec, '', [], info.kind) as Record<string, unknown>
  const problem =
    decoding.typeError ??
    (decoding.unknown.length > 0
      ? `strict decoding error: ${decoding.unknown.map((field) => `unknown field "${field}"`).join(', ')}`
      : undefined)
  if (problem === undefined) return { ok: true, object }
  return {
    ok: false,
    message: `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${problem}`,
  }
}
