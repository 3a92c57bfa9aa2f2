// ClusterRole aggregation as the clusterrole-aggregation controller does it
// (pkg/controller/clusterroleaggregation): label selectors with matchLabels and matchExpressions
// (metav1.LabelSelectorAsSelector), selectors in order and selected roles by name, each rule once,
// the aggregated role itself skipped, its stored rules overwritten.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ClusterRole, LabelSelector, PolicyRule } from '../../../src/kubernetes/objects.js'
import { aggregateClusterRoles, aggregatedRules } from '../../../src/kubernetes/rbac/index.js'
import { compileLabelSelector } from '../../../src/kubernetes/rbac/label-selector.js'

const role = (
  name: string,
  labels: Record<string, string>,
  rules: PolicyRule[] | null,
  selectors?: LabelSelector[],
): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...(selectors === undefined ? {} : { aggregationRule: { clusterRoleSelectors: selectors } }),
})
const get = (resource: string): PolicyRule => ({
  apiGroups: [''],
  resources: [resource],
  verbs: ['get'],
})

describe('label selectors (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors)', () => {
  const labels = { environment: 'production', tier: 'frontend' }
  const cases: [LabelSelector, boolean | 'invalid'][] = [
    [{}, true],
    [{ matchLabels: { environment: 'production' } }, true],
    [{ matchLabels: { environment: 'production', tier: 'backend' } }, false],
    [{ matchLabels: { partition: 'a' } }, false],
    [
      { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'qa'] }] },
      true,
    ],
    [
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend', 'backend'] }] },
      false,
    ],
    [{ matchExpressions: [{ key: 'partition', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'partition', operator: 'In', values: ['a'] }] }, false],
    [{ matchExpressions: [{ key: 'partition', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [
      {
        matchLabels: { tier: 'frontend' },
        matchExpressions: [{ key: 'environment', operator: 'NotIn', values: ['production'] }],
      },
      false,
    ],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, 'invalid'],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }, 'invalid'],
  ]
  for (const [selector, expected] of cases) {
    test(`${JSON.stringify(selector)}: ${expected}`, () => {
      const matcher = compileLabelSelector(selector)
      if (expected === 'invalid') assert.equal(matcher, undefined)
      else assert.equal(matcher?.(labels), expected)
    })
  }
})

describe('the aggregation controller', () => {
  test("the documentation example: monitoring gets monitoring-endpoints' rules (rbac/#aggregated-clusterroles)", () => {
    const endpoints: PolicyRule = {
      apiGroups: [''],
      resources: ['services', 'endpointslices', 'pods'],
      verbs: ['get', 'list', 'watch'],
    }
    const rules = aggregatedRules([
      role(
        'monitoring',
        {},
        [],
        [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }],
      ),
      role('monitoring-endpoints', { 'rbac.example.com/aggregate-to-monitoring': 'true' }, [
        endpoints,
      ]),
      role('unrelated', { 'rbac.example.com/aggregate-to-monitoring': 'false' }, [get('secrets')]),
    ])
    assert.deepEqual(rules.get('monitoring'), [endpoints])
  })

  test('"The control plane overwrites any values that you manually specify in the rules field of an aggregate ClusterRole"', () => {
    const rules = aggregatedRules([
      role('agg', {}, [get('secrets')], [{ matchLabels: { pick: 'me' } }]),
      role('part', { pick: 'me' }, [get('pods')]),
    ])
    assert.deepEqual(rules.get('agg'), [get('pods')])
    assert.deepEqual(
      aggregatedRules([role('agg', {}, [get('secrets')], [{ matchLabels: { pick: 'me' } }])]).get(
        'agg',
      ),
      [],
    )
  })

  test('selectors in order, selected roles by name, each rule once, the role itself skipped', () => {
    const rules = aggregatedRules([
      role('agg', { a: '1' }, null, [{ matchLabels: { b: '1' } }, { matchLabels: { a: '1' } }]),
      role('z-first-selector', { b: '1' }, [get('pods'), get('secrets')]),
      role('m-first-selector', { b: '1' }, [get('configmaps')]),
      role('c-second-selector', { a: '1' }, [get('secrets'), get('nodes')]),
    ])
    assert.deepEqual(rules.get('agg'), [
      get('configmaps'),
      get('pods'),
      get('secrets'),
      get('nodes'),
    ])
  })

  test('an aggregated role selected by another brings its aggregated rules, whatever their order', () => {
    const roles = [
      role('admin', {}, null, [{ matchLabels: { 'to-admin': 'true' } }]),
      role('edit', { 'to-admin': 'true' }, null, [{ matchLabels: { 'to-edit': 'true' } }]),
      role('view', { 'to-edit': 'true' }, null, [{ matchLabels: { 'to-view': 'true' } }]),
      role('view-part', { 'to-view': 'true' }, [get('pods')]),
      role('edit-part', { 'to-edit': 'true' }, [get('secrets')]),
    ]
    for (const order of [roles, [...roles].reverse()]) {
      const rules = aggregatedRules(order)
      assert.deepEqual(rules.get('view'), [get('pods')])
      assert.deepEqual(rules.get('edit'), [get('secrets'), get('pods')])
      assert.deepEqual(rules.get('admin'), [get('secrets'), get('pods')])
    }
  })

  test('rules equal when an absent list and an empty one are the only difference', () => {
    const rules = aggregatedRules([
      role('agg', {}, null, [{ matchLabels: { p: '1' } }]),
      role('a', { p: '1' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]),
      role('b', { p: '1' }, [
        { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] },
      ]),
    ])
    assert.equal(rules.get('agg')?.length, 1)
  })

  test('a malformed selector leaves the stored rules, as the controller gives up on the role', () => {
    const rules = aggregatedRules([
      role(
        'agg',
        {},
        [get('secrets')],
        [{ matchExpressions: [{ key: 'p', operator: 'In', values: [] }] }],
      ),
      role('a', { p: '1' }, [get('pods')]),
    ])
    assert.deepEqual(rules.get('agg'), [get('secrets')])
  })

  test('aggregateClusterRoles fills aggregated roles and leaves the others as they are', () => {
    const part = role('part', { p: '1' }, [get('pods')])
    const [agg, same] = aggregateClusterRoles([
      role('agg', {}, null, [{ matchLabels: { p: '1' } }]),
      part,
    ])
    assert.deepEqual(agg?.rules, [get('pods')])
    assert.equal(same, part)
  })
})
