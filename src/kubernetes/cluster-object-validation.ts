// What the apiserver's validation checks on the kinds a cluster keeps, with its messages: object
// metadata (k8s.io/apimachinery/pkg/api/validation/objectmeta.go), names per kind (namespaces are
// DNS-1123 labels; service accounts, config maps and nodes DNS-1123 subdomains; RBAC objects only
// path segments, pkg/apis/rbac/validation ValidateRBACName), RBAC rules, bindings and aggregation
// (pkg/apis/rbac/validation/validation.go), label selectors (apis/meta/v1/validation), config map
// keys and size (pkg/apis/core/validation ValidateConfigMap), and roleRef's immutability.
import type { FieldError } from './cluster-field-errors.js'
import {
  MAX_ANNOTATION_BYTES,
  MAX_CONFIG_MAP_BYTES,
  forbidden,
  goQuote,
  goStrings,
  invalid,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  notSupported,
  required,
  tooLong,
  utf8Length,
} from './cluster-field-errors.js'
import type { KindInfo } from './cluster-kinds.js'
import type {
  ClusterObject,
  ClusterRole,
  ConfigMap,
  LabelSelector,
  ObjectMeta,
  PolicyRule,
  RoleBinding,
  ClusterRoleBinding,
  RoleRef,
  Subject,
} from './objects.js'
import { RBAC_API_VERSION } from './objects.js'

const RBAC_GROUP = RBAC_API_VERSION.split('/')[0] ?? ''

type NameCheck = (name: string) => string[]

/** Each kind's name rule, as its registry strategy validates it. */
const NAME_CHECKS: Record<ClusterObject['kind'], NameCheck> = {
  Namespace: isDNS1123Label,
  ServiceAccount: isDNS1123Subdomain,
  ConfigMap: isDNS1123Subdomain,
  Node: isDNS1123Subdomain,
  Role: isValidPathSegmentName,
  ClusterRole: isValidPathSegmentName,
  RoleBinding: isValidPathSegmentName,
  ClusterRoleBinding: isValidPathSegmentName,
}

function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errors: FieldError[] = []
  for (const [key, value] of Object.entries(labels ?? {})) {
    for (const message of isQualifiedName(key)) errors.push(invalid(field, key, message))
    for (const message of isValidLabelValue(value)) errors.push(invalid(field, value, message))
  }
  return errors
}

function validateAnnotations(
  annotations: Record<string, string> | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = []
  let size = 0
  for (const [key, value] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names, compared in lower case.
    for (const message of isQualifiedName(key.toLowerCase())) {
      errors.push(invalid(field, key, message))
    }
    size += utf8Length(key) + utf8Length(value)
  }
  if (size > MAX_ANNOTATION_BYTES) errors.push(tooLong(field, MAX_ANNOTATION_BYTES))
  return errors
}

/** ValidateObjectMeta: the name (by the kind's rule), the namespace, labels and annotations. */
function validateMeta(info: KindInfo, meta: ObjectMeta): FieldError[] {
  const errors: FieldError[] = []
  if (meta.name === '') {
    errors.push(required('metadata.name', 'name or generateName is required'))
  } else {
    for (const message of NAME_CHECKS[info.kind](meta.name)) {
      errors.push(invalid('metadata.name', meta.name, message))
    }
  }
  if (info.namespaced) {
    const namespace = meta.namespace ?? ''
    if (namespace === '') errors.push(required('metadata.namespace'))
    for (const message of namespace === '' ? [] : isDNS1123Label(namespace)) {
      errors.push(invalid('metadata.namespace', namespace, message))
    }
  }
  errors.push(...validateLabels(meta.labels, 'metadata.labels'))
  errors.push(...validateAnnotations(meta.annotations, 'metadata.annotations'))
  return errors
}

/** ValidatePolicyRule. */
function validateRule(rule: PolicyRule, namespaced: boolean, field: string): FieldError[] {
  const errors: FieldError[] = []
  if ((rule.verbs ?? []).length === 0) {
    errors.push(required(`${field}.verbs`, 'verbs must contain at least one value'))
  }
  const urls = rule.nonResourceURLs ?? []
  if (urls.length > 0) {
    if (namespaced) {
      errors.push(
        invalid(
          `${field}.nonResourceURLs`,
          goStrings(urls),
          'namespaced rules cannot apply to non-resource URLs',
        ),
      )
    }
    const resourceParts =
      (rule.apiGroups ?? []).length +
      (rule.resources ?? []).length +
      (rule.resourceNames ?? []).length
    if (resourceParts > 0) {
      errors.push(
        invalid(
          `${field}.nonResourceURLs`,
          goStrings(urls),
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      )
    }
    return errors
  }
  if ((rule.apiGroups ?? []).length === 0) {
    errors.push(required(`${field}.apiGroups`, 'resource rules must supply at least one api group'))
  }
  if ((rule.resources ?? []).length === 0) {
    errors.push(required(`${field}.resources`, 'resource rules must supply at least one resource'))
  }
  return errors
}

/** ValidateLabelSelector, and LabelSelectorAsSelector's refusals of what it cannot express. */
function validateSelector(selector: LabelSelector, field: string): FieldError[] {
  const errors = validateLabels(selector.matchLabels, `${field}.matchLabels`)
  ;(selector.matchExpressions ?? []).forEach((expression, i) => {
    const at = `${field}.matchExpressions[${i}]`
    const values = expression.values ?? []
    switch (expression.operator as string) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errors.push(
            required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
          )
        }
        break
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errors.push(
            forbidden(
              `${at}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          )
        }
        break
      default:
        errors.push(
          invalid(`${at}.operator`, expression.operator ?? '', 'not a valid selector operator'),
        )
    }
    for (const message of isQualifiedName(expression.key ?? '')) {
      errors.push(invalid(`${at}.key`, expression.key ?? '', message))
    }
  })
  return errors
}

/** ValidateRoleBindingSubject. */
function validateSubject(subject: Subject, namespaced: boolean, field: string): FieldError[] {
  const errors: FieldError[] = []
  const name = subject.name ?? ''
  const apiGroup = subject.apiGroup ?? ''
  if (name === '') errors.push(required(`${field}.name`))
  switch (subject.kind as string) {
    case 'ServiceAccount':
      if (name !== '') {
        for (const message of isDNS1123Subdomain(name)) {
          errors.push(invalid(`${field}.name`, name, message))
        }
      }
      if (apiGroup !== '') errors.push(notSupported(`${field}.apiGroup`, apiGroup, ['']))
      if (!namespaced && (subject.namespace ?? '') === '') {
        errors.push(required(`${field}.namespace`))
      }
      break
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) {
        errors.push(notSupported(`${field}.apiGroup`, apiGroup, [RBAC_GROUP]))
      }
      break
    default:
      errors.push(
        notSupported(`${field}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']),
      )
  }
  return errors
}

/** ValidateRoleBinding / ValidateClusterRoleBinding's roleRef and subjects. */
function validateBinding(
  binding: RoleBinding | ClusterRoleBinding,
  namespaced: boolean,
): FieldError[] {
  const errors: FieldError[] = []
  const ref: Partial<RoleRef> = binding.roleRef ?? {}
  if ((ref.apiGroup ?? '') !== RBAC_GROUP) {
    errors.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]))
  }
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']
  if (!kinds.includes(ref.kind ?? ''))
    errors.push(notSupported('roleRef.kind', ref.kind ?? '', kinds))
  const name = ref.name ?? ''
  if (name === '') errors.push(required('roleRef.name'))
  for (const message of name === '' ? [] : isValidPathSegmentName(name)) {
    errors.push(invalid('roleRef.name', name, message))
  }
  ;(binding.subjects ?? []).forEach((subject, i) => {
    errors.push(...validateSubject(subject, namespaced, `subjects[${i}]`))
  })
  return errors
}

function validateConfigMap(configMap: ConfigMap): FieldError[] {
  const errors: FieldError[] = []
  let size = 0
  for (const [key, value] of Object.entries(configMap.data ?? {})) {
    for (const message of isConfigMapKey(key)) errors.push(invalid(`data[${key}]`, key, message))
    size += utf8Length(value)
  }
  // field.TooLong(field.NewPath(""), ...): a root path with no name prints as `[]`.
  if (size > MAX_CONFIG_MAP_BYTES) errors.push(tooLong('[]', MAX_CONFIG_MAP_BYTES))
  return errors
}

/** Every problem the apiserver's create validation finds in the object. */
export function validateClusterObject(info: KindInfo, object: ClusterObject): FieldError[] {
  const errors = validateMeta(info, object.metadata)
  switch (object.kind) {
    case 'Role':
      ;(object.rules ?? []).forEach((rule, i) =>
        errors.push(...validateRule(rule, true, `rules[${i}]`)),
      )
      break
    case 'ClusterRole':
      ;(object.rules ?? []).forEach((rule, i) =>
        errors.push(...validateRule(rule, false, `rules[${i}]`)),
      )
      errors.push(...validateAggregation(object))
      break
    case 'RoleBinding':
      errors.push(...validateBinding(object, true))
      break
    case 'ClusterRoleBinding':
      errors.push(...validateBinding(object, false))
      break
    case 'ConfigMap':
      errors.push(...validateConfigMap(object))
      break
    default:
      break
  }
  return errors
}

function validateAggregation(role: ClusterRole): FieldError[] {
  if (role.aggregationRule === undefined) return []
  const selectors = role.aggregationRule.clusterRoleSelectors ?? []
  const errors: FieldError[] = []
  if (selectors.length === 0) {
    errors.push(
      required(
        'aggregationRule.clusterRoleSelectors',
        'at least one clusterRoleSelector required if aggregationRule is non-nil',
      ),
    )
  }
  selectors.forEach((selector, i) => {
    errors.push(...validateSelector(selector, `aggregationRule.clusterRoleSelectors[${i}]`))
  })
  return errors
}

/** `rbac.RoleRef{APIGroup:"...", Kind:"...", Name:"..."}`: the internal type as %#v prints it. */
const roleRefValue = (ref: RoleRef) => ({
  goSyntax: `rbac.RoleRef{APIGroup:${goQuote(ref.apiGroup)}, Kind:${goQuote(ref.kind)}, Name:${goQuote(ref.name)}}`,
})

/** What update validation adds: a binding's roleRef may never change (ValidateRoleBindingUpdate). */
export function validateClusterObjectUpdate(
  object: ClusterObject,
  old: ClusterObject,
): FieldError[] {
  if (
    (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') &&
    (old.kind === 'RoleBinding' || old.kind === 'ClusterRoleBinding')
  ) {
    const a = object.roleRef
    const b = old.roleRef
    if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) {
      return [invalid('roleRef', roleRefValue(a), 'cannot change roleRef')]
    }
  }
  return []
}
