// `cluster apply` planned over a cluster, one table: each refused file with the exact message an
// apiserver (or kubectl) gives for it and the Kubernetes source the wording comes from, and what a
// good file creates, configures or leaves unchanged. The messages are the upstream strings, read
// from kubernetes/kubernetes (paths below), not from rolegate's output.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { planApply, refusalMessage } from '../../src/kubernetes/cluster-apply.js'
import type { ApplyOutcome } from '../../src/kubernetes/cluster-apply.js'
import { systemNamespaces } from '../../src/kubernetes/cluster-objects.js'
import type { ClusterObject } from '../../src/kubernetes/objects.js'

const NOW = new Date('2025-03-04T05:06:07.890Z')

const options = () => {
  let n = 0
  return { now: NOW, newUid: () => `uid-${++n}` }
}

const START = systemNamespaces(NOW, () => 'system-uid')

// Upstream's validation messages (k8s.io/apimachinery/pkg/util/validation/validation.go).
const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

const role = (
  meta: string,
  rules = 'rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]',
) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: ${meta}\n${rules}\n`

const binding = (roleRef: string, kind = 'RoleBinding', meta = '{name: b, namespace: default}') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: ${meta}\nsubjects: [{kind: Group, name: devs}]\nroleRef: ${roleRef}\n`

const problems = (outcome: ApplyOutcome): string[] => {
  assert.equal(outcome.ok, false, 'expected a refusal')
  return outcome.ok ? [] : outcome.problems
}

interface Refusal {
  name: string
  /** Where the expected wording comes from. */
  source: string
  manifest: string
  current?: ClusterObject[]
  namespace?: string
  expected: string[]
}

const REFUSALS: Refusal[] = [
  {
    name: 'a namespace name that is not a DNS-1123 label',
    source: 'pkg/apis/core/validation ValidateNamespaceName = IsDNS1123Label; field/errors.go',
    manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: Prod_1}\n',
    expected: [
      `document 1 (line 1): Namespace "Prod_1" is invalid: metadata.name: Invalid value: "Prod_1": ${DNS1123_LABEL}`,
    ],
  },
  {
    name: 'a dotted namespace name: a subdomain but not a label',
    source: 'util/validation IsDNS1123Label: "must not contain dots"',
    manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n',
    expected: [
      'document 1 (line 1): Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots',
    ],
  },
  {
    name: 'a service account name that is not a DNS-1123 subdomain',
    source: 'pkg/apis/core/validation ValidateServiceAccountName = NameIsDNSSubdomain',
    manifest:
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: Bad_Name, namespace: default}\n',
    expected: [
      `document 1 (line 1): ServiceAccount "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN}`,
    ],
  },
  {
    name: 'an RBAC name with a slash: RBAC names are path segments',
    source: 'pkg/apis/rbac/validation ValidateRBACName = path.IsValidPathSegmentName',
    manifest: role('{name: "a/b%c", namespace: default}'),
    expected: [
      `document 1 (line 1): Role.rbac.authorization.k8s.io "a/b%c" is invalid: [metadata.name: Invalid value: "a/b%c": may not contain '/', metadata.name: Invalid value: "a/b%c": may not contain '%']`,
    ],
  },
  {
    name: 'an RBAC name of ..',
    source: 'api/validation/path IsValidPathSegmentName',
    manifest: role('{name: "..", namespace: default}'),
    expected: [
      `document 1 (line 1): Role.rbac.authorization.k8s.io ".." is invalid: metadata.name: Invalid value: "..": may not be '..'`,
    ],
  },
  {
    name: 'no name at all',
    source: 'api/validation/objectmeta.go: Required "name or generateName is required"',
    manifest: role('{namespace: default}'),
    expected: [
      'document 1 (line 1): Role.rbac.authorization.k8s.io "" is invalid: metadata.name: Required value: name or generateName is required',
    ],
  },
  {
    name: 'generateName with apply',
    source: 'kubectl apply: "cannot use generate name with apply"',
    manifest: role('{generateName: r-, namespace: default}'),
    expected: ['document 1 (line 1): cannot use generate name with apply'],
  },
  {
    name: 'a kind the cluster does not serve',
    source: 'apimachinery/pkg/api/meta NoKindMatchError: no matches for kind %q in version %q',
    manifest: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
    expected: [
      'document 1 (line 1): no matches for kind "Deployment" in version "apps/v1" (rolegate keeps Namespace, Node, ServiceAccount, the aws-auth ConfigMap, Role, ClusterRole, RoleBinding and ClusterRoleBinding)',
    ],
  },
  {
    name: 'RBAC v1beta1, removed in Kubernetes 1.22',
    source: 'NoKindMatchError; docs: deprecation guide, v1.22 removals',
    manifest: role('{name: r}').replace(
      'rbac.authorization.k8s.io/v1',
      'rbac.authorization.k8s.io/v1beta1',
    ),
    expected: [
      'document 1 (line 1): no matches for kind "Role" in version "rbac.authorization.k8s.io/v1beta1" (rolegate keeps Namespace, Node, ServiceAccount, the aws-auth ConfigMap, Role, ClusterRole, RoleBinding and ClusterRoleBinding)',
    ],
  },
  {
    name: 'no kind',
    source: "apimachinery/pkg/runtime NewMissingKindErr: \"Object 'Kind' is missing in '%s'\"",
    manifest: 'apiVersion: v1\nmetadata: {name: x}\n',
    expected: [
      `document 1 (line 1): Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'`,
    ],
  },
  {
    name: 'no apiVersion',
    source: 'apimachinery/pkg/runtime NewMissingVersionErr',
    manifest: 'kind: Namespace\nmetadata: {name: x}\n',
    expected: [
      `document 1 (line 1): Object 'apiVersion' is missing in '{"kind":"Namespace","metadata":{"name":"x"}}'`,
    ],
  },
  {
    name: 'an unknown field, with field validation Strict (kubectl --validate=strict)',
    source:
      'apiserver/pkg/endpoints/handlers/rest.go transformDecodeError; runtime strict decoding error',
    manifest: role('{name: r}', 'rule: []\nspec: {x: 1}'),
    expected: [
      'document 1 (line 1): Role in version "v1" cannot be handled as a Role: strict decoding error: unknown field "rule", unknown field "spec"',
    ],
  },
  {
    name: 'an unknown field inside a list item, named with its index',
    source: 'sigs.k8s.io/json strict decoding paths',
    manifest: role(
      '{name: r}',
      'rules: [{verbs: [get], resources: [pods], apiGroups: [""], verb: [list]}]',
    ),
    expected: [
      'document 1 (line 1): Role in version "v1" cannot be handled as a Role: strict decoding error: unknown field "rules[0].verb"',
    ],
  },
  {
    name: 'a field of the wrong type',
    source: 'encoding/json UnmarshalTypeError.Error',
    manifest: role('{name: r}', 'rules: [{verbs: get}]'),
    expected: [
      'document 1 (line 1): Role in version "v1" cannot be handled as a Role: json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string',
    ],
  },
  {
    name: 'a namespace that does not exist',
    source: 'apiserver admission plugin NamespaceLifecycle: errors.NewNotFound(namespaces)',
    manifest: role('{name: r, namespace: production}'),
    expected: ['document 1 (line 1): namespaces "production" not found'],
  },
  {
    name: 'an object in another namespace than -n',
    source: 'kubectl: "the namespace from the provided object ... does not match the namespace"',
    manifest: role('{name: r, namespace: kube-system}'),
    namespace: 'default',
    expected: [
      `document 1 (line 1): the namespace from the provided object "kube-system" does not match the namespace "default". You must pass '--namespace=kube-system' to perform this operation.`,
    ],
  },
  {
    name: 'rules without verbs, api groups or resources',
    source: 'pkg/apis/rbac/validation ValidatePolicyRule',
    manifest: role('{name: r}', 'rules: [{}]'),
    expected: [
      'document 1 (line 1): Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource]',
    ],
  },
  {
    name: 'non-resource URLs in a namespaced role',
    source:
      'ValidatePolicyRule: namespaced rules cannot apply to non-resource URLs (%#v of []string)',
    manifest: role('{name: r}', 'rules: [{verbs: [get], nonResourceURLs: [/healthz]}]'),
    expected: [
      'document 1 (line 1): Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ],
  },
  {
    name: 'an aggregation rule without selectors, and a bad selector operator',
    source: 'ValidateClusterRole; apis/meta/v1/validation ValidateLabelSelectorRequirement',
    manifest:
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\naggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: a, operator: Is}, {key: b, operator: In}]}]}\n',
    expected: [
      `document 1 (line 1): ClusterRole.rbac.authorization.k8s.io "agg" is invalid: [aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator, aggregationRule.clusterRoleSelectors[0].matchExpressions[1].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn']`,
    ],
  },
  {
    name: 'a ClusterRoleBinding referring to a Role, with a bad subject kind',
    source: 'ValidateClusterRoleBinding, ValidateRoleBindingSubject: field.NotSupported',
    manifest:
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\nsubjects: [{kind: Team, name: x}]\nroleRef: {kind: Role, name: r}\n',
    expected: [
      'document 1 (line 1): ClusterRoleBinding.rbac.authorization.k8s.io "crb" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].kind: Unsupported value: "Team": supported values: "ServiceAccount", "User", "Group"]',
    ],
  },
  {
    name: 'a roleRef that changes on an existing binding',
    source:
      'pkg/apis/rbac/validation ValidateRoleBindingUpdate: "cannot change roleRef" (%#v of rbac.RoleRef)',
    manifest: binding('{kind: ClusterRole, name: edit}'),
    current: [
      ...START,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: 'default', uid: 'u', resourceVersion: '5' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      },
    ],
    expected: [
      'document 1 (line 1): RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    ],
  },
  {
    name: 'a ConfigMap other than aws-auth',
    source: 'rolegate keeps only kube-system/aws-auth of ConfigMaps',
    manifest:
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\ndata: {a: b}\n',
    expected: [
      'document 1 (line 1): ConfigMap "app" in namespace "default": rolegate keeps only the aws-auth ConfigMap in kube-system',
    ],
  },
  {
    name: 'aws-auth with a mapRoles entry that is not a role ARN and groups that are not a list',
    source: 'aws-iam-authenticator config.RoleMapping; rolegate refuses what would map nobody',
    manifest:
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:user/alice\n      username: a\n    - rolearn: arn:aws:iam::111122223333:role/x\n      groups: admins\n',
    expected: [
      'document 1 (line 1): ConfigMap "aws-auth" is invalid: [data[mapRoles][0].rolearn: Invalid value: "arn:aws:iam::111122223333:user/alice": must be an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME, data[mapRoles][1].groups: Invalid value: "\\"admins\\"": must be a list of strings]',
    ],
  },
  {
    name: 'aws-auth with an account ID that is not 12 digits',
    source: 'aws-iam-authenticator mapAccounts; EKS: account IDs as quoted strings',
    manifest:
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapAccounts: |\n    - "1234"\n',
    expected: [
      'document 1 (line 1): ConfigMap "aws-auth" is invalid: data[mapAccounts][0]: Invalid value: "1234": must be a 12-digit AWS account ID, written as a quoted string',
    ],
  },
  {
    name: 'YAML that does not parse names its document and line',
    source: 'kubectl: "error converting YAML to JSON"; the message is the yaml package\'s',
    manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [Role\n',
    expected: [
      'document 2 (line 5): error converting YAML to JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 6, column 1',
    ],
  },
  {
    name: 'duplicate keys',
    source: 'sigs.k8s.io/yaml refuses duplicate mapping keys',
    manifest: 'apiVersion: v1\nkind: Namespace\nkind: Namespace\n',
    expected: [
      'document 1 (line 1): error converting YAML to JSON: Map keys must be unique at line 3, column 1',
    ],
  },
  {
    name: 'an empty file',
    source: 'kubectl apply: "error: no objects passed to apply"',
    manifest: '---\n# nothing\n',
    expected: ['no objects passed to apply'],
  },
  {
    name: 'every bad document is named, each with its own index, the good ones not',
    source: 'rolegate applies all or nothing',
    manifest:
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: Upper}\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: fine}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n',
    expected: [
      `document 2 (line 5): Namespace "Upper" is invalid: metadata.name: Invalid value: "Upper": ${DNS1123_LABEL}`,
      'document 3 (line 9), item 2: no matches for kind "Pod" in version "v1" (rolegate keeps Namespace, Node, ServiceAccount, the aws-auth ConfigMap, Role, ClusterRole, RoleBinding and ClusterRoleBinding)',
    ],
  },
]

describe('cluster apply refuses what an apiserver refuses, in its words', () => {
  for (const refusal of REFUSALS) {
    test(`${refusal.name} (${refusal.source})`, () => {
      const outcome = planApply(refusal.manifest, refusal.current ?? START, {
        ...options(),
        ...(refusal.namespace === undefined ? {} : { namespace: refusal.namespace }),
      })
      assert.deepEqual(problems(outcome), refusal.expected)
    })
  }

  test('several refusals make one message, saying nothing was applied', () => {
    assert.equal(
      refusalMessage(['document 1 (line 1): x']),
      'document 1 (line 1): x; nothing was applied',
    )
    assert.equal(refusalMessage(['a', 'b']), '2 documents were refused; nothing was applied:\na\nb')
  })
})

describe('cluster apply plans what kubectl apply would do', () => {
  const FILE = `# A namespace, a role in it, a binding; then the same role again, unchanged.
apiVersion: v1
kind: Namespace
metadata:
  name: production
  labels: {team: payments}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: production-admin
  namespace: production
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: production-admins
  namespace: production
subjects:
- kind: Group
  name: prod-admin-group
- kind: ServiceAccount
  name: deployer
roleRef:
  kind: Role
  name: production-admin
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: production
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/deployer
`

  test('creates each object with a uid and creation time, RBAC defaults filled in', () => {
    const outcome = planApply(FILE, START, options())
    assert.ok(outcome.ok, JSON.stringify(outcome))
    assert.deepEqual(outcome.plan.results, [
      'namespace/production created',
      'role.rbac.authorization.k8s.io/production-admin created',
      'rolebinding.rbac.authorization.k8s.io/production-admins created',
      'serviceaccount/deployer created',
    ])
    const [namespace, , binding, account] = outcome.plan.writes
    // The apiserver labels every namespace with its name (Kubernetes 1.22, NamespaceDefaultLabelName).
    assert.deepEqual(namespace?.metadata, {
      name: 'production',
      uid: 'uid-1',
      creationTimestamp: '2025-03-04T05:06:07Z',
      labels: { team: 'payments', 'kubernetes.io/metadata.name': 'production' },
    })
    // pkg/apis/rbac/v1/defaults.go: roleRef.apiGroup and User/Group subjects' apiGroup.
    assert.ok(binding?.kind === 'RoleBinding')
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'production-admin',
    })
    assert.deepEqual(binding.subjects, [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'prod-admin-group' },
      { kind: 'ServiceAccount', name: 'deployer' },
    ])
    assert.deepEqual(account?.metadata.annotations, {
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/deployer',
    })
  })

  test('applied again: unchanged, nothing to write; a change is configured and keeps its uid', () => {
    const first = planApply(FILE, START, options())
    assert.ok(first.ok)
    const stored = [...START, ...first.plan.writes]
    const again = planApply(FILE, stored, options())
    assert.ok(again.ok)
    assert.deepEqual(again.plan.writes, [])
    assert.ok(again.plan.results.every((line) => line.endsWith(' unchanged')))

    const changed = planApply(FILE.replace('[get, list, watch]', '[get]'), stored, options())
    assert.ok(changed.ok)
    assert.equal(
      changed.plan.results[1],
      'role.rbac.authorization.k8s.io/production-admin configured',
    )
    assert.equal(changed.plan.writes.length, 1)
    assert.equal(changed.plan.writes[0]?.metadata.uid, 'uid-2')
  })

  test('cluster-scoped kinds drop a namespace; namespaced ones default to default or -n', () => {
    const file =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: Reader_1, namespace: ignored}\nrules: [{nonResourceURLs: ["/healthz"], verbs: [get]}]\n---\n' +
      role('{name: r}')
    const outcome = planApply(file, START, options())
    assert.ok(outcome.ok, JSON.stringify(outcome))
    assert.deepEqual(
      outcome.plan.writes.map((object) => [object.metadata.name, object.metadata.namespace]),
      [
        ['Reader_1', undefined],
        ['r', 'default'],
      ],
    )
    const inSystem = planApply(role('{name: r}'), START, { ...options(), namespace: 'kube-system' })
    assert.ok(inSystem.ok)
    assert.equal(inSystem.plan.writes[0]?.metadata.namespace, 'kube-system')
  })

  test('a List, as `cluster get -o yaml` prints several objects, applies item by item', () => {
    const list = `apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: a, uid: from-elsewhere, resourceVersion: "99", creationTimestamp: "2020-01-01T00:00:00Z"}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: s, namespace: a}
`
    const outcome = planApply(list, START, options())
    assert.ok(outcome.ok, JSON.stringify(outcome))
    assert.deepEqual(outcome.plan.results, ['namespace/a created', 'serviceaccount/s created'])
    // What only the server sets is the server's: a uid or time copied from elsewhere is not kept.
    assert.equal(outcome.plan.writes[0]?.metadata.uid, 'uid-1')
    assert.equal(outcome.plan.writes[0]?.metadata.creationTimestamp, '2025-03-04T05:06:07Z')
  })

  test('YAML 1.1 as kubectl reads it: yes is a boolean, so a label of yes is refused', () => {
    const outcome = planApply(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {enabled: yes}}\n',
      START,
      options(),
    )
    assert.deepEqual(problems(outcome), [
      'document 1 (line 1): Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
    ])
  })

  test('aws-auth with a role path applies, with a warning that the path is stripped', () => {
    const outcome = planApply(
      `apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/teams/dev/OktaProdAdminRole
      username: production-admin-user
      groups: [prod-admin-group]
`,
      START,
      options(),
    )
    assert.ok(outcome.ok, JSON.stringify(outcome))
    assert.deepEqual(outcome.plan.results, ['configmap/aws-auth created'])
    assert.deepEqual(outcome.plan.warnings, [
      "kube-system/aws-auth: data[mapRoles][0].rolearn arn:aws:iam::111122223333:role/teams/dev/OktaProdAdminRole has a path; it is matched as arn:aws:iam::111122223333:role/OktaProdAdminRole, since the ARN of a role's session names no path (EKS asks for the path to be removed)",
    ])
  })
})
