// SelfSubjectRulesReview's rules (`kubectl auth can-i --list`): the RBAC authorizer's RulesFor,
// every rule that applies to the user in the namespace, ClusterRoleBindings first, split into
// resource and non-resource rules, with resolution errors as evaluationError
// (plugin/pkg/auth/authorizer/rbac/rbac.go RulesFor, pkg/registry/rbac/validation/rule.go).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { PolicyRule } from '../../../src/kubernetes/objects.js'
import {
  bootstrapClusterRoles,
  compileRbacPolicy,
  rulesFor,
  withAuthenticatedGroup,
  withBootstrap,
} from '../../../src/kubernetes/rbac/index.js'
import { objectsFromYaml, userNamed } from './helpers.js'

const janeObjects = objectsFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: pod-reader}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
# A Role's URL rule never authorises (RoleBindings are not read for paths) but RulesFor lists it.
- nonResourceURLs: ["/listed-from-a-role"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: default}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
`)

/** The default ClusterRole's rules, from the bootstrap data. */
const defaultRules = (name: string): PolicyRule[] => [
  ...(bootstrapClusterRoles().find((r) => r.metadata.name === name)?.rules ?? []),
]

describe('an authenticated user with one Role in default', () => {
  const policy = compileRbacPolicy(withBootstrap(janeObjects))
  const jane = withAuthenticatedGroup(userNamed('jane'))

  test('in default: the default bindings of system:authenticated, then the RoleBinding', () => {
    const basicUser = defaultRules('system:basic-user')
    assert.equal(basicUser.length, 2)
    assert.deepEqual(rulesFor(policy, jane, 'default'), {
      resourceRules: [
        ...basicUser.map((r) => ({
          verbs: r.verbs,
          apiGroups: r.apiGroups,
          resources: r.resources,
        })),
        { verbs: ['get', 'watch', 'list'], apiGroups: [''], resources: ['pods'] },
      ],
      nonResourceRules: [
        ...defaultRules('system:discovery'),
        ...defaultRules('system:public-info-viewer'),
        { nonResourceURLs: ['/listed-from-a-role'], verbs: ['get'] },
      ].map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
      incomplete: false,
    })
  })

  test('in another namespace, or with no namespace, only the cluster-wide rules', () => {
    const elsewhere = rulesFor(policy, jane, 'kube-system')
    assert.equal(elsewhere.resourceRules.length, 2)
    assert.equal(elsewhere.nonResourceRules.length, 2)
    assert.deepEqual(rulesFor(policy, jane, ''), elsewhere)
  })
})

test('rules keep resourceNames, leave out empty lists and keep duplicates', () => {
  const policy = compileRbacPolicy(
    objectsFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cm}
rules:
- {apiGroups: [""], resources: [configmaps], resourceNames: [my-config], verbs: [get]}
- {apiGroups: [""], resources: [configmaps], resourceNames: [], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: one}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cm}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: two, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cm}
subjects: [{kind: User, name: u}]
`),
  )
  const once = [
    { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-config'] },
    { verbs: ['list'], apiGroups: [''], resources: ['configmaps'] },
  ]
  assert.deepEqual(rulesFor(policy, userNamed('u'), 'ns'), {
    resourceRules: [...once, ...once],
    nonResourceRules: [],
    incomplete: false,
  })
})

test('a binding to a missing role gives its error as evaluationError and no rules', () => {
  const policy = compileRbacPolicy(
    objectsFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gone}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
subjects: [{kind: User, name: u}]
`),
  )
  assert.deepEqual(rulesFor(policy, userNamed('u'), 'ns'), {
    resourceRules: [],
    nonResourceRules: [],
    incomplete: false,
    evaluationError:
      '[clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]',
  })
})

test('a binding naming the user twice over (as a user and through groups) gives its rules once', () => {
  const policy = compileRbacPolicy(
    objectsFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: ns, name: r}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: Group, name: g1}, {kind: User, name: u}, {kind: Group, name: g2}]
`),
  )
  assert.deepEqual(rulesFor(policy, userNamed('u', 'g2', 'g1', 'g1'), 'ns').resourceRules, [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
  ])
})
