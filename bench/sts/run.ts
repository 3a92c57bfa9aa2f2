// STS throughput and latency on loopback: AssumeRoleWithWebIdentity (RS256 token from a built-in
// issuer) and a SigV4-signed GetCallerIdentity with the session's credentials, against rolegate,
// moto's server and a bare node:http ceiling. Run: node --import tsx bench/sts/run.ts [--help]
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ROLEGATE_VERSION } from '../../src/admin-api/service.js'
import { callQuery } from '../../src/cli/query-client.js'
import type { ClientConfig } from '../../src/cli/aws-config.js'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { signRequest } from '../../src/sigv4/sign.js'
import { runLoad } from './load.js'
import type { ClientKind, Prepared } from './load.js'

const USAGE = `node --import tsx bench/sts/run.ts [options]
  --duration S     seconds measured per run (10)
  --warmup S       seconds of discarded load before each run (2)
  --rounds N       times every measurement is repeated, interleaved (2)
  --connections L  comma-separated connection counts; the smallest is the moderate load (10,50)
  --rate N         also send each call at a fixed N req/s to rolegate and bare (100; 0 skips it)
  --targets L      comma-separated subset of rolegate,moto,bare (all)
  --calls L        comma-separated subset of assume,whoami (both)
  --load K         closed-loop client: wrk (C, default; Debian package wrk) or node (autocannon,
                   and a node:http loop opening a connection per request)
  --workers N      rolegate and bare serve from N processes on one port (1), as
                   rolegate serve --workers N does; CPU counts every process
  --profile DIR    write a CPU profile of each rolegate measurement into DIR (slows it down)`

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10,50' },
    rate: { type: 'string', default: '100' },
    targets: { type: 'string', default: 'rolegate,moto,bare' },
    calls: { type: 'string', default: 'assume,whoami' },
    profile: { type: 'string' },
    load: { type: 'string', default: 'wrk' },
    workers: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
})
if (flags.help) {
  console.log(USAGE)
  process.exit(0)
}

type TargetName = 'rolegate' | 'moto' | 'bare'
type CallName = 'assume' | 'whoami'
const CALL_TITLES: Record<CallName, string> = {
  assume: 'AssumeRoleWithWebIdentity',
  whoami: 'GetCallerIdentity (SigV4)',
}

const duration = Number(flags.duration)
const warmup = Number(flags.warmup)
const rounds = Number(flags.rounds)
const connectionCounts = flags.connections.split(',').map(Number)
const fixedRate = Number(flags.rate)
const workers = Number(flags.workers)
const wantedTargets = flags.targets.split(',') as TargetName[]
const wantedCalls = flags.calls.split(',') as CallName[]
if (flags.load !== 'wrk' && flags.load !== 'node') throw new Error('--load is wrk or node')
/** The closed loop over kept-alive connections, and the one with a connection per request. */
const KEEP_ALIVE: ClientKind = flags.load === 'wrk' ? 'wrk' : 'keep-alive'
const PER_REQUEST: ClientKind = flags.load === 'wrk' ? 'wrk-close' : 'fresh'

const ACCOUNT = '123456789012'
const ROLE_NAME = 'payments-api'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`
const SUBJECT = 'system:serviceaccount:payments:api'
const AUDIENCE = 'sts.amazonaws.com'
const FORM = 'application/x-www-form-urlencoded; charset=utf-8'
const here = fileURLToPath(new URL('.', import.meta.url))

interface Target {
  name: TargetName
  url: string
  child: ChildProcess
  calls: Partial<Record<CallName, Prepared>>
  /** The next JSON line the child prints (rolegate announces each profile it writes). */
  nextLine?: () => Promise<unknown>
}

interface Measurement {
  round: number
  target: TargetName
  call: CallName
  connections: number
  client: ClientKind
  rate: number | undefined
  rps: number
  p50: number
  p99: number
  max: number
  failures: number
  /** The CPU profile of this measurement, with --profile. */
  profile?: string
  /** Requests per CPU-second of the server process (other jobs on the machine do not count). */
  rpsPerCpu: number
  /** Server CPU-seconds per wall-second: 1.0 means one core was busy the whole time. */
  cpuShare: number
  load1: number
}

// --- processes ------------------------------------------------------------------------------

const children: ChildProcess[] = []

/** Starts a target that prints one JSON line (at least `url`) on stdout once it listens. */
async function spawnJsonTarget(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; info: unknown; nextLine: () => Promise<unknown> }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env })
  children.push(child)
  const queued: string[] = []
  const waiting: ((line: string) => void)[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const reader = waiting.shift()
    if (reader) reader(line)
    else queued.push(line)
  })
  const nextLine = () =>
    new Promise<unknown>((resolve, reject) => {
      const line = queued.shift()
      if (line !== undefined) return resolve(JSON.parse(line))
      waiting.push((text) => resolve(JSON.parse(text)))
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
    })
  return { child, info: await nextLine(), nextLine }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function startMoto(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  // moto's werkzeug server logs every request to stderr: its default, sent nowhere.
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  })
  children.push(child)
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`moto.server exited with ${child.exitCode}`)
    const up = await post(url, {}, '').then(
      () => true,
      () => false,
    )
    if (up) return { child, url }
    await sleep(100)
  }
  throw new Error('moto.server did not start within 10 s')
}

function stopAll(): Promise<unknown> {
  return Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined)
          child.once('exit', resolve)
          child.kill('SIGTERM')
        }),
    ),
  )
}

/** user + system CPU seconds so far of a process and its live children, e.g. workers (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name; 100 Hz ticks.
  const own = (Number(fields[11]) + Number(fields[12])) / 100
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  if (children === '') return own
  return children.split(' ').reduce((sum, child) => sum + cpuSeconds(Number(child)), own)
}

// --- one request, for setup and checking answers ---------------------------------------------

function post(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${url}/`, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      )
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

const xmlText = (xml: string, element: string): string => {
  const match = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml)
  if (!match) throw new Error(`no <${element}> in ${xml.slice(0, 400)}`)
  return match[1]!
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&')
}

const form = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

// --- setup --------------------------------------------------------------------------------------

/** The role trusting the provider on aud and sub, as an EKS IRSA role does. */
async function createRole(config: ClientConfig, providerUrl: string): Promise<void> {
  const iam = { service: 'iam', version: '2010-05-08' }
  const provider = await callQuery(config, {
    ...iam,
    action: 'CreateOpenIDConnectProvider',
    params: {
      Url: providerUrl,
      'ClientIDList.member.1': AUDIENCE,
      // moto wants a thumbprint; rolegate ignores it for a built-in issuer.
      'ThumbprintList.member.1': '9e99a48a9960b14926bb7f3b02e22da2b0ab7280',
    },
  })
  const host = providerUrl.replace(/^https:\/\//, '')
  await callQuery(config, {
    ...iam,
    action: 'CreateRole',
    params: {
      RoleName: ROLE_NAME,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: provider['OpenIDConnectProviderArn'] },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${host}:aud`]: AUDIENCE, [`${host}:sub`]: SUBJECT } },
          },
        ],
      }),
    },
  })
}

/** A built-in RS256 issuer, the provider and role for it, and one token it minted. */
async function setUpRolegate(url: string, info: RolegateInfo): Promise<string> {
  const config: ClientConfig = {
    endpoint: url,
    region: 'us-east-1',
    credentials: info.adminKey,
    ca: undefined,
  }
  const admin = { service: 'rolegate', version: ROLEGATE_VERSION }
  await callQuery(config, {
    ...admin,
    action: 'CreateIssuer',
    params: { IssuerName: 'bench', Algorithm: 'RS256' },
  })
  const issuerUrl = `${info.publicUrl}/issuers/123456789012/bench`
  await createRole(config, issuerUrl)
  const minted = await callQuery(config, {
    ...admin,
    action: 'IssueToken',
    params: {
      IssuerName: 'bench',
      Subject: SUBJECT,
      'Audience.member.1': AUDIENCE,
      TtlSeconds: '3600',
    },
  })
  const token = minted['Token']
  if (typeof token !== 'string') throw new Error('IssueToken returned no token')
  return token
}

interface RolegateInfo {
  url: string
  publicUrl: string
  adminKey: { accessKeyId: string; secretAccessKey: string }
}

/** Checks the unsigned exchange once, then signs one GetCallerIdentity with what it returned. */
async function prepareCalls(target: Target, token: string): Promise<void> {
  const assume: Prepared = {
    headers: { 'Content-Type': FORM },
    body: form({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'bench',
      WebIdentityToken: token,
    }),
  }
  const answer = await post(target.url, assume.headers, assume.body)
  if (answer.status !== 200) {
    throw new Error(`${target.name} AssumeRoleWithWebIdentity: ${answer.status} ${answer.body}`)
  }
  target.calls.assume = assume
  const credentials = {
    accessKeyId: xmlText(answer.body, 'AccessKeyId'),
    secretAccessKey: xmlText(answer.body, 'SecretAccessKey'),
    sessionToken: xmlText(answer.body, 'SessionToken'),
  }
  // SigV4 accepts the same signed request again within 15 minutes of its X-Amz-Date, as AWS
  // does, so one signature serves the whole run.
  const body = 'Action=GetCallerIdentity&Version=2011-06-15'
  const signed = signRequest(
    {
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['Host', new URL(target.url).host],
        ['Content-Type', FORM],
      ],
      body: new TextEncoder().encode(body),
    },
    credentials,
    { crypto: nodeCrypto, region: 'us-east-1', service: 'sts', date: new Date() },
  )
  const whoami: Prepared = { headers: Object.fromEntries(signed.request.headers), body }
  const check = await post(target.url, whoami.headers, body)
  if (check.status !== 200 || !xmlText(check.body, 'Arn').includes(':assumed-role/')) {
    throw new Error(`${target.name} GetCallerIdentity: ${check.status} ${check.body}`)
  }
  target.calls.whoami = whoami
}

// --- measuring ----------------------------------------------------------------------------------

/** One measurement to make in every round. */
interface Plan {
  target: Target
  call: CallName
  connections: number
  client: ClientKind
  /** Fixed overall request rate, for latency below saturation. */
  rate?: number | undefined
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!

/**
 * moto has no JIT to warm and opens a connection per request anyway; paced runs come after the
 * same target's flat-out runs, so the server is warm already.
 */
const needsWarmup = (plan: Plan) => plan.target.name !== 'moto' && plan.client !== 'paced'

async function measure(plan: Plan, round: number): Promise<Measurement> {
  const { target, call, connections, client, rate } = plan
  const load = { url: target.url, prepared: target.calls[call]!, connections, client, rate }
  if (warmup > 0 && needsWarmup(plan)) await runLoad({ ...load, seconds: warmup })
  const pid = target.child.pid!
  const profiling = target.nextLine !== undefined && flags.profile !== undefined && workers === 1
  if (profiling) process.kill(pid, 'SIGUSR2')
  const cpuBefore = cpuSeconds(pid)
  const result = await runLoad({ ...load, seconds: duration })
  const cpu = cpuSeconds(pid) - cpuBefore
  let profile: string | undefined
  if (profiling) {
    process.kill(pid, 'SIGUSR2')
    profile = ((await target.nextLine!()) as { profile: string }).profile
  }
  const sorted = Float64Array.from(result.latencies).sort()
  const own = result.percentiles
  return {
    round,
    target: target.name,
    call,
    connections,
    client,
    rate,
    rps: result.ok / result.seconds,
    p50: own?.p50 ?? percentile(sorted, 0.5),
    p99: own?.p99 ?? percentile(sorted, 0.99),
    max: own?.max ?? (sorted.length === 0 ? NaN : sorted[sorted.length - 1]!),
    failures: result.failures,
    rpsPerCpu: cpu > 0 ? result.ok / cpu : NaN,
    cpuShare: cpu / result.seconds,
    load1: loadavg()[0]!,
    ...(profile === undefined ? {} : { profile }),
  }
}

// --- report -------------------------------------------------------------------------------------

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-')
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-')
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The variant of a measurement, without its round. */
const variant = (m: Measurement | Plan) =>
  `${typeof m.target === 'string' ? m.target : m.target.name} ${m.call} ${m.client} c=${m.connections}` +
  (m.rate === undefined ? '' : ` @${m.rate}/s`)

function table(results: Measurement[]): string {
  const rows = [
    '| target | call | client | conns | round | req/s | p50 ms | p99 ms | max ms | req per server CPU-s | server CPU share | failures | load1 |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const m of results) {
    const client = m.client + (m.rate === undefined ? '' : ` ${m.rate} req/s`)
    rows.push(
      `| ${m.target} | ${CALL_TITLES[m.call]} | ${client} | ${m.connections} | ${m.round} | ${int(m.rps)} | ${ms(m.p50)} | ${ms(m.p99)} | ${ms(m.max)} | ${int(m.rpsPerCpu)} | ${m.cpuShare.toFixed(2)} | ${m.failures} | ${m.load1.toFixed(2)} |`,
    )
  }
  return rows.join('\n')
}

function verdicts(results: Measurement[]): string {
  const runs = (target: TargetName, call: CallName, client: ClientKind, connections: number) =>
    results.filter(
      (m) =>
        m.target === target &&
        m.call === call &&
        m.client === client &&
        m.connections === connections &&
        m.rate === undefined,
    )
  const ratio = (a: Measurement[], b: Measurement[], field: 'rps' | 'rpsPerCpu') =>
    a.length && b.length ? median(a.map((m) => m[field])) / median(b.map((m) => m[field])) : NaN
  const lines: string[] = []
  const moderate = Math.min(...connectionCounts)
  /**
   * A verdict on `judged`: requests per second, or per server CPU-second (issue #10 judges
   * AssumeRoleWithWebIdentity per CPU, so a faster or slower host moves both sides alike).
   */
  const compare = (
    title: string,
    ours: Measurement[],
    theirs: Measurement[],
    target: number,
    digits: number,
    judged: 'rps' | 'rpsPerCpu',
  ) => {
    const x = ratio(ours, theirs, judged)
    if (!Number.isFinite(x)) return
    // Round by round, to show how far the host's drift moves the ratio of the medians.
    const byRound = ours.flatMap((m) => {
      const other = theirs.find((n) => n.round === m.round)
      return other ? [m[judged] / other[judged]] : []
    })
    const spread =
      byRound.length > 1
        ? `, rounds ${Math.min(...byRound).toFixed(digits)}x-${Math.max(...byRound).toFixed(digits)}x`
        : ''
    const other = judged === 'rps' ? 'rpsPerCpu' : 'rps'
    const otherName = judged === 'rps' ? 'per server CPU-second' : 'per second'
    lines.push(
      `${title}, ${judged === 'rps' ? 'requests per second' : 'requests per server CPU-second'}: ` +
        `${x.toFixed(digits)}x${spread} (${otherName} ${ratio(ours, theirs, other).toFixed(digits)}x); ` +
        `target >= ${target.toFixed(digits)}x: ${x >= target ? 'met' : 'NOT met'}`,
    )
  }
  // Issue #10's targets: AssumeRoleWithWebIdentity at 15x moto per CPU, signed GetCallerIdentity
  // at a third of bare node:http's requests per second.
  for (const connections of connectionCounts) {
    compare(
      `AssumeRoleWithWebIdentity, rolegate keep-alive / moto, ${connections} connections`,
      runs('rolegate', 'assume', KEEP_ALIVE, connections),
      runs('moto', 'assume', PER_REQUEST, connections),
      15,
      1,
      'rpsPerCpu',
    )
  }
  compare(
    `AssumeRoleWithWebIdentity, rolegate / moto, both a connection per request, ${moderate} connections`,
    runs('rolegate', 'assume', PER_REQUEST, moderate),
    runs('moto', 'assume', PER_REQUEST, moderate),
    15,
    1,
    'rpsPerCpu',
  )
  for (const connections of connectionCounts) {
    compare(
      `GetCallerIdentity, rolegate / bare node:http, ${connections} connections`,
      runs('rolegate', 'whoami', KEEP_ALIVE, connections),
      runs('bare', 'whoami', KEEP_ALIVE, connections),
      1 / 3,
      2,
      'rps',
    )
  }
  for (const call of wantedCalls) {
    const closed = runs('rolegate', call, KEEP_ALIVE, moderate)
    const fixed = results.filter(
      (m) => m.target === 'rolegate' && m.call === call && m.client === 'paced',
    )
    for (const [title, group] of [
      [`${moderate} connections flat out`, closed],
      [`a fixed ${fixed[0]?.rate ?? 0} req/s`, fixed],
    ] as const) {
      if (group.length === 0) continue
      const worst = Math.max(...group.map((m) => m.p99))
      lines.push(
        `${CALL_TITLES[call]} p99 at ${title}: worst run ${ms(worst)} ms; target < 10 ms: ${worst < 10 ? 'met' : 'NOT met'}`,
      )
    }
  }
  const control = results.filter((m) => m.target === 'bare' && m.client === 'paced')
  if (control.length > 0) {
    lines.push(
      `(control: the bare server's p99 at ${control[0]!.rate} req/s: ` +
        `${control.map((m) => ms(m.p99)).join(', ')} ms, the tail this machine adds by itself)`,
    )
  }
  return lines.join('\n')
}

/** Every measurement of a round, rolegate's first, each made again in every round. */
function plansFor(targets: Target[]): Plan[] {
  const plans: Plan[] = []
  const moderate = Math.min(...connectionCounts)
  const calls = (target: Target) => wantedCalls.filter((call) => target.calls[call] !== undefined)
  for (const target of targets) {
    const client = target.name === 'moto' ? PER_REQUEST : KEEP_ALIVE
    for (const call of calls(target)) {
      // moto's rate does not move with connections, and its GetCallerIdentity is compared with
      // nothing: the higher load is spent on AssumeRoleWithWebIdentity only.
      const counts = target.name === 'moto' && call === 'whoami' ? [moderate] : connectionCounts
      for (const connections of counts) plans.push({ target, call, connections, client })
    }
    // The same client moto gets, for a like-for-like ratio.
    if (target.name === 'rolegate' && target.calls.assume && wantedTargets.includes('moto')) {
      plans.push({ target, call: 'assume', connections: moderate, client: PER_REQUEST })
    }
    // Latency below saturation (a closed loop flat out measures queueing as much as the server),
    // and the bare server at the same rate: the tail the machine itself adds.
    if (fixedRate > 0 && target.name !== 'moto') {
      for (const call of calls(target)) {
        plans.push({ target, call, connections: moderate, client: 'paced', rate: fixedRate })
      }
    }
  }
  return plans
}

// --- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now()
  console.log(
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  )
  console.log(
    `${rounds} rounds x ${duration} s per measurement after ${warmup} s warm-up; connections ${connectionCounts.join(', ')}; ` +
      `load ${flags.load}; rolegate and bare in ${workers} process${workers === 1 ? '' : 'es'} each`,
  )

  const targets: Target[] = []
  let token = ''
  // rolegate first: its built-in issuer mints the token every target receives.
  {
    let env: NodeJS.ProcessEnv = { ...process.env, ROLEGATE_BENCH_WORKERS: String(workers) }
    if (flags.profile !== undefined) {
      mkdirSync(flags.profile, { recursive: true })
      env = { ...env, ROLEGATE_BENCH_PROFILE: flags.profile }
    }
    const { child, info, nextLine } = await spawnJsonTarget(
      ['--import', 'tsx', `${here}rolegate-target.ts`],
      env,
    )
    const rolegate = info as RolegateInfo
    token = await setUpRolegate(rolegate.url, rolegate)
    if (wantedTargets.includes('rolegate')) {
      targets.push({ name: 'rolegate', url: rolegate.url, child, calls: {}, nextLine })
    }
  }
  if (wantedTargets.includes('moto')) {
    const { child, url } = await startMoto()
    const config: ClientConfig = {
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDMOTO', secretAccessKey: 'moto' },
      ca: undefined,
    }
    // moto checks neither the token nor the trust policy, but it does want the role to exist.
    await createRole(config, 'https://rolegate.invalid/issuers/123456789012/bench')
    targets.push({ name: 'moto', url, child, calls: {} })
  }
  if (wantedTargets.includes('bare')) {
    const { child, info } = await spawnJsonTarget(['--import', 'tsx', `${here}bare-target.ts`], {
      ...process.env,
      ROLEGATE_BENCH_WORKERS: String(workers),
    })
    targets.push({ name: 'bare', url: (info as { url: string }).url, child, calls: {} })
  }

  for (const target of targets) if (target.name !== 'bare') await prepareCalls(target, token)
  const bare = targets.find((target) => target.name === 'bare')
  if (bare) {
    // The ceiling answers anything; it gets the same bytes as rolegate's signed call.
    const ours = targets.find((target) => target.name === 'rolegate')?.calls.whoami
    bare.calls.whoami = ours ?? {
      headers: { 'Content-Type': FORM },
      body: 'Action=GetCallerIdentity',
    }
  }

  const plans = plansFor(targets)
  const warmups = plans.filter(needsWarmup).length * warmup
  const seconds = rounds * (plans.length * duration + warmups)
  console.log(`${plans.length} measurements per round, about ${seconds} s of load in all\n`)
  const results: Measurement[] = []
  for (let round = 1; round <= rounds; round++) {
    for (const plan of plans) {
      const m = await measure(plan, round)
      results.push(m)
      console.log(
        `round ${round} ${variant(plan).padEnd(40)} ${int(m.rps).padStart(7)} req/s  ` +
          `p50 ${ms(m.p50)} ms  p99 ${ms(m.p99)} ms  ${int(m.rpsPerCpu)} req/CPU-s  ` +
          `failures ${m.failures}  load1 ${m.load1.toFixed(2)}` +
          (m.profile === undefined ? '' : `  profile ${m.profile}`),
      )
    }
  }

  console.log(`\n${table(results)}\n\n${verdicts(results)}`)
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

try {
  await main()
} finally {
  await stopAll()
}
