// The cost of one RBAC decision in process for a cluster of 1,000 bindings (over the bootstrap
// layer), and of compiling that cluster. Run: node --import tsx bench/kubernetes/rbac.ts
// [--seconds N] (default 5: the whole run, split between the scenarios).
import { performance } from 'node:perf_hooks'
import type {
  ClusterObject,
  ClusterRole,
  ClusterRoleBinding,
  RequestAttributes,
  Role,
  RoleBinding,
  UserInfo,
} from '../../src/kubernetes/objects.js'
import type { RbacPolicy } from '../../src/kubernetes/rbac/index.js'
import {
  authorize,
  compileRbacPolicy,
  rulesFor,
  serviceAccountUser,
  withAuthenticatedGroup,
  withBootstrap,
} from '../../src/kubernetes/rbac/index.js'

const BINDINGS = 1000
const NAMESPACES = 50
const API = 'rbac.authorization.k8s.io/v1' as const
const REF = 'rbac.authorization.k8s.io'

const argument = process.argv.indexOf('--seconds')
const seconds = argument === -1 ? 5 : Number(process.argv[argument + 1])
if (!(seconds > 0)) throw new Error('--seconds takes a positive number')

const resources = ['pods', 'deployments', 'services', 'configmaps', 'secrets', 'jobs', 'leases']
const groupOf = (resource: string) =>
  resource === 'deployments'
    ? 'apps'
    : resource === 'jobs'
      ? 'batch'
      : resource === 'leases'
        ? 'coordination.k8s.io'
        : ''

/** A namespace's roles: a reader and a writer of a few resources, one with resourceNames. */
function namespaceRoles(ns: string): Role[] {
  return [
    {
      apiVersion: API,
      kind: 'Role',
      metadata: { name: 'reader', namespace: ns },
      rules: resources.slice(0, 5).map((r) => ({
        apiGroups: [groupOf(r)],
        resources: [r, `${r}/status`],
        verbs: ['get', 'list', 'watch'],
      })),
    },
    {
      apiVersion: API,
      kind: 'Role',
      metadata: { name: 'writer', namespace: ns },
      rules: [
        ...resources.map((r) => ({
          apiGroups: [groupOf(r)],
          resources: [r],
          verbs: ['create', 'update', 'patch', 'delete'],
        })),
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [`lock-${ns}`],
          verbs: ['get', 'update'],
        },
      ],
    },
  ]
}

/**
 * 1,000 bindings: 100 ClusterRoleBindings (users, groups, service accounts to view, edit and a
 * custom ClusterRole) and 900 RoleBindings spread over 50 namespaces (18 each), every one naming a
 * user, a group and a service account, as real clusters' bindings tend to.
 */
function cluster(): ClusterObject[] {
  const objects: ClusterObject[] = []
  const custom: ClusterRole = {
    apiVersion: API,
    kind: 'ClusterRole',
    metadata: { name: 'node-reader' },
    rules: [
      { apiGroups: [''], resources: ['nodes', 'nodes/status'], verbs: ['get', 'list', 'watch'] },
    ],
  }
  objects.push(custom)
  for (let i = 0; i < 100; i++) {
    const binding: ClusterRoleBinding = {
      apiVersion: API,
      kind: 'ClusterRoleBinding',
      metadata: { name: `crb-${i}` },
      roleRef: {
        apiGroup: REF,
        kind: 'ClusterRole',
        name: ['view', 'edit', 'node-reader'][i % 3] ?? 'view',
      },
      subjects: [
        { apiGroup: REF, kind: 'User', name: `ops-${i}` },
        { apiGroup: REF, kind: 'Group', name: `ops-team-${i % 10}` },
        { kind: 'ServiceAccount', name: `controller-${i}`, namespace: 'kube-system' },
      ],
    }
    objects.push(binding)
  }
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`
    objects.push(...namespaceRoles(ns))
    for (let j = 0; j < (BINDINGS - 100) / NAMESPACES; j++) {
      const binding: RoleBinding = {
        apiVersion: API,
        kind: 'RoleBinding',
        metadata: { name: `rb-${j}`, namespace: ns },
        roleRef:
          j % 6 === 5
            ? { apiGroup: REF, kind: 'ClusterRole', name: 'admin' }
            : { apiGroup: REF, kind: 'Role', name: j % 2 === 0 ? 'reader' : 'writer' },
        subjects: [
          { apiGroup: REF, kind: 'User', name: `dev-${n}-${j}` },
          { apiGroup: REF, kind: 'Group', name: `squad-${n}-${j % 4}` },
          { kind: 'ServiceAccount', name: `app-${j}` },
        ],
      }
      objects.push(binding)
    }
  }
  return objects
}

/** The pathological cluster: all 1,000 bindings name system:authenticated, none grants secrets. */
function everyoneCluster(): ClusterObject[] {
  const objects: ClusterObject[] = []
  for (let n = 0; n < NAMESPACES; n++) objects.push(...namespaceRoles(`team-${n}`))
  for (let i = 0; i < BINDINGS; i++) {
    objects.push({
      apiVersion: API,
      kind: 'RoleBinding',
      metadata: { name: `rb-${i}`, namespace: 'team-0' },
      roleRef: { apiGroup: REF, kind: 'Role', name: 'writer' },
      subjects: [{ apiGroup: REF, kind: 'Group', name: 'system:authenticated' }],
    })
  }
  return objects
}

const request = (
  user: UserInfo,
  verb: string,
  resource: string,
  namespace: string,
  name = '',
): RequestAttributes => ({
  user,
  resourceRequest: true,
  verb,
  apiGroup: groupOf(resource),
  apiVersion: 'v1',
  resource,
  subresource: '',
  namespace,
  name,
})

interface Scenario {
  name: string
  policy: RbacPolicy
  requests: RequestAttributes[]
}

function scenarios(policy: RbacPolicy, everyone: RbacPolicy): Scenario[] {
  const dev = withAuthenticatedGroup({ username: 'dev-7-3', groups: ['squad-7-3', 'squad-7-1'] })
  const ops = withAuthenticatedGroup({ username: 'ops-42', groups: ['ops-team-2'] })
  const sa = withAuthenticatedGroup(serviceAccountUser('team-7', 'app-5'))
  const stranger = withAuthenticatedGroup({ username: 'stranger', groups: ['nobody'] })
  return [
    {
      name: 'allowed by a RoleBinding (user, Role)',
      policy,
      requests: [
        request(dev, 'update', 'deployments', 'team-7', 'web'),
        request(dev, 'delete', 'pods', 'team-7', 'web-0'),
      ],
    },
    {
      name: 'allowed by a ClusterRoleBinding (group, aggregated view)',
      policy,
      requests: [
        request(ops, 'list', 'pods', 'team-3'),
        request(ops, 'get', 'configmaps', 'team-9', 'settings'),
      ],
    },
    {
      name: 'allowed: service account, RoleBinding to admin',
      policy,
      requests: [request(sa, 'create', 'rolebindings', 'team-7')].map((r) => ({
        ...r,
        apiGroup: REF,
      })),
    },
    {
      name: 'denied: no binding names the user (NoOpinion)',
      policy,
      requests: [
        request(stranger, 'get', 'secrets', 'team-1', 'db'),
        request(dev, 'get', 'secrets', 'team-8', 'db'),
      ],
    },
    {
      name: 'denied: 1,000 bindings name system:authenticated, none allows',
      policy: everyone,
      requests: [request(stranger, 'get', 'nodes', 'team-0', 'n1')],
    },
  ]
}

/** Decisions per CPU-second of the process, and per wall second, over `budget` seconds. */
function measure(scenario: Scenario, budget: number) {
  const { policy, requests } = scenario
  for (let i = 0; i < 20_000; i++) authorize(policy, requests[i % requests.length]!) // warm up
  let decisions = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  const end = start + budget * 1000
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) authorize(policy, requests[i % requests.length]!)
    decisions += 1000
  }
  const wall = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return { decisions, perCpuSecond: decisions / cpuSeconds, perWallSecond: decisions / wall }
}

function main() {
  const objects = cluster()
  const bindings = objects.filter(
    (o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding',
  ).length
  const layered = withBootstrap(objects)

  const compileTimes: number[] = []
  let policy = compileRbacPolicy(layered)
  for (let i = 0; i < 10; i++) {
    const t = performance.now()
    policy = compileRbacPolicy(layered)
    compileTimes.push(performance.now() - t)
  }
  compileTimes.sort((a, b) => a - b)
  const everyone = compileRbacPolicy(withBootstrap(everyoneCluster()))

  console.log(`Node ${process.version}; ${bindings} bindings of its own (+ the bootstrap layer)`)
  console.log(`compile (aggregate, resolve, index): median ${compileTimes[5]?.toFixed(2)} ms of 10`)
  const list = scenarios(policy, everyone)
  const budget = (seconds * 0.9) / list.length
  for (const scenario of list) {
    const { perCpuSecond, perWallSecond } = measure(scenario, budget)
    const perDecision = 1e9 / perCpuSecond
    console.log(
      `${scenario.name.padEnd(64)} ${Math.round(perCpuSecond).toLocaleString('en').padStart(11)} /cpu-s` +
        `  ${Math.round(perWallSecond).toLocaleString('en').padStart(11)} /s  ${perDecision.toFixed(0).padStart(6)} ns`,
    )
  }
  const dev = withAuthenticatedGroup({ username: 'dev-7-3', groups: ['squad-7-3'] })
  const t = performance.now()
  for (let i = 0; i < 1000; i++) rulesFor(policy, dev, 'team-7')
  console.log(
    `rulesFor (SelfSubjectRulesReview), a developer in one namespace: ${(((performance.now() - t) * 1000) / 1000).toFixed(1)} µs`,
  )
}

main()
