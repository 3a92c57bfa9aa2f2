// Discovery's resources against upstream data: every resource the face lists is named, in its API
// group, by a rule of the bootstrap ClusterRoles every apiserver creates (the corpus's golden
// file), and every kind of a group the proto corpus holds is a message there; the documents'
// content negotiation as kubectl 1.32 asks (aggregated v2 first, then plain JSON).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import {
  Discovery,
  parseAccept,
  wantsAggregated,
  wantsTable,
} from '../../../src/kubernetes/api/discovery.js'
import { RESOURCES } from '../../../src/kubernetes/api/resources.js'
import { corpus } from '../../support/requirements.js'
import { PROTO_CORPUS, loadUpstreamProtos } from '../../support/kubernetes-protos.js'

const ROLES = corpus('kubernetes/rbac-bootstrap/cluster-roles.yaml')

interface Rule {
  apiGroups?: string[]
  resources?: string[]
}

describe('served resources against upstream', () => {
  test(
    'each (group, resource) is named by a bootstrap ClusterRole rule',
    { skip: ROLES.skip },
    () => {
      const list = parse(readFileSync(ROLES.path, 'utf8')) as { items: Array<{ rules?: Rule[] }> }
      const named = new Set<string>()
      for (const role of list.items) {
        for (const rule of role.rules ?? []) {
          for (const group of rule.apiGroups ?? []) {
            for (const resource of rule.resources ?? [])
              named.add(`${group}/${resource.split('/')[0]}`)
          }
        }
      }
      // cluster-admin's `*` is the only rule over ClusterRoles and their bindings; the proto test
      // below checks those two by their kinds.
      const RBAC_OWN = new Set(['clusterroles', 'clusterrolebindings'])
      const missing = RESOURCES.filter(
        (entry) => !named.has(`${entry.group}/${entry.resource}`) && !RBAC_OWN.has(entry.resource),
      )
      assert.deepEqual(
        missing.map((entry) => `${entry.group}/${entry.resource}`),
        [],
      )
    },
  )

  test(
    'each kind of a group in the proto corpus is an upstream message',
    { skip: PROTO_CORPUS.skip },
    () => {
      const root = loadUpstreamProtos()
      const packages: Record<string, string> = {
        '': 'k8s.io.api.core.v1',
        'rbac.authorization.k8s.io': 'k8s.io.api.rbac.v1',
        'authentication.k8s.io': 'k8s.io.api.authentication.v1',
        'authorization.k8s.io': 'k8s.io.api.authorization.v1',
      }
      let checked = 0
      for (const entry of RESOURCES) {
        const pkg = packages[entry.group]
        if (pkg === undefined) continue
        assert.ok(root.lookup(`.${pkg}.${entry.kind}`), `${entry.group} ${entry.kind}`)
        checked++
      }
      assert.ok(checked >= 20)
    },
  )
})

describe('content negotiation', () => {
  const KUBECTL =
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'

  test('kubectl 1.32 asks for aggregated v2 first', () => {
    assert.equal(wantsAggregated(parseAccept(KUBECTL)), true)
    assert.equal(wantsAggregated(parseAccept('application/json, */*')), false)
    assert.equal(
      wantsAggregated(
        parseAccept(
          'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
        ),
      ),
      false,
    )
  })

  test("kubectl get's Table", () => {
    const get =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
    assert.equal(wantsTable(parseAccept(get)), true)
    assert.equal(wantsTable(parseAccept('application/json')), false)
  })

  test('aggregated and legacy documents list the same resources', () => {
    const discovery = new Discovery()
    const aggregated = discovery.groups(true) as {
      kind: string
      items: Array<{
        metadata: { name: string }
        versions: Array<{ version: string; resources: Array<{ resource: string; scope: string }> }>
      }>
    }
    assert.equal(aggregated.kind, 'APIGroupDiscoveryList')
    for (const item of aggregated.items) {
      for (const version of item.versions) {
        const legacy = discovery.resourceList(item.metadata.name, version.version) as {
          resources: Array<{ name: string; namespaced: boolean }>
        }
        assert.deepEqual(
          legacy.resources.map((r) => [r.name, r.namespaced]),
          version.resources.map((r) => [r.resource, r.scope === 'Namespaced']),
        )
      }
    }
  })
})
