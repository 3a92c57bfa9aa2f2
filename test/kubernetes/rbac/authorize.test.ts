// The authorizer's own behaviour beyond single rules: the order bindings are visited in
// (ClusterRoleBindings, then RoleBindings of the request's namespace), the reasons and resolution
// errors in the apiserver's words (rbac.go, rule.go; the error text as kube-apiservers were
// recorded answering), system:masters before RBAC, and the binding index giving the same answers
// as a plain scan of every binding, the way the apiserver's DefaultRuleResolver visits them.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import type {
  ClusterObject,
  PolicyRule,
  RequestAttributes,
  Subject,
  UserInfo,
} from '../../../src/kubernetes/objects.js'
import {
  authorize,
  compileRbacPolicy,
  rbacAuthorize,
  ruleAllows,
} from '../../../src/kubernetes/rbac/index.js'
import { goQuote } from '../../../src/kubernetes/rbac/go-quote.js'
import { objectsFromYaml, pathRequest, resourceRequest, userNamed } from './helpers.js'

const policyOf = (yaml: string) => compileRbacPolicy(objectsFromYaml(yaml))
const getPods = (user: UserInfo, namespace: string) =>
  resourceRequest(user, 'get', { resource: 'pods', namespace, name: 'web-0' })

const readPods = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-pods}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`

describe('resolution errors', () => {
  test('a RoleBinding to a missing ClusterRole contributes nothing and is named in the reason', () => {
    // As recorded from kube-apiservers, e.g. `... in the namespace "pubgrade": RBAC:
    // clusterrole.rbac.authorization.k8s.io "fleet-content" not found`.
    const policy = policyOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fleet-content}
subjects: [{kind: User, name: u}]
`)
    assert.deepEqual(rbacAuthorize(policy, getPods(userNamed('u'), 'ns')), {
      decision: 'NoOpinion',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "fleet-content" not found',
      errors: ['clusterrole.rbac.authorization.k8s.io "fleet-content" not found'],
    })
    // Only bindings that apply to the user are resolved, so others see no error.
    assert.equal(rbacAuthorize(policy, getPods(userNamed('v'), 'ns')).reason, '')
    // Nor does a request in another namespace, which never lists these RoleBindings.
    assert.equal(rbacAuthorize(policy, getPods(userNamed('u'), 'other')).reason, '')
  })

  test('a missing Role, and a ClusterRoleBinding to a Role, fail as the Role lister does', () => {
    const policy = policyOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: gone, namespace: elsewhere}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{kind: User, name: u}]
`)
    assert.deepEqual(rbacAuthorize(policy, getPods(userNamed('u'), 'ns')), {
      decision: 'NoOpinion',
      reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
      errors: [
        'role.rbac.authorization.k8s.io "gone" not found',
        'role.rbac.authorization.k8s.io "gone" not found',
      ],
    })
  })

  test('several distinct errors are listed in brackets, in visiting order', () => {
    const policy = policyOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: first}
subjects: [{kind: Group, name: g}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: second}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: c, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Widget, name: third}
subjects: [{kind: User, name: u}]
`)
    assert.equal(
      rbacAuthorize(policy, getPods(userNamed('u', 'g'), 'ns')).reason,
      'RBAC: [clusterrole.rbac.authorization.k8s.io "first" not found, ' +
        'role.rbac.authorization.k8s.io "second" not found, unsupported role reference kind: "Widget"]',
    )
  })

  test('an error does not stand in the way of a rule that allows', () => {
    const policy = policyOf(`${readPods}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a-broken}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gone}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b-working}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-pods}
subjects: [{kind: User, name: u}]
`)
    const decision = rbacAuthorize(policy, getPods(userNamed('u'), 'ns'))
    assert.equal(decision.decision, 'Allow')
    assert.equal(
      decision.reason,
      'RBAC: allowed by ClusterRoleBinding "b-working" of ClusterRole "read-pods" to User "u"',
    )
  })
})

describe('visiting order and the reason', () => {
  const both = `${readPods}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a-local, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-pods}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: z-global}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-pods}
subjects: [{kind: Group, name: nobody}, {kind: User, name: u}, {kind: Group, name: g}]
`

  test('ClusterRoleBindings are visited before RoleBindings; the reason names the first subject that applies', () => {
    const decision = rbacAuthorize(policyOf(both), getPods(userNamed('u', 'g'), 'ns'))
    assert.equal(
      decision.reason,
      'RBAC: allowed by ClusterRoleBinding "z-global" of ClusterRole "read-pods" to User "u"',
    )
    assert.equal(decision.decision === 'Allow' && decision.source?.binding.name, 'z-global')
  })

  test('a subject of a kind RBAC does not know never applies', () => {
    const policy = policyOf(`${readPods}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-pods}
subjects: [{kind: Robot, name: u}]
`)
    assert.equal(rbacAuthorize(policy, getPods(userNamed('u'), 'ns')).decision, 'NoOpinion')
  })

  test('a non-resource request never consults RoleBindings', () => {
    const policy = policyOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules: [{nonResourceURLs: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects: [{kind: User, name: u}]
`)
    assert.equal(
      rbacAuthorize(policy, pathRequest(userNamed('u'), 'get', '/healthz')).decision,
      'NoOpinion',
    )
  })

  test('names with quotes and control characters are quoted as Go quotes them', () => {
    const policy = policyOf(`${readPods}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "b\\"1"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-pods}
subjects: [{kind: User, name: "a\\tb"}]
`)
    assert.equal(
      rbacAuthorize(policy, getPods(userNamed('a\tb'), 'ns')).reason,
      'RBAC: allowed by ClusterRoleBinding "b\\"1" of ClusterRole "read-pods" to User "a\\tb"',
    )
  })
})

describe('system:masters', () => {
  test("is allowed before RBAC is asked, with the privileged-group authorizer's empty reason", () => {
    const policy = compileRbacPolicy([])
    const root = userNamed('root', 'system:masters')
    const request = resourceRequest(root, 'delete', { resource: 'nodes', name: 'n1' })
    assert.deepEqual(authorize(policy, request), { decision: 'Allow', reason: '' })
    assert.equal(rbacAuthorize(policy, request).decision, 'NoOpinion')
    // The group name is matched exactly.
    assert.equal(
      authorize(
        policy,
        resourceRequest(userNamed('root', 'System:Masters'), 'delete', {
          resource: 'nodes',
          name: 'n1',
        }),
      ).decision,
      'NoOpinion',
    )
  })
})

// The apiserver's rule resolution, ported as plainly as possible: every binding in name order,
// subjects checked one by one; the index in compileRbacPolicy must never change an answer.
function referenceDecision(objects: readonly ClusterObject[], request: RequestAttributes) {
  const byName = <T extends { metadata: { name: string } }>(a: T, b: T) =>
    a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0
  const user = request.user
  const applies = (s: Subject, ns: string) =>
    s.kind === 'User'
      ? s.name === user.username
      : s.kind === 'Group'
        ? user.groups.includes(s.name)
        : s.kind === 'ServiceAccount' &&
          (s.namespace || ns) !== '' &&
          user.username === `system:serviceaccount:${s.namespace || ns}:${s.name}`
  const rulesOf = (kind: string, name: string, ns: string): PolicyRule[] | undefined => {
    const role = objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (kind === 'ClusterRole' || o.metadata.namespace === ns),
    )
    return role === undefined ? undefined : ((role as { rules?: PolicyRule[] | null }).rules ?? [])
  }
  const crbs = objects.filter((o) => o.kind === 'ClusterRoleBinding').sort(byName)
  const namespace = request.resourceRequest ? request.namespace : ''
  const rbs =
    namespace === ''
      ? []
      : objects
          .filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === namespace)
          .sort(byName)
  for (const binding of [...crbs, ...rbs]) {
    if (binding.kind !== 'ClusterRoleBinding' && binding.kind !== 'RoleBinding') continue
    const ns = binding.kind === 'RoleBinding' ? namespace : ''
    const subject = (binding.subjects ?? []).find((s) => applies(s, ns))
    if (subject === undefined) continue
    const rules = rulesOf(binding.roleRef.kind, binding.roleRef.name, ns)
    if (rules?.some((rule) => ruleAllows(request, rule))) {
      const who =
        subject.kind === 'ServiceAccount'
          ? `${subject.name}/${subject.namespace || ns}`
          : subject.name
      const name =
        binding.kind === 'RoleBinding' ? `${binding.metadata.name}/${ns}` : binding.metadata.name
      return `RBAC: allowed by ${binding.kind} ${goQuote(name)} of ${binding.roleRef.kind} ${goQuote(binding.roleRef.name)} to ${subject.kind} ${goQuote(who)}`
    }
  }
  return undefined
}

test('the binding index answers as a scan of every binding would, reason included', () => {
  const names = ['a', 'b', 'c']
  const namespaces = ['ns1', 'ns2']
  const subject: fc.Arbitrary<Subject> = fc.oneof(
    fc.record({
      kind: fc.constant('User' as const),
      name: fc.constantFrom('alice', 'bob', 'system:serviceaccount:ns1:a'),
    }),
    fc.record({
      kind: fc.constant('Group' as const),
      name: fc.constantFrom('g1', 'g2', 'system:serviceaccounts'),
    }),
    fc.record(
      {
        kind: fc.constant('ServiceAccount' as const),
        name: fc.constantFrom(...names),
        namespace: fc.constantFrom(...namespaces),
      },
      { requiredKeys: ['kind', 'name'] },
    ),
  )
  const rule: fc.Arbitrary<PolicyRule> = fc.record({
    verbs: fc.subarray(['get', 'list', '*'], { minLength: 1 }),
    apiGroups: fc.constant(['']),
    resources: fc.subarray(['pods', 'secrets', 'pods/log', '*'], { minLength: 1 }),
  })
  const roleRef = fc.record({
    apiGroup: fc.constant('rbac.authorization.k8s.io'),
    kind: fc.constantFrom('Role' as const, 'ClusterRole' as const),
    name: fc.constantFrom(...names),
  })
  const objects: fc.Arbitrary<ClusterObject[]> = fc
    .tuple(
      fc.array(
        fc.record({ name: fc.constantFrom(...names), rules: fc.array(rule, { maxLength: 2 }) }),
        { maxLength: 3 },
      ),
      fc.array(
        fc.record({
          name: fc.constantFrom(...names),
          namespace: fc.constantFrom(...namespaces),
          rules: fc.array(rule, { maxLength: 2 }),
        }),
        { maxLength: 3 },
      ),
      fc.array(
        fc.record({
          name: fc.constantFrom(...names),
          roleRef,
          subjects: fc.array(subject, { maxLength: 3 }),
        }),
        { maxLength: 4 },
      ),
      fc.array(
        fc.record({
          name: fc.constantFrom(...names),
          namespace: fc.constantFrom(...namespaces),
          roleRef,
          subjects: fc.array(subject, { maxLength: 3 }),
        }),
        { maxLength: 4 },
      ),
    )
    .map(([clusterRoles, roles, crbs, rbs]) => {
      const unique = <T extends { name: string; namespace?: string }>(list: T[]) =>
        list.filter(
          (x, i) => list.findIndex((y) => y.name === x.name && y.namespace === x.namespace) === i,
        )
      const api = 'rbac.authorization.k8s.io/v1' as const
      return [
        ...unique(clusterRoles).map((r): ClusterObject => ({
          apiVersion: api,
          kind: 'ClusterRole',
          metadata: { name: r.name },
          rules: r.rules,
        })),
        ...unique(roles).map((r): ClusterObject => ({
          apiVersion: api,
          kind: 'Role',
          metadata: { name: r.name, namespace: r.namespace },
          rules: r.rules,
        })),
        ...unique(crbs).map((b): ClusterObject => ({
          apiVersion: api,
          kind: 'ClusterRoleBinding',
          metadata: { name: b.name },
          roleRef: b.roleRef,
          subjects: b.subjects,
        })),
        ...unique(rbs).map((b): ClusterObject => ({
          apiVersion: api,
          kind: 'RoleBinding',
          metadata: { name: b.name, namespace: b.namespace },
          roleRef: b.roleRef,
          subjects: b.subjects,
        })),
      ]
    })
  const user: fc.Arbitrary<UserInfo> = fc.record({
    username: fc.constantFrom(
      'alice',
      'bob',
      'system:serviceaccount:ns1:a',
      'system:serviceaccount:ns2:b',
    ),
    groups: fc.subarray(['g1', 'g2', 'system:serviceaccounts', 'g1']),
  })
  const request = fc.record({
    user,
    verb: fc.constantFrom('get', 'list', 'delete'),
    resource: fc.constantFrom('pods', 'secrets'),
    subresource: fc.constantFrom('', 'log'),
    namespace: fc.constantFrom('', ...namespaces),
  })
  fc.assert(
    fc.property(objects, request, (objs, r) => {
      const attributes = resourceRequest(r.user, r.verb, {
        resource: r.resource,
        subresource: r.subresource,
        namespace: r.namespace,
        name: 'x',
      })
      const decision = rbacAuthorize(compileRbacPolicy(objs), attributes)
      const expected = referenceDecision(objs, attributes)
      assert.equal(decision.decision, expected === undefined ? 'NoOpinion' : 'Allow')
      if (expected !== undefined) assert.equal(decision.reason, expected)
    }),
    { numRuns: 3000 },
  )
})
