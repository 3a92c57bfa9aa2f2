// rolegate's own protobuf schema of the Kubernetes messages clients send it: the reviews and the
// runtime.Unknown envelope around them. Names, field numbers and types follow the upstream
// generated.proto files (k8s.io/api, k8s.io/apimachinery); a test holds them to those files.
import protobuf from 'protobufjs/light.js'

/** `[field number, type]`; a type starting with `.` is a message named from the root. */
type Scalar = [number, string]
/** A repeated field. */
type Repeated = [number, string, 'repeated']
/** A map field: `[number, keyType, valueType, 'map']`. */
type MapOf = [number, string, string, 'map']
type FieldSpec = Scalar | Repeated | MapOf

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1'
const RUNTIME = '.k8s.io.apimachinery.pkg.runtime'
const AUTHN = '.k8s.io.api.authentication.v1'
const AUTHZ = '.k8s.io.api.authorization.v1'
const CORE = '.k8s.io.api.core.v1'
const RBAC = '.k8s.io.api.rbac.v1'

/** Every message rolegate reads or writes, by full name; fields it never reads are left out. */
export const SCHEMA: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  [`${RUNTIME}.TypeMeta`]: { apiVersion: [1, 'string'], kind: [2, 'string'] },
  [`${RUNTIME}.Unknown`]: {
    typeMeta: [1, `${RUNTIME}.TypeMeta`],
    raw: [2, 'bytes'],
    contentEncoding: [3, 'string'],
    contentType: [4, 'string'],
  },
  [`${META}.Time`]: { seconds: [1, 'int64'], nanos: [2, 'int32'] },
  [`${META}.ObjectMeta`]: {
    name: [1, 'string'],
    generateName: [2, 'string'],
    namespace: [3, 'string'],
    uid: [5, 'string'],
    resourceVersion: [6, 'string'],
    creationTimestamp: [8, `${META}.Time`],
    labels: [11, 'string', 'string', 'map'],
    annotations: [12, 'string', 'string', 'map'],
  },
  [`${META}.LabelSelectorRequirement`]: {
    key: [1, 'string'],
    operator: [2, 'string'],
    values: [3, 'string', 'repeated'],
  },
  [`${META}.LabelSelector`]: {
    matchLabels: [1, 'string', 'string', 'map'],
    matchExpressions: [2, `${META}.LabelSelectorRequirement`, 'repeated'],
  },
  [`${CORE}.NamespaceSpec`]: { finalizers: [1, 'string', 'repeated'] },
  [`${CORE}.NamespaceStatus`]: { phase: [1, 'string'] },
  [`${CORE}.Namespace`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${CORE}.NamespaceSpec`],
    status: [3, `${CORE}.NamespaceStatus`],
  },
  [`${CORE}.ServiceAccount`]: {
    metadata: [1, `${META}.ObjectMeta`],
    automountServiceAccountToken: [4, 'bool'],
  },
  [`${RBAC}.PolicyRule`]: {
    verbs: [1, 'string', 'repeated'],
    apiGroups: [2, 'string', 'repeated'],
    resources: [3, 'string', 'repeated'],
    resourceNames: [4, 'string', 'repeated'],
    nonResourceURLs: [5, 'string', 'repeated'],
  },
  [`${RBAC}.AggregationRule`]: {
    clusterRoleSelectors: [1, `${META}.LabelSelector`, 'repeated'],
  },
  [`${RBAC}.Subject`]: {
    kind: [1, 'string'],
    apiGroup: [2, 'string'],
    name: [3, 'string'],
    namespace: [4, 'string'],
  },
  [`${RBAC}.RoleRef`]: { apiGroup: [1, 'string'], kind: [2, 'string'], name: [3, 'string'] },
  [`${RBAC}.Role`]: {
    metadata: [1, `${META}.ObjectMeta`],
    rules: [2, `${RBAC}.PolicyRule`, 'repeated'],
  },
  [`${RBAC}.ClusterRole`]: {
    metadata: [1, `${META}.ObjectMeta`],
    rules: [2, `${RBAC}.PolicyRule`, 'repeated'],
    aggregationRule: [3, `${RBAC}.AggregationRule`],
  },
  [`${RBAC}.RoleBinding`]: {
    metadata: [1, `${META}.ObjectMeta`],
    subjects: [2, `${RBAC}.Subject`, 'repeated'],
    roleRef: [3, `${RBAC}.RoleRef`],
  },
  [`${RBAC}.ClusterRoleBinding`]: {
    metadata: [1, `${META}.ObjectMeta`],
    subjects: [2, `${RBAC}.Subject`, 'repeated'],
    roleRef: [3, `${RBAC}.RoleRef`],
  },
  [`${AUTHN}.ExtraValue`]: { items: [1, 'string', 'repeated'] },
  [`${AUTHN}.UserInfo`]: {
    username: [1, 'string'],
    uid: [2, 'string'],
    groups: [3, 'string', 'repeated'],
    extra: [4, 'string', `${AUTHN}.ExtraValue`, 'map'],
  },
  [`${AUTHN}.TokenReviewSpec`]: { token: [1, 'string'], audiences: [2, 'string', 'repeated'] },
  [`${AUTHN}.TokenReviewStatus`]: {
    authenticated: [1, 'bool'],
    user: [2, `${AUTHN}.UserInfo`],
    audiences: [4, 'string', 'repeated'],
    error: [3, 'string'],
  },
  [`${AUTHN}.TokenReview`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${AUTHN}.TokenReviewSpec`],
    status: [3, `${AUTHN}.TokenReviewStatus`],
  },
  [`${AUTHN}.BoundObjectReference`]: {
    kind: [1, 'string'],
    apiVersion: [2, 'string'],
    name: [3, 'string'],
    uID: [4, 'string'],
  },
  [`${AUTHN}.TokenRequestSpec`]: {
    audiences: [1, 'string', 'repeated'],
    expirationSeconds: [4, 'int64'],
    boundObjectRef: [3, `${AUTHN}.BoundObjectReference`],
  },
  [`${AUTHN}.TokenRequest`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${AUTHN}.TokenRequestSpec`],
  },
  [`${AUTHN}.SelfSubjectReviewStatus`]: { userInfo: [1, `${AUTHN}.UserInfo`] },
  [`${AUTHN}.SelfSubjectReview`]: {
    metadata: [1, `${META}.ObjectMeta`],
    status: [2, `${AUTHN}.SelfSubjectReviewStatus`],
  },
  [`${AUTHZ}.ExtraValue`]: { items: [1, 'string', 'repeated'] },
  [`${AUTHZ}.ResourceAttributes`]: {
    namespace: [1, 'string'],
    verb: [2, 'string'],
    group: [3, 'string'],
    version: [4, 'string'],
    resource: [5, 'string'],
    subresource: [6, 'string'],
    name: [7, 'string'],
  },
  [`${AUTHZ}.NonResourceAttributes`]: { path: [1, 'string'], verb: [2, 'string'] },
  [`${AUTHZ}.SubjectAccessReviewSpec`]: {
    resourceAttributes: [1, `${AUTHZ}.ResourceAttributes`],
    nonResourceAttributes: [2, `${AUTHZ}.NonResourceAttributes`],
    user: [3, 'string'],
    groups: [4, 'string', 'repeated'],
    extra: [5, 'string', `${AUTHZ}.ExtraValue`, 'map'],
    uid: [6, 'string'],
  },
  [`${AUTHZ}.SubjectAccessReviewStatus`]: {
    allowed: [1, 'bool'],
    denied: [4, 'bool'],
    reason: [2, 'string'],
    evaluationError: [3, 'string'],
  },
  [`${AUTHZ}.SubjectAccessReview`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${AUTHZ}.SubjectAccessReviewSpec`],
    status: [3, `${AUTHZ}.SubjectAccessReviewStatus`],
  },
  [`${AUTHZ}.LocalSubjectAccessReview`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${AUTHZ}.SubjectAccessReviewSpec`],
    status: [3, `${AUTHZ}.SubjectAccessReviewStatus`],
  },
  [`${AUTHZ}.SelfSubjectAccessReviewSpec`]: {
    resourceAttributes: [1, `${AUTHZ}.ResourceAttributes`],
    nonResourceAttributes: [2, `${AUTHZ}.NonResourceAttributes`],
  },
  [`${AUTHZ}.SelfSubjectAccessReview`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${AUTHZ}.SelfSubjectAccessReviewSpec`],
    status: [3, `${AUTHZ}.SubjectAccessReviewStatus`],
  },
  [`${AUTHZ}.SelfSubjectRulesReviewSpec`]: { namespace: [1, 'string'] },
  [`${AUTHZ}.ResourceRule`]: {
    verbs: [1, 'string', 'repeated'],
    apiGroups: [2, 'string', 'repeated'],
    resources: [3, 'string', 'repeated'],
    resourceNames: [4, 'string', 'repeated'],
  },
  [`${AUTHZ}.NonResourceRule`]: {
    verbs: [1, 'string', 'repeated'],
    nonResourceURLs: [2, 'string', 'repeated'],
  },
  [`${AUTHZ}.SubjectRulesReviewStatus`]: {
    resourceRules: [1, `${AUTHZ}.ResourceRule`, 'repeated'],
    nonResourceRules: [2, `${AUTHZ}.NonResourceRule`, 'repeated'],
    incomplete: [3, 'bool'],
    evaluationError: [4, 'string'],
  },
  [`${AUTHZ}.SelfSubjectRulesReview`]: {
    metadata: [1, `${META}.ObjectMeta`],
    spec: [2, `${AUTHZ}.SelfSubjectRulesReviewSpec`],
    status: [3, `${AUTHZ}.SubjectRulesReviewStatus`],
  },
}

/** The schema as a protobufjs root, every type resolved. */
export function buildSchema(): protobuf.Root {
  const root = new protobuf.Root()
  for (const [fullName, fields] of Object.entries(SCHEMA)) {
    const dot = fullName.lastIndexOf('.')
    const type = new protobuf.Type(fullName.slice(dot + 1))
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.length === 4) type.add(new protobuf.MapField(name, spec[0], spec[1], spec[2]))
      else type.add(new protobuf.Field(name, spec[0], spec[1], spec[2] ?? 'optional'))
    }
    root.define(fullName.slice(1, dot)).add(type)
  }
  root.resolveAll()
  return root
}

/** The message type of a kind in an API group version, for the kinds decoded from protobuf. */
export const PROTOBUF_KINDS: Readonly<Record<string, string>> = {
  'authentication.k8s.io/v1 TokenReview': `${AUTHN}.TokenReview`,
  'authentication.k8s.io/v1 SelfSubjectReview': `${AUTHN}.SelfSubjectReview`,
  // `kubectl create token` sends its TokenRequest through the typed client too.
  'authentication.k8s.io/v1 TokenRequest': `${AUTHN}.TokenRequest`,
  'authorization.k8s.io/v1 SubjectAccessReview': `${AUTHZ}.SubjectAccessReview`,
  'authorization.k8s.io/v1 LocalSubjectAccessReview': `${AUTHZ}.LocalSubjectAccessReview`,
  'authorization.k8s.io/v1 SelfSubjectAccessReview': `${AUTHZ}.SelfSubjectAccessReview`,
  'authorization.k8s.io/v1 SelfSubjectRulesReview': `${AUTHZ}.SelfSubjectRulesReview`,
  // `kubectl create namespace|serviceaccount|role|...` send these through typed clients.
  'v1 Namespace': `${CORE}.Namespace`,
  'v1 ServiceAccount': `${CORE}.ServiceAccount`,
  'rbac.authorization.k8s.io/v1 Role': `${RBAC}.Role`,
  'rbac.authorization.k8s.io/v1 ClusterRole': `${RBAC}.ClusterRole`,
  'rbac.authorization.k8s.io/v1 RoleBinding': `${RBAC}.RoleBinding`,
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': `${RBAC}.ClusterRoleBinding`,
}
