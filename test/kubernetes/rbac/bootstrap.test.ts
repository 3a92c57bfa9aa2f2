// The bootstrap layer against ../shared/corpora/kubernetes/rbac-bootstrap (upstream's golden
// files of the default ClusterRoles and ClusterRoleBindings): the committed copy is the corpus
// (with the two bindings newer releases add, see the corpus README), the extraction script makes
// exactly the committed file, every default role decides as its corpus rules say, admin, edit
// and view aggregate as the controller fills them, and a cluster's own objects replace defaults.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import {
  bootstrapPolicyJson,
  deriveBootstrapPolicy,
} from '../../../scripts/extract-rbac-bootstrap.js'
import type {
  ClusterObject,
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  RequestAttributes,
  UserInfo,
} from '../../../src/kubernetes/objects.js'
import {
  anonymousUser,
  authorize,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  compileRbacPolicy,
  rbacAuthorize,
  rulesFor,
  withAuthenticatedGroup,
  withBootstrap,
} from '../../../src/kubernetes/rbac/index.js'
import { corpus } from '../../support/requirements.js'
import { pathRequest, resourceRequest, userNamed } from './helpers.js'

const { path: corpusFolder, skip } = corpus('kubernetes/rbac-bootstrap')
const dataFile = fileURLToPath(
  new URL('../../../src/kubernetes/rbac/bootstrap-policy.json', import.meta.url),
)

interface CorpusList<T> {
  items: T[]
}

/** A corpus list's items as a kube-apiserver serves them today: no `creationTimestamp: null`. */
function corpusItems<T extends { metadata: object }>(file: string): T[] {
  const list = parse(readFileSync(join(corpusFolder, file), 'utf8')) as CorpusList<T>
  return list.items.map((item) => {
    const { creationTimestamp, ...metadata } = item.metadata as Record<string, unknown>
    assert.equal(creationTimestamp, null)
    return { ...item, metadata } as T
  })
}

const corpusRoles = () => corpusItems<ClusterRole>('cluster-roles.yaml')
const corpusBindings = () => corpusItems<ClusterRoleBinding>('cluster-role-bindings.yaml')
const corpusRole = (name: string) => {
  const role = corpusRoles().find((r) => r.metadata.name === name)
  assert.ok(role, `corpus has no ClusterRole ${name}`)
  return role
}

const byName = (a: { metadata: { name: string } }, b: { metadata: { name: string } }) =>
  a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0

describe('the shipped copy is the corpus', { skip }, () => {
  test('every default ClusterRole, field for field', () => {
    assert.deepEqual([...bootstrapClusterRoles()].sort(byName), corpusRoles().sort(byName))
    assert.equal(bootstrapClusterRoles().length, 31)
  })

  test('every corpus ClusterRoleBinding, plus exactly the two bindings of newer releases', () => {
    const shipped = new Map(bootstrapClusterRoleBindings().map((b) => [b.metadata.name, b]))
    for (const binding of corpusBindings()) {
      assert.deepEqual(shipped.get(binding.metadata.name), binding)
      shipped.delete(binding.metadata.name)
    }
    // The corpus README: newer releases bind system:monitoring to Group system:monitoring and
    // system:service-account-issuer-discovery to Group system:serviceaccounts (openshift/kubernetes
    // 95e062fd testdata/cluster-role-bindings.yaml prints them so).
    const newer = (name: string, group: string): ClusterRoleBinding => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {
        annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
        labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
        name,
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    })
    assert.deepEqual([...shipped.values()].sort(byName), [
      newer('system:monitoring', 'system:monitoring'),
      newer('system:service-account-issuer-discovery', 'system:serviceaccounts'),
    ])
  })

  test('scripts/extract-rbac-bootstrap.js writes exactly the committed file', async () => {
    const derived = deriveBootstrapPolicy(
      readFileSync(join(corpusFolder, 'cluster-roles.yaml'), 'utf8'),
      readFileSync(join(corpusFolder, 'cluster-role-bindings.yaml'), 'utf8'),
    )
    assert.equal(await bootstrapPolicyJson(derived, dataFile), readFileSync(dataFile, 'utf8'))
  })
})

/** Concrete requests a rule allows: each listed value, a stand-in for each `*`. */
function requestsAllowedBy(user: UserInfo, rule: PolicyRule): RequestAttributes[] {
  const requests: RequestAttributes[] = []
  const verbs = rule.verbs.map((v) => (v === '*' ? 'someverb' : v))
  for (const verb of verbs) {
    for (const url of rule.nonResourceURLs ?? []) {
      requests.push(pathRequest(user, verb, url.endsWith('*') ? `${url.slice(0, -1)}x/y` : url))
    }
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const [base = '', subresource = ''] = resource.split('/')
        for (const name of rule.resourceNames ?? ['']) {
          requests.push(
            resourceRequest(user, verb, {
              group: group === '*' ? 'some.group' : group,
              resource: base === '*' ? 'someresource' : base,
              subresource,
              namespace: 'probe-ns',
              name,
            }),
          )
        }
      }
    }
  }
  return requests
}

/** A cluster where `probe` holds nothing but `role`, through a ClusterRoleBinding. */
function policyBindingProbeTo(role: string, extra: ClusterObject[] = []) {
  const binding: ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'probe' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'probe' }],
  }
  return compileRbacPolicy(withBootstrap([binding, ...extra]))
}

// The probe user is not authenticated, so no default binding adds anything to the role's rules.
const probe = userNamed('probe')

describe('every default ClusterRole decides as its corpus rules say', { skip }, () => {
  for (const role of bootstrapClusterRoles()) {
    const name = role.metadata.name
    if (role.aggregationRule !== undefined) continue
    test(name, () => {
      const rules = corpusRole(name).rules ?? []
      const policy = policyBindingProbeTo(name)
      assert.deepEqual(policy.clusterRoleRules.get(name), rules)
      for (const rule of rules) {
        for (const request of requestsAllowedBy(probe, rule)) {
          const decision = rbacAuthorize(policy, request)
          assert.equal(decision.decision, 'Allow', JSON.stringify(request))
          assert.equal(
            decision.reason,
            `RBAC: allowed by ClusterRoleBinding "probe" of ClusterRole "${name}" to User "probe"`,
          )
        }
      }
      // No role but cluster-admin lets a verb nobody defines through, on anything.
      const unknownVerb = rbacAuthorize(
        policy,
        resourceRequest(probe, 'fly', { resource: 'pods', namespace: 'probe-ns' }),
      )
      assert.equal(unknownVerb.decision, name === 'cluster-admin' ? 'Allow' : 'NoOpinion')
    })
  }
})

describe(
  'admin, edit and view aggregate as the clusterrole-aggregation controller fills them',
  { skip },
  () => {
    /** Each rule once, in order (the controller's ruleExists). */
    const union = (...lists: PolicyRule[][]) => {
      const out: PolicyRule[] = []
      for (const rule of lists.flat()) {
        if (!out.some((r) => JSON.stringify(r) === JSON.stringify(rule))) out.push(rule)
      }
      return out
    }
    const rulesOf = (name: string) => corpusRole(name).rules ?? []
    // Selected roles are taken in name order: edit < system:aggregate-to-admin, and
    // system:aggregate-to-edit < view.
    const view = () => rulesOf('system:aggregate-to-view')
    const edit = () => union(rulesOf('system:aggregate-to-edit'), view())
    const admin = () => union(edit(), rulesOf('system:aggregate-to-admin'))

    test('view is system:aggregate-to-view', () => {
      assert.deepEqual(policyBindingProbeTo('view').clusterRoleRules.get('view'), view())
    })
    test('edit is system:aggregate-to-edit and view', () => {
      assert.deepEqual(policyBindingProbeTo('edit').clusterRoleRules.get('edit'), edit())
    })
    test('admin is edit and system:aggregate-to-admin', () => {
      assert.deepEqual(policyBindingProbeTo('admin').clusterRoleRules.get('admin'), admin())
      // Each layer adds rules of its own, so a missing layer shows.
      assert.ok(
        view().length > 0 && edit().length > view().length && admin().length > edit().length,
      )
    })

    test('the aggregated roles allow what their parts allow, bound in a namespace', () => {
      for (const [role, rules] of [
        ['view', view()],
        ['edit', edit()],
        ['admin', admin()],
      ] as const) {
        const policy = policyBindingProbeTo(role)
        for (const rule of rules) {
          for (const request of requestsAllowedBy(probe, rule)) {
            assert.equal(
              authorize(policy, request).decision,
              'Allow',
              `${role}: ${JSON.stringify(request)}`,
            )
          }
        }
      }
    })

    test('a ClusterRole labelled aggregate-to-view reaches view, edit and admin; one labelled aggregate-to-admin only admin', () => {
      const labelled = (name: string, label: string, resource: string): ClusterRole => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels: { [label]: 'true' } },
        rules: [{ apiGroups: ['stable.example.com'], resources: [resource], verbs: ['get'] }],
      })
      const extra = [
        labelled('crontab-view', 'rbac.authorization.k8s.io/aggregate-to-view', 'crontabs'),
        labelled('widget-admin', 'rbac.authorization.k8s.io/aggregate-to-admin', 'widgets'),
      ]
      for (const role of ['view', 'edit', 'admin']) {
        const policy = policyBindingProbeTo(role, extra)
        const get = (resource: string) =>
          rbacAuthorize(
            policy,
            resourceRequest(probe, 'get', {
              group: 'stable.example.com',
              resource,
              namespace: 'a',
              name: 'x',
            }),
          ).decision
        assert.equal(get('crontabs'), 'Allow', role)
        assert.equal(get('widgets'), role === 'admin' ? 'Allow' : 'NoOpinion', role)
      }
    })
  },
)

describe('what the corpus README says a stock cluster decides', { skip }, () => {
  const policy = compileRbacPolicy(withBootstrap([]))
  const jane = withAuthenticatedGroup(userNamed('jane'))

  test('system:authenticated may create selfsubjectaccessreviews and GET /version', () => {
    const review = resourceRequest(jane, 'create', {
      group: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
    })
    assert.equal(authorize(policy, review).decision, 'Allow')
    assert.equal(authorize(policy, pathRequest(jane, 'get', '/version')).decision, 'Allow')
    assert.equal(
      authorize(policy, pathRequest(userNamed('jane'), 'get', '/version')).decision,
      'NoOpinion',
    )
  })

  test('system:unauthenticated may GET /healthz, /livez, /readyz, /version, /version/ and nothing else', () => {
    const anonymous = anonymousUser()
    for (const path of ['/healthz', '/livez', '/readyz', '/version', '/version/']) {
      assert.equal(authorize(policy, pathRequest(anonymous, 'get', path)).decision, 'Allow', path)
      assert.equal(
        authorize(policy, pathRequest(anonymous, 'post', path)).decision,
        'NoOpinion',
        path,
      )
    }
    for (const path of [
      '/api',
      '/apis',
      '/openapi/v2',
      '/healthz/etcd',
      '/version/x',
      '/metrics',
      '/',
    ]) {
      assert.equal(
        authorize(policy, pathRequest(anonymous, 'get', path)).decision,
        'NoOpinion',
        path,
      )
    }
    // Nothing else at all: its rules in any namespace are that one non-resource rule.
    assert.deepEqual(rulesFor(policy, anonymous, 'default'), {
      resourceRules: [],
      nonResourceRules: [
        {
          verbs: ['get'],
          nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
        },
      ],
      incomplete: false,
    })
  })

  test('a member of system:masters may do anything, and RBAC alone agrees through cluster-admin', () => {
    const admin = withAuthenticatedGroup(userNamed('kubernetes-admin', 'system:masters'))
    for (const request of [
      resourceRequest(admin, 'delete', { resource: 'nodes', name: 'n1' }),
      resourceRequest(admin, 'escalate', {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        name: 'x',
      }),
      resourceRequest(admin, 'get', {
        group: 'anything.example',
        resource: 'things',
        subresource: 'status',
        namespace: 'ns',
        name: 'a',
      }),
      pathRequest(admin, 'put', '/any/path'),
    ]) {
      assert.deepEqual(authorize(policy, request), { decision: 'Allow', reason: '' })
      assert.equal(
        rbacAuthorize(policy, request).reason,
        'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
      )
    }
  })
})

describe('withBootstrap', () => {
  const jane = withAuthenticatedGroup(userNamed('jane'))

  test('a cluster object of a default name replaces the default; others are kept, own objects added', () => {
    const emptied: ClusterRoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:public-info-viewer' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'system:public-info-viewer',
      },
    }
    const layered = withBootstrap([emptied])
    assert.equal(
      layered.filter(
        (o) => o.metadata.name === 'system:public-info-viewer' && o.kind === 'ClusterRoleBinding',
      ).length,
      1,
    )
    assert.ok(layered.includes(emptied))
    assert.equal(
      layered.length,
      bootstrapClusterRoles().length + bootstrapClusterRoleBindings().length,
    )
    const policy = compileRbacPolicy(layered)
    assert.equal(
      authorize(policy, pathRequest(anonymousUser(), 'get', '/healthz')).decision,
      'NoOpinion',
    )
    // system:discovery still grants /version to authenticated users.
    assert.equal(authorize(policy, pathRequest(jane, 'get', '/version')).decision, 'Allow')
  })

  test('a replaced default ClusterRole decides with the cluster rules, not the default ones', () => {
    const narrowed: ClusterRole = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:discovery' },
      rules: [{ nonResourceURLs: ['/version'], verbs: ['get'] }],
    }
    const policy = compileRbacPolicy(withBootstrap([narrowed]))
    assert.equal(authorize(policy, pathRequest(jane, 'get', '/version')).decision, 'Allow')
    assert.equal(authorize(policy, pathRequest(jane, 'get', '/apis')).decision, 'NoOpinion')
  })

  test('a Role or binding in a namespace never replaces a default of the same name', () => {
    const role: ClusterObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'admin', namespace: 'team' },
      rules: [],
    }
    const layered = withBootstrap([role])
    assert.ok(layered.some((o) => o.kind === 'ClusterRole' && o.metadata.name === 'admin'))
  })

  test('the bootstrap layer cannot be changed through what it hands out', () => {
    const role = bootstrapClusterRoles()[0]
    assert.ok(role)
    assert.throws(() => {
      ;(role.metadata as { name: string }).name = 'changed'
    }, TypeError)
    assert.throws(() => {
      ;(bootstrapClusterRoleBindings() as ClusterRoleBinding[]).push(
        bootstrapClusterRoleBindings()[0]!,
      )
    }, TypeError)
  })
})
