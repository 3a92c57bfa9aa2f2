// What the pod identity webhook costs a kube-apiserver: `POST /clusters/NAME/mutate` with the
// AdmissionReview of a typical pod (a Deployment's pod: two containers with env, mounts, probes and
// resources, an init container, three volumes) whose ServiceAccount carries a role ARN, requests/s
// and p99 over TLS on loopback (wrk); and the mutation alone in process (JSON parse and
// reviewPodAdmission), per CPU-second.
// Run: node --import tsx bench/kubernetes/mutate.ts [--seconds S] [--connections N] [--rounds R]
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { ROLEGATE_SIGNING_NAME, ROLEGATE_VERSION } from '../../src/admin-api/service.js'
import { callQuery } from '../../src/cli/query-client.js'
import type { ClientConfig } from '../../src/cli/aws-config.js'
import type { ClusterSnapshot } from '../../src/kubernetes/objects.js'
import {
  clusterMutationSettings,
  reviewPodAdmission,
} from '../../src/kubernetes/pod-identity/index.js'
import { runLoad } from '../sts/load.js'
import { post, startTarget } from './target-process.js'
import type { TargetInfo } from './target-process.js'

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
})
if (flags.help) {
  console.log(
    'node --import tsx bench/kubernetes/mutate.ts [--seconds 10] [--warmup 2] [--connections 10] [--rounds 2]',
  )
  process.exit(0)
}
const seconds = Number(flags.seconds)
const warmup = Number(flags.warmup)
const connections = Number(flags.connections)
const rounds = Number(flags.rounds)

const ACCOUNT = '123456789012'
const CLUSTER = 'bench'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/s3-reader`

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: checkout
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: ${ROLE_ARN}
`

/** A pod as a Deployment's ReplicaSet creates it, after the apiserver's defaulting. */
const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    generateName: 'checkout-7d9f8c6b5-',
    namespace: 'shop',
    labels: { app: 'checkout', 'pod-template-hash': '7d9f8c6b5' },
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'checkout-7d9f8c6b5',
        uid: '6a1f3a2e-4b1c-4c55-9a1d-2f7c3e9b8a10',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    serviceAccountName: 'checkout',
    serviceAccount: 'checkout',
    initContainers: [
      {
        name: 'migrate',
        image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.42.0',
        command: ['/app/migrate', '--up'],
        env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    containers: [
      {
        name: 'checkout',
        image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.42.0',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'BUCKET', value: 'shop-receipts' },
          { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } },
        ],
        resources: {
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { cpu: '1', memory: '512Mi' },
        },
        volumeMounts: [
          { name: 'config', mountPath: '/etc/checkout', readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
          {
            name: 'kube-api-access-x7k2q',
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            readOnly: true,
          },
        ],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' } },
        readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
      {
        name: 'envoy',
        image: 'envoyproxy/envoy:v1.31.0',
        ports: [{ containerPort: 9901, protocol: 'TCP' }],
        resources: { requests: { cpu: '50m', memory: '64Mi' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'checkout', defaultMode: 420 } },
      { name: 'tmp', emptyDir: {} },
      {
        name: 'kube-api-access-x7k2q',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          ],
        },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    securityContext: { runAsNonRoot: true, fsGroup: 65534 },
    schedulerName: 'default-scheduler',
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  },
  status: {},
}

const REVIEW = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'b7c1a2d4-0e5f-4a3b-9c8d-7e6f5a4b3c2d',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    requestResource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'shop',
    operation: 'CREATE',
    userInfo: {
      username: 'system:serviceaccount:kube-system:replicaset-controller',
      uid: '3c1b9f0e-1d2a-4b3c-8d4e-5f6a7b8c9d0e',
      groups: [
        'system:serviceaccounts',
        'system:serviceaccounts:kube-system',
        'system:authenticated',
      ],
    },
    object: POD,
    oldObject: null,
    dryRun: false,
    options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
  },
})

/** Sets the cluster up; answers the webhook token its kube-apiserver would present. */
async function setUp(info: TargetInfo): Promise<string> {
  const config: ClientConfig = {
    endpoint: info.url,
    region: 'eu-west-1',
    credentials: info.adminKey,
    ca: readFileSync(info.caFile, 'utf8'),
  }
  const admin = (action: string, params: Record<string, string>) =>
    callQuery(config, { service: ROLEGATE_SIGNING_NAME, version: ROLEGATE_VERSION, action, params })
  await admin('CreateCluster', { ClusterName: CLUSTER, Region: 'eu-west-1' })
  await admin('ApplyClusterObjects', { ClusterName: CLUSTER, Manifest: MANIFEST })
  const webhook = await admin('GetClusterWebhookToken', { ClusterName: CLUSTER })
  return typeof webhook['Token'] === 'string' ? webhook['Token'] : ''
}

/** The mutation alone, in process: answers per CPU-second and µs per answer. */
function inProcess(budgetSeconds: number): { perCpuSecond: number; microseconds: number } {
  const snapshot: ClusterSnapshot = {
    cluster: {
      accountId: ACCOUNT,
      name: CLUSTER,
      id: '0123456789ABCDEF0123456789ABCDEF',
      arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/${CLUSTER}`,
      region: 'eu-west-1',
      issuerName: 'eks-0123456789ABCDEF0123456789ABCDEF',
      createdAt: new Date(),
    },
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'checkout',
          namespace: 'shop',
          annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
        },
      },
    ],
  }
  const settings = clusterMutationSettings(snapshot)
  // The JSON parse counts: the route pays it for every request.
  const once = () => reviewPodAdmission(JSON.parse(REVIEW), settings)
  if (once().status !== 200) throw new Error('the in-process review failed')
  const cpu = process.cpuUsage()
  const started = performance.now()
  let count = 0
  while (performance.now() - started < budgetSeconds * 1000) {
    for (let i = 0; i < 100; i++) once()
    count += 100
  }
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return { perCpuSecond: count / cpuSeconds, microseconds: (cpuSeconds * 1e6) / count }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const local = inProcess(Math.min(3, seconds))
console.error(
  `in process: ${local.perCpuSecond.toFixed(0)} reviews per CPU-second, ${local.microseconds.toFixed(1)} µs each`,
)

const { child, info } = await startTarget()
try {
  const headers = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${await setUp(info)}`,
  }
  const url = `${info.url}/clusters/${CLUSTER}/mutate`
  const ca = readFileSync(info.caFile, 'utf8')
  // Checked once before any load: a benchmark of refusals measures nothing.
  const check = await post(url, ca, headers, REVIEW)
  if (check.status !== 200 || !check.body.includes('"patchType":"JSONPatch"')) {
    throw new Error(`mutate: ${check.status} ${check.body}`)
  }
  const prepared = { headers, body: REVIEW }
  const entries: Array<{ rps: number; p50: number; p99: number; failures: number }> = []
  for (let round = 1; round <= rounds; round++) {
    const load = { url, prepared, connections, client: 'wrk' as const }
    if (warmup > 0) await runLoad({ ...load, seconds: warmup })
    const result = await runLoad({ ...load, seconds })
    const entry = {
      rps: result.ok / result.seconds,
      p50: result.percentiles?.p50 ?? 0,
      p99: result.percentiles?.p99 ?? 0,
      failures: result.failures,
    }
    entries.push(entry)
    console.error(
      `round ${round} mutate: ${entry.rps.toFixed(0)} req/s, p99 ${entry.p99.toFixed(2)} ms, ${entry.failures} failures`,
    )
  }
  console.log(
    `\n${rounds} rounds of ${seconds} s, wrk -t1 -c${connections}, HTTPS on loopback; AdmissionReview of ${REVIEW.length} bytes\n`,
  )
  console.log('| call | req/s (median) | p50 ms | p99 ms (worst) | failures |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  console.log(
    `| mutate (typical pod) | ${median(entries.map((e) => e.rps)).toFixed(0)} | ${median(entries.map((e) => e.p50)).toFixed(2)} | ${Math.max(...entries.map((e) => e.p99)).toFixed(2)} | ${entries.reduce((sum, e) => sum + e.failures, 0)} |`,
  )
  console.log(
    `\nin process (parse + review + patch): ${local.perCpuSecond.toFixed(0)} per CPU-second, ${local.microseconds.toFixed(1)} µs each`,
  )
} finally {
  child.kill('SIGTERM')
}
