// One rule against one request. The tables are upstream's own (kubernetes/kubernetes
// plugin/pkg/auth/authorizer/rbac/rbac_test.go TestRuleMatches), then the cases the RBAC page
// states in words (https://kubernetes.io/docs/reference/access-authn-authz/rbac/ "Referring to
// resources"), then ResourceMatches' `*/subresource` and NonResourceURLMatches' trailing `*`
// (pkg/apis/rbac/v1/evaluation_helpers.go).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { PolicyRule } from '../../../src/kubernetes/objects.js'
import { ruleAllows } from '../../../src/kubernetes/rbac/rule-allows.js'
import { pathRequest, resourceRequest, userNamed } from './helpers.js'

const someone = userNamed('someone')

type ResourceCase = [
  verb: string,
  group: string,
  resource: string,
  sub: string,
  name: string,
  allowed: boolean,
]
type PathCase = [verb: string, path: string, allowed: boolean]

function checkResources(title: string, rule: PolicyRule, cases: ResourceCase[]) {
  describe(title, () => {
    for (const [verb, group, resource, subresource, name, allowed] of cases) {
      const what = `${verb} ${group}/${resource}${subresource ? `/${subresource}` : ''}${name ? ` named ${name}` : ''}`
      test(`${what}: ${allowed ? 'allowed' : 'not allowed'}`, () => {
        const request = resourceRequest(someone, verb, { group, resource, subresource, name })
        assert.equal(ruleAllows(request, rule), allowed)
      })
    }
  })
}

function checkPaths(title: string, rule: PolicyRule, cases: PathCase[]) {
  describe(title, () => {
    for (const [verb, path, allowed] of cases) {
      test(`${verb} ${path}: ${allowed ? 'allowed' : 'not allowed'}`, () => {
        assert.equal(ruleAllows(pathRequest(someone, verb, path), rule), allowed)
      })
    }
  })
}

/** The eight verb x group x resource combinations upstream's table walks. */
const grid = (expected: boolean[]): ResourceCase[] =>
  (
    [
      ['verb1', 'group1', 'resource1'],
      ['verb1', 'group2', 'resource1'],
      ['verb1', 'group1', 'resource2'],
      ['verb1', 'group2', 'resource2'],
      ['verb2', 'group1', 'resource1'],
      ['verb2', 'group2', 'resource1'],
      ['verb2', 'group1', 'resource2'],
      ['verb2', 'group2', 'resource2'],
    ] as const
  ).map(([verb, group, resource], i) => [verb, group, resource, '', '', expected[i] ?? false])

checkResources(
  'upstream: star verb, exact match other',
  { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] },
  grid([true, false, false, false, true, false, false, false]),
)
checkResources(
  'upstream: star group, exact match other',
  { verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] },
  grid([true, true, false, false, false, false, false, false]),
)
checkResources(
  'upstream: star resource, exact match other',
  { verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] },
  grid([true, false, true, false, false, false, false, false]),
)
checkResources(
  'upstream: tuple expansion',
  {
    verbs: ['verb1', 'verb2'],
    apiGroups: ['group1', 'group2'],
    resources: ['resource1', 'resource2'],
  },
  grid([true, true, true, true, true, true, true, true]),
)
checkResources(
  'upstream: subresource expansion',
  { verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] },
  [
    ['verb1', 'group1', 'resource1', 'subresource1', '', true],
    ['verb1', 'group2', 'resource1', 'subresource2', '', false],
    ['verb1', 'group1', 'resource2', 'subresource1', '', false],
    ['verb1', 'group2', 'resource2', 'subresource1', '', false],
    ['verb2', 'group1', 'resource1', 'subresource1', '', true],
    ['verb2', 'group2', 'resource1', 'subresource2', '', false],
    ['verb2', 'group1', 'resource2', 'subresource1', '', false],
    ['verb2', 'group2', 'resource2', 'subresource1', '', false],
  ],
)
checkPaths(
  'upstream: star nonresource, exact match other',
  { verbs: ['verb1'], nonResourceURLs: ['*'] },
  [
    ['verb1', '/foo', true],
    ['verb1', '/foo/bar', true],
    ['verb1', '/foo/baz', true],
    ['verb1', '/foo/bar/one', true],
    ['verb1', '/foo/baz/one', true],
    ['verb2', '/foo', false],
    ['verb2', '/foo/bar', false],
    ['verb2', '/foo/baz', false],
    ['verb2', '/foo/bar/one', false],
    ['verb2', '/foo/baz/one', false],
  ],
)
checkPaths(
  'upstream: star nonresource subpath',
  { verbs: ['verb1'], nonResourceURLs: ['/foo/*'] },
  [
    ['verb1', '/foo', false],
    ['verb1', '/foo/bar', true],
    ['verb1', '/foo/baz', true],
    ['verb1', '/foo/bar/one', true],
    ['verb1', '/foo/baz/one', true],
    ['verb1', '/notfoo', false],
    ['verb1', '/notfoo/bar', false],
    ['verb1', '/notfoo/baz', false],
    ['verb1', '/notfoo/bar/one', false],
    ['verb1', '/notfoo/baz/one', false],
  ],
)
checkPaths(
  'upstream: star verb, exact nonresource',
  { verbs: ['*'], nonResourceURLs: ['/foo', '/foo/bar/one'] },
  [
    ['verb1', '/foo', true],
    ['verb1', '/foo/bar', false],
    ['verb1', '/foo/baz', false],
    ['verb1', '/foo/bar/one', true],
    ['verb1', '/foo/baz/one', false],
    ['verb2', '/foo', true],
    ['verb2', '/foo/bar', false],
    ['verb2', '/foo/baz', false],
    ['verb2', '/foo/bar/one', true],
    ['verb2', '/foo/baz/one', false],
  ],
)

// rbac.md: "To allow a subject to read both pods and pod logs" takes `pods` and `pods/log`.
checkResources(
  'rbac.md: pods and pods/log',
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
  [
    ['get', '', 'pods', 'log', 'web-0', true],
    ['get', '', 'pods', '', 'web-0', true],
    ['get', '', 'pods', 'status', 'web-0', false],
    ['get', '', 'pods', 'exec', 'web-0', false],
  ],
)
// rbac.md: `pods` alone does not reach a subresource.
checkResources('rbac.md: pods alone', { apiGroups: [''], resources: ['pods'], verbs: ['get'] }, [
  ['get', '', 'pods', '', 'web-0', true],
  ['get', '', 'pods', 'log', 'web-0', false],
  ['get', '', 'pods', 'status', 'web-0', false],
])
// rbac.md: "if resourceNames are set, then the verb must not be list, watch, create, or
// deletecollection" because those requests carry no name; a list or watch restricted by a
// metadata.name field selector does carry it.
checkResources(
  'rbac.md: resourceNames',
  {
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: ['my-configmap'],
    verbs: ['update', 'get', 'list', 'watch', 'create', 'deletecollection'],
  },
  [
    ['get', '', 'configmaps', '', 'my-configmap', true],
    ['update', '', 'configmaps', '', 'my-configmap', true],
    ['get', '', 'configmaps', '', 'other-configmap', false],
    ['list', '', 'configmaps', '', '', false],
    ['watch', '', 'configmaps', '', '', false],
    ['create', '', 'configmaps', '', '', false],
    ['deletecollection', '', 'configmaps', '', '', false],
    ['list', '', 'configmaps', '', 'my-configmap', true],
    ['watch', '', 'configmaps', '', 'my-configmap', true],
  ],
)
// evaluation_helpers.go ResourceMatches: `*/SUB` matches SUB of any resource, nothing else;
// `pods/*` is no wildcard.
checkResources('*/status', { apiGroups: ['*'], resources: ['*/status'], verbs: ['get'] }, [
  ['get', '', 'pods', 'status', 'p', true],
  ['get', 'apps', 'deployments', 'status', 'd', true],
  ['get', '', 'pods', '', 'p', false],
  ['get', '', 'pods', 'log', 'p', false],
  ['get', '', 'status', '', '', false],
  ['get', '', 'pods', 'statusx', 'p', false],
])
checkResources('pods/* is literal', { apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }, [
  ['get', '', 'pods', 'status', 'p', false],
  ['get', '', 'pods', '*', 'p', true],
])
// Matching is case-sensitive everywhere (rbac.md: names are case sensitive; upstream's
// TestAuthorizer refuses `GET` for a `get` rule and `Pods` matches only `*`).
checkResources(
  'case-sensitive',
  { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['Web'], verbs: ['get'] },
  [
    ['get', 'apps', 'deployments', '', 'Web', true],
    ['GET', 'apps', 'deployments', '', 'Web', false],
    ['get', 'Apps', 'deployments', '', 'Web', false],
    ['get', 'apps', 'Deployments', '', 'Web', false],
    ['get', 'apps', 'deployments', '', 'web', false],
  ],
)
checkPaths(
  'a trailing * is a prefix of what precedes every star',
  { verbs: ['get'], nonResourceURLs: ['/logs/**'] },
  [
    ['get', '/logs/', true],
    ['get', '/logs/kube-apiserver.log', true],
    ['get', '/logs', false],
    ['get', '/LOGS/x', false],
  ],
)
checkPaths('a star inside a URL is literal', { verbs: ['get'], nonResourceURLs: ['/api/*/x'] }, [
  ['get', '/api/v1/x', false],
  ['get', '/api/*/x', true],
])

test('a rule naming resources allows no path, and one naming paths no resource', () => {
  const resources: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }
  const paths: PolicyRule = { verbs: ['*'], nonResourceURLs: ['*'] }
  assert.equal(ruleAllows(pathRequest(someone, 'get', '/healthz'), resources), false)
  assert.equal(ruleAllows(resourceRequest(someone, 'get', { resource: 'pods' }), paths), false)
  assert.equal(ruleAllows(pathRequest(someone, 'get', '/healthz'), paths), true)
  assert.equal(ruleAllows(resourceRequest(someone, 'get', { resource: 'pods' }), resources), true)
})
