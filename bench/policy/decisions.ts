// Policy decisions per second on one core for a realistic principal: a role session with 10
// attached policies (about 60 statements, wildcards, conditions, variables), a permissions boundary
// and a session policy. Also the cold cost of parsing + compiling and the memory the compiled
// policies hold. Run: node --import tsx bench/policy/decisions.ts
import { performance } from 'node:perf_hooks'
import { compilePolicy } from '../../src/policy/compile-policy.js'
import type { CompiledPolicy } from '../../src/policy/compile-policy.js'
import { buildRequestContext } from '../../src/policy/context.js'
import type { EvaluationRequest } from '../../src/policy/evaluate.js'
import { evaluate } from '../../src/policy/evaluate.js'
import { ActionNames } from '../../src/policy/action-names.js'
import { parsePolicy } from '../../src/policy/parse-policy.js'
import type { RequestPrincipal } from '../../src/policy/principal.js'

const ACCOUNT = '123456789012'
const services = ['s3', 'ec2', 'iam', 'dynamodb', 'sqs', 'sns', 'lambda', 'logs', 'kms', 'sts']
const verbs = ['Get', 'List', 'Describe', 'Put', 'Create', 'Delete', 'Update', 'Tag']

/** Six statements per policy: plain, wildcard, resource-scoped, conditioned, variable, deny. */
function policyText(i: number): string {
  const svc = services[i]!
  // IAM refuses a region in iam and s3 ARNs.
  const any = svc === 'iam' || svc === 's3' ? '' : '*'
  const east = svc === 'iam' || svc === 's3' ? '' : 'us-east-1'
  // and wants a known resource type in iam ARNs.
  const type = svc === 'iam' ? 'role/' : ''
  const statements = [
    {
      Sid: `Read${i}`,
      Effect: 'Allow',
      Action: [`${svc}:Get*`, `${svc}:List*`, `${svc}:Describe*`],
      Resource: '*',
    },
    {
      Sid: `Write${i}`,
      Effect: 'Allow',
      Action: [`${svc}:Put*`, `${svc}:Create*`, `${svc}:Update*`],
      Resource: [
        `arn:aws:${svc}:${any}:${ACCOUNT}:${type}app-${i}/*`,
        `arn:aws:${svc}:${east}:${ACCOUNT}:${type}shared/*`,
      ],
      Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
    },
    {
      Sid: `Tagged${i}`,
      Effect: 'Allow',
      Action: `${svc}:*`,
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' },
        'ForAllValues:StringLike': { 'aws:TagKeys': ['team', 'env', 'cost-*'] },
      },
    },
    {
      Sid: `Office${i}`,
      Effect: 'Allow',
      Action: [`${svc}:Tag*`, `${svc}:Untag*`],
      Resource: `arn:aws:${svc}:${any}:${ACCOUNT}:*`,
      Condition: {
        IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] },
        Bool: { 'aws:SecureTransport': 'true' },
        DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
      },
    },
    {
      Sid: `Home${i}`,
      Effect: 'Allow',
      Action: `${svc}:*Object*`,
      Resource: `arn:aws:s3:::home-${i}/\${aws:PrincipalTag/team}/*`,
    },
    {
      Sid: `NoDelete${i}`,
      Effect: 'Deny',
      Action: `${svc}:Delete*`,
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/role': 'admin' } },
    },
  ]
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)
}

const texts = services.map((_, i) => policyText(i))
const boundaryText = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    {
      Effect: 'Deny',
      Action: ['iam:CreateUser', 'iam:DeleteRole*', 'organizations:*'],
      Resource: '*',
    },
  ],
})
const sessionText = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', NotAction: 'kms:ScheduleKeyDeletion', Resource: '*' }],
})

function compileAll(): {
  identity: CompiledPolicy[]
  boundary: CompiledPolicy
  session: CompiledPolicy
} {
  return {
    identity: texts.map((t, i) =>
      compilePolicy(parsePolicy(t, 'managed'), `arn:aws:iam::${ACCOUNT}:policy/p${i}`, 'managed'),
    ),
    boundary: compilePolicy(parsePolicy(boundaryText, 'boundary'), 'boundary', 'boundary'),
    session: compilePolicy(parsePolicy(sessionText, 'session'), 'session', 'session'),
  }
}

const policies = compileAll()
const statementCount = policies.identity.reduce((n, p) => n + p.statements.length, 0)

const principal: RequestPrincipal = {
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/session-1`,
  account: ACCOUNT,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
}
const context = buildRequestContext({
  currentTime: new Date('2025-01-01T00:00:00Z'),
  secureTransport: true,
  sourceIp: '203.0.113.10',
  principalArn: principal.arn,
  principalAccount: ACCOUNT,
  principalType: 'AssumedRole',
  principalTags: { team: 'red', role: 'dev' },
  resourceTags: { team: 'red' },
  requestTags: { team: 'red', env: 'prod' },
  requestedRegion: 'us-east-1',
})

// A mix of requests: allows through each statement kind, implicit and explicit denies.
const requests: EvaluationRequest[] = []
for (let i = 0; i < 200; i++) {
  const svc = services[i % services.length]!
  const verb = verbs[(i * 7) % verbs.length]!
  const resource =
    i % 3 === 0
      ? `arn:aws:${svc}:us-east-1:${ACCOUNT}:app-${i % 10}/item-${i}`
      : i % 3 === 1
        ? `arn:aws:s3:::home-${i % 10}/red/file-${i}`
        : `arn:aws:${svc}:eu-west-1:${ACCOUNT}:other/${i}`
  requests.push({
    principal,
    // Every tenth request asks for a service no policy grants: an implicit deny.
    action:
      i % 10 === 9
        ? 'athena:StartQueryExecution'
        : `${svc}:${verb}${i % 2 === 0 ? 'Object' : 'Thing'}`,
    resource,
    resourceAccount: ACCOUNT,
    context,
    identityPolicies: policies.identity,
    permissionsBoundary: policies.boundary,
    sessionPolicies: [policies.session],
  })
}

/**
 * Decisions per second of CPU time (process.cpuUsage), so that other work on a busy machine does
 * not count against us; the wall-clock rate is reported beside it.
 */
function measure(
  trace: boolean,
  seconds: number,
): { perCpuSecond: number; perWallSecond: number; tally: Record<string, number> } {
  const tally = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0 }
  // As the authoriser evaluates: with its own memo of lower-cased action names.
  const options = { trace, actionNames: new ActionNames() }
  for (let i = 0; i < 20_000; i++) evaluate(requests[i % requests.length]!, options) // warm-up
  let count = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  const until = start + seconds * 1000
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) {
      const d = evaluate(requests[(count + i) % requests.length]!, options)
      tally[d.decision]++
    }
    count += 1000
  }
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return {
    perCpuSecond: count / cpuSeconds,
    perWallSecond: count / ((performance.now() - start) / 1000),
    tally,
  }
}

const fast = measure(false, 3)
const traced = measure(true, 2)

// Cold compile cost.
for (let i = 0; i < 50; i++) compileAll() // warm the JIT on the parser itself
const compileRuns = 500
const start = performance.now()
for (let i = 0; i < compileRuns; i++) compileAll()
const compileMs = (performance.now() - start) / compileRuns

// Memory held by compiled policies (1,000 copies of the 10-policy set, so noise averages out).
globalThis.gc?.()
const before = process.memoryUsage().heapUsed
const kept: unknown[] = []
for (let i = 0; i < 1000; i++) kept.push(compileAll())
globalThis.gc?.()
const perSet = (process.memoryUsage().heapUsed - before) / kept.length

// Again, with the 1,000 other compiled sets alive in the heap, as in a server's policy cache.
const crowded = measure(false, 3)
kept.length = 0

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
console.log(`node ${process.version}, one core`)
console.log(
  `policies: ${policies.identity.length} identity (${statementCount} statements) + boundary + session policy`,
)
console.log(
  `decisions/s (no trace): ${fmt(fast.perCpuSecond)} per CPU-second, ${fmt(fast.perWallSecond)} wall  mix: ${JSON.stringify(fast.tally)}`,
)
console.log(
  `decisions/s (full trace): ${fmt(traced.perCpuSecond)} per CPU-second, ${fmt(traced.perWallSecond)} wall`,
)
console.log(
  `decisions/s (no trace, 1,000 other compiled sets in the heap): ${fmt(crowded.perCpuSecond)} per CPU-second, ${fmt(crowded.perWallSecond)} wall`,
)
console.log(`cold parse+compile of all 12 policies: ${compileMs.toFixed(3)} ms`)
console.log(
  `memory held per compiled set: ${(perSet / 1024).toFixed(1)} KiB${globalThis.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
)
