// What a kube-apiserver's webhook calls cost: TokenReview (an `aws eks get-token` token verified
// in process, then mapped through aws-auth) and SubjectAccessReview (RBAC over the bootstrap
// policy and the cluster's bindings), requests/s and p99 over TLS on loopback, beside a
// SigV4-signed GetCallerIdentity on the same server in the same run.
// Run: node --import tsx bench/kubernetes/webhooks.ts [--seconds S] [--connections N] [--rounds R]
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ROLEGATE_SIGNING_NAME, ROLEGATE_VERSION } from '../../src/admin-api/service.js'
import { callQuery } from '../../src/cli/query-client.js'
import type { ClientConfig } from '../../src/cli/aws-config.js'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { presignRequest } from '../../src/sigv4/index.js'
import { signRequest } from '../../src/sigv4/sign.js'
import { runLoad } from '../sts/load.js'
import { post, startTarget } from './target-process.js'
import type { TargetInfo } from './target-process.js'
import type { Prepared } from '../sts/load.js'

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
    'node --import tsx bench/kubernetes/webhooks.ts [--seconds 10] [--warmup 2] [--connections 10] [--rounds 2]',
  )
  process.exit(0)
}
const seconds = Number(flags.seconds)
const warmup = Number(flags.warmup)
const connections = Number(flags.connections)
const rounds = Number(flags.rounds)

const ACCOUNT = '123456789012'
const CLUSTER = 'bench'
const FORM = 'application/x-www-form-urlencoded; charset=utf-8'

const xmlText = (xml: string, tag: string) =>
  new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? ''

/**
 * The cluster, an IAM user mapped in aws-auth, a Role bound to its group; its access key, and the
 * cluster's webhook token.
 */
async function setUp(info: TargetInfo) {
  const config: ClientConfig = {
    endpoint: info.url,
    region: 'us-east-1',
    credentials: info.adminKey,
    ca: readFileSync(info.caFile, 'utf8'),
  }
  const admin = (action: string, params: Record<string, string>) =>
    callQuery(config, {
      service: ROLEGATE_SIGNING_NAME,
      version: ROLEGATE_VERSION,
      action,
      params,
    })
  const iam = (action: string, params: Record<string, string>) =>
    callQuery(config, { service: 'iam', version: '2010-05-08', action, params })
  await iam('CreateUser', { UserName: 'bench-user' })
  const key = await iam('CreateAccessKey', { UserName: 'bench-user' })
  const accessKey = key['AccessKey'] as Record<string, string>
  await admin('CreateCluster', { ClusterName: CLUSTER, Region: 'us-east-1' })
  await admin('MapClusterIdentity', {
    ClusterName: CLUSTER,
    Arn: `arn:aws:iam::${ACCOUNT}:user/bench-user`,
    Username: 'bench-user',
    'Groups.member.1': 'bench-group',
  })
  await admin('ApplyClusterObjects', {
    ClusterName: CLUSTER,
    Manifest: `apiVersion: v1
kind: Namespace
metadata: {name: production}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: production}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: production}
subjects: [{kind: Group, name: bench-group, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: reader, apiGroup: rbac.authorization.k8s.io}
`,
  })
  // The kube-apiserver's own credential at the webhooks, as webhook-config fetches it.
  const webhook = await admin('GetClusterWebhookToken', { ClusterName: CLUSTER })
  return {
    credentials: {
      accessKeyId: accessKey['AccessKeyId'] ?? '',
      secretAccessKey: accessKey['SecretAccessKey'] ?? '',
    },
    webhookToken: typeof webhook['Token'] === 'string' ? webhook['Token'] : '',
  }
}

/** `aws eks get-token`'s token, made in process: a presigned GetCallerIdentity signing x-k8s-aws-id. */
function eksToken(url: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const host = new URL(url).host
  const signed = presignRequest(
    {
      method: 'GET',
      path: '/',
      query: 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: [
        ['host', host],
        ['x-k8s-aws-id', CLUSTER],
      ],
      body: new Uint8Array(0),
    },
    credentials,
    // The token lives 15 minutes from its date whatever X-Amz-Expires says; a run takes less.
    { crypto: nodeCrypto, region: 'us-east-1', service: 'sts', date: new Date(), expiresIn: 900 },
  )
  return `k8s-aws-v1.${Buffer.from(`https://${host}/?${signed.request.query}`).toString('base64url')}`
}

interface Call {
  name: string
  url: string
  prepared: Prepared
}

async function prepare(info: TargetInfo): Promise<Call[]> {
  const { credentials, webhookToken } = await setUp(info)
  const ca = readFileSync(info.caFile, 'utf8')
  const json = { 'Content-Type': 'application/json', Authorization: `Bearer ${webhookToken}` }
  const tokenReview = JSON.stringify({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: eksToken(info.url, credentials) },
  })
  const sar = JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      resourceAttributes: {
        namespace: 'production',
        verb: 'list',
        version: 'v1',
        resource: 'pods',
      },
      user: 'bench-user',
      groups: ['bench-group', 'system:authenticated'],
    },
  })
  const body = 'Action=GetCallerIdentity&Version=2011-06-15'
  // SigV4 accepts the same signed request again within 15 minutes of its date, as AWS does.
  const signed = signRequest(
    {
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['Host', new URL(info.url).host],
        ['Content-Type', FORM],
      ],
      body: new TextEncoder().encode(body),
    },
    credentials,
    { crypto: nodeCrypto, region: 'us-east-1', service: 'sts', date: new Date() },
  )
  const calls: Call[] = [
    {
      name: 'TokenReview',
      url: `${info.url}/clusters/${CLUSTER}/authenticate`,
      prepared: { headers: json, body: tokenReview },
    },
    {
      name: 'SubjectAccessReview',
      url: `${info.url}/clusters/${CLUSTER}/authorize`,
      prepared: { headers: json, body: sar },
    },
    {
      name: 'GetCallerIdentity (SigV4)',
      url: info.url,
      prepared: { headers: Object.fromEntries(signed.request.headers), body },
    },
  ]
  // Each call once, checked, before any load: a benchmark of failures measures nothing.
  for (const call of calls) {
    const answer = await post(`${call.url}/`, ca, call.prepared.headers, call.prepared.body)
    const ok =
      answer.status === 200 &&
      (call.name === 'TokenReview'
        ? answer.body.includes('"authenticated":true')
        : call.name === 'SubjectAccessReview'
          ? answer.body.includes('"allowed":true')
          : xmlText(answer.body, 'Arn').endsWith(':user/bench-user'))
    if (!ok) throw new Error(`${call.name}: ${answer.status} ${answer.body}`)
  }
  return calls
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const { child, info } = await startTarget()
try {
  const calls = await prepare(info)
  const results = new Map<
    string,
    Array<{ rps: number; p50: number; p99: number; failures: number }>
  >()
  for (let round = 1; round <= rounds; round++) {
    for (const call of calls) {
      const load = { url: call.url, prepared: call.prepared, connections, client: 'wrk' as const }
      if (warmup > 0) await runLoad({ ...load, seconds: warmup })
      const result = await runLoad({ ...load, seconds })
      const entry = {
        rps: result.ok / result.seconds,
        p50: result.percentiles?.p50 ?? 0,
        p99: result.percentiles?.p99 ?? 0,
        failures: result.failures,
      }
      results.set(call.name, [...(results.get(call.name) ?? []), entry])
      console.error(
        `round ${round} ${call.name}: ${entry.rps.toFixed(0)} req/s, p99 ${entry.p99.toFixed(2)} ms, ${entry.failures} failures`,
      )
    }
  }
  console.log(`\n${rounds} rounds of ${seconds} s, wrk -t1 -c${connections}, HTTPS on loopback\n`)
  console.log('| call | req/s (median) | p50 ms | p99 ms (worst) | failures |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const [name, entries] of results) {
    console.log(
      `| ${name} | ${median(entries.map((e) => e.rps)).toFixed(0)} | ${median(entries.map((e) => e.p50)).toFixed(2)} | ${Math.max(...entries.map((e) => e.p99)).toFixed(2)} | ${entries.reduce((sum, e) => sum + e.failures, 0)} |`,
    )
  }
  const rps = (name: string) => median((results.get(name) ?? []).map((e) => e.rps))
  const ratio = rps('SubjectAccessReview') / rps('GetCallerIdentity (SigV4)')
  console.log(
    `\nSubjectAccessReview / GetCallerIdentity: ${ratio.toFixed(2)} (target at least 0.5): ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
  )
  console.log(
    `TokenReview / GetCallerIdentity: ${(rps('TokenReview') / rps('GetCallerIdentity (SigV4)')).toFixed(2)}`,
  )
} finally {
  child.kill('SIGTERM')
}
