// Replicas on one PostgreSQL (issue #16), measured, never asserted:
// 1. the allowed-after-revocation window: after A confirmed a DeleteUserPolicy, how long B still
//    allowed the call it revoked, over --tries tries, idle and with both replicas under load;
// 2. what the listener's heartbeat and the caches' maximum age cost in requests/s, beside
//    replicas with either or both turned off.
// Run: node --import tsx bench/replicas/run.ts [--help]
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { callQuery } from '../../src/cli/query-client.js'
import type { ClientConfig } from '../../src/cli/aws-config.js'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { signRequest } from '../../src/sigv4/sign.js'
import type { Store } from '../../src/store/ports.js'
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js'
import {
  formatMasterKey,
  generateMasterKey,
  MasterKeyring,
} from '../../src/store/secrets/master-keyring.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { startPostgres } from '../../test/support/postgres.js'
import type { PostgresCluster } from '../../test/support/postgres.js'
import { runLoad } from '../sts/load.js'
import type { LoadResult, Prepared } from '../sts/load.js'
import { BENCH_ADMIN_KEY } from './admin-key.js'

const USAGE = `node --import tsx bench/replicas/run.ts [options]
  --tries N          revocations timed, idle and again under load (1000)
  --connections N    wrk connections per replica for the load, and for requests/s (8)
  --duration S       seconds measured per requests/s run (10)
  --warmup S         seconds of discarded load before each requests/s run (2)
  --rounds N         times each requests/s measurement is repeated, interleaved (3)
  --only WHAT        window or cost (both)
  --database-url URL a PostgreSQL database to use (a throwaway cluster by default)`

const { values: flags } = parseArgs({
  options: {
    tries: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '8' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    'database-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (flags.help) {
  console.log(USAGE)
  process.exit(0)
}
const tries = Number(flags.tries)
const connections = Number(flags.connections)
const duration = Number(flags.duration)
const warmup = Number(flags.warmup)
const rounds = Number(flags.rounds)

const FORM = 'application/x-www-form-urlencoded; charset=utf-8'
const IAM = { service: 'iam', version: '2010-05-08' }
const here = fileURLToPath(new URL('.', import.meta.url))
const benchKey = generateMasterKey()
const masterKey = formatMasterKey(benchKey)
/** An hour and more: no maximum age within any run. */
const NO_MAX_AGE_MS = 100 * 3_600_000

const allowGetUser = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
})

// --- processes ------------------------------------------------------------------------------

interface Replica {
  name: string
  url: string
  child: ChildProcess
  /** Episodes it logged: times it could not hear the others and read every request through. */
  episodes: string[]
}

const children: ChildProcess[] = []

async function startReplica(
  name: string,
  databaseUrl: string,
  settings: { maxStalenessMs?: number; heartbeatMs?: number } = {},
): Promise<Replica> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROLEGATE_BENCH_DATABASE_URL: databaseUrl,
    ROLEGATE_MASTER_KEY: masterKey,
  }
  if (settings.maxStalenessMs !== undefined) {
    env['ROLEGATE_BENCH_MAX_STALENESS_MS'] = String(settings.maxStalenessMs)
  }
  if (settings.heartbeatMs !== undefined) {
    env['ROLEGATE_BENCH_HEARTBEAT_MS'] = String(settings.heartbeatMs)
  }
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}replica.ts`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  children.push(child)
  const episodes: string[] = []
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.includes('durationMs')) episodes.push(line)
    else process.stderr.write(`${name}: ${line}\n`)
  })
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${code}`)))
  })
  const { url } = JSON.parse(first) as { url: string }
  return { name, url, child, episodes }
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

/** user + system CPU seconds so far of a process (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

// --- signed calls ---------------------------------------------------------------------------

interface Key {
  accessKeyId: string
  secretAccessKey: string
}

const form = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

/** A Query POST signed now, for `service`. */
function signedPost(url: string, key: Key, params: Record<string, string>, service = 'iam') {
  const body = form(params)
  const signed = signRequest(
    {
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['Host', new URL(url).host],
        ['Content-Type', FORM],
      ],
      body: new TextEncoder().encode(body),
    },
    key,
    { crypto: nodeCrypto, region: 'us-east-1', service, date: new Date() },
  )
  return { headers: Object.fromEntries(signed.request.headers), body }
}

/** Kept-alive connections, so that a try times the server and not TCP's handshake. */
const agent = new Agent({ keepAlive: true, maxSockets: 4 })

function send(url: string, prepared: Prepared): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${url}/`,
      { method: 'POST', headers: prepared.headers, agent },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(prepared.body)
  })
}

const admin = (replica: Replica): ClientConfig => ({
  endpoint: replica.url,
  region: 'us-east-1',
  credentials: BENCH_ADMIN_KEY,
  ca: undefined,
})

/** A user with an access key, and GetUser allowed by an inline policy named `get-user`. */
async function userWithKey(on: Replica, userName: string): Promise<Key> {
  await callQuery(admin(on), { ...IAM, action: 'CreateUser', params: { UserName: userName } })
  const created = await callQuery(admin(on), {
    ...IAM,
    action: 'CreateAccessKey',
    params: { UserName: userName },
  })
  const key = created['AccessKey'] as Record<string, string>
  await putGetUserPolicy(on, userName)
  return { accessKeyId: key['AccessKeyId']!, secretAccessKey: key['SecretAccessKey']! }
}

const putGetUserPolicy = (on: Replica, userName: string) =>
  callQuery(admin(on), {
    ...IAM,
    action: 'PutUserPolicy',
    params: { UserName: userName, PolicyName: 'get-user', PolicyDocument: allowGetUser },
  })

// --- 1. the allowed-after-revocation window --------------------------------------------------

interface Try {
  /** B's answers to requests sent after A confirmed: when each was sent (ms after) and if allowed. */
  allowedFor: number
  /** The first request B refused was sent this long after A confirmed. */
  refusedFrom: number
  /** The first request to B after A confirmed was allowed. */
  firstAllowed: boolean
}

/**
 * One try: A allows the subject GetUser, B is asked until it allows (so it has cached that), A
 * deletes the policy, and from the moment A's answer is in, B is asked back to back until it
 * refuses.
 */
async function oneTry(a: Replica, b: Replica, subject: Key): Promise<Try> {
  await putGetUserPolicy(a, 'subject')
  for (let asked = 0; ; asked += 1) {
    const answer = await send(b.url, signedPost(b.url, subject, { Action: 'GetUser', ...V }))
    if (answer.status === 200) break
    if (asked > 10_000) throw new Error(`B never allowed again: ${answer.body}`)
  }
  await callQuery(admin(a), {
    ...IAM,
    action: 'DeleteUserPolicy',
    params: { UserName: 'subject', PolicyName: 'get-user' },
  })
  const confirmed = performance.now()
  let allowedFor = 0
  let firstAllowed = false
  for (let asked = 0; ; asked += 1) {
    const prepared = signedPost(b.url, subject, { Action: 'GetUser', ...V })
    const sentAt = performance.now() - confirmed
    const answer = await send(b.url, prepared)
    if (answer.status === 200) {
      allowedFor = sentAt
      if (asked === 0) firstAllowed = true
      continue
    }
    if (!answer.body.includes('AccessDenied')) throw new Error(`B answered ${answer.body}`)
    return { allowedFor, refusedFrom: sentAt, firstAllowed }
  }
}

const V = { Version: '2010-05-08' }

const quantile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!

function summarise(label: string, results: Try[], seconds: number, load: string): string {
  const allowed = results.filter((t) => t.allowedFor > 0 || t.firstAllowed)
  const windows = allowed.map((t) => t.allowedFor).sort((x, y) => x - y)
  const refused = results.map((t) => t.refusedFrom).sort((x, y) => x - y)
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-')
  return (
    `| ${label} | ${results.length} | ${allowed.length} (${((100 * allowed.length) / results.length).toFixed(1)}%) | ` +
    `${results.filter((t) => t.firstAllowed).length} | ` +
    `${f(quantile(windows, 0.5))} / ${f(quantile(windows, 0.99))} / ${f(windows.at(-1) ?? NaN)} | ` +
    `${f(quantile(refused, 0.5))} / ${f(quantile(refused, 0.99))} / ${f(refused.at(-1) ?? NaN)} | ` +
    `${seconds.toFixed(1)} | ${load} |`
  )
}

async function measureWindow(cluster: PostgresCluster | undefined): Promise<string[]> {
  const databaseUrl =
    flags['database-url'] ?? (await cluster!.createDatabase('rolegate_bench_window'))
  const a = await startReplica('A', databaseUrl)
  const b = await startReplica('B', databaseUrl)
  const subject = await userWithKey(a, 'subject')
  const loader = await userWithKey(a, 'loader')
  const run = async () => {
    const started = performance.now()
    const results: Try[] = []
    for (let i = 0; i < tries; i += 1) results.push(await oneTry(a, b, subject))
    return { results, seconds: (performance.now() - started) / 1000 }
  }
  const idleLoad = loadavg()[0]!
  const idle = await run()
  const lines = [
    summarise('idle', idle.results, idle.seconds, `load average ${idleLoad.toFixed(2)}`),
  ]
  console.log(lines[0])

  // Under load: wrk on both replicas, signed GetUser of another user, in back-to-back segments.
  let loading = true
  const segments: LoadResult[] = []
  const loadLoop = (async () => {
    while (loading) {
      const segment = (replica: Replica) =>
        runLoad({
          url: replica.url,
          prepared: signedPost(replica.url, loader, { Action: 'GetUser', ...V }),
          connections,
          seconds: 10,
          client: 'wrk',
        })
      segments.push(...(await Promise.all([segment(a), segment(b)])))
    }
  })()
  await sleep(1000)
  const loadAverage = loadavg()[0]!
  let loaded: Awaited<ReturnType<typeof run>>
  try {
    loaded = await run()
  } finally {
    loading = false
    await loadLoop
  }
  const requests = segments.reduce((sum, s) => sum + s.ok, 0)
  const seconds = segments.reduce((sum, s) => sum + s.seconds, 0) / 2
  const described =
    `wrk -c${connections} on each replica, ${Math.round(requests / seconds)} req/s in all, ` +
    `load average ${loadAverage.toFixed(2)}-${loadavg()[0]!.toFixed(2)}`
  lines.push(summarise('under load', loaded.results, loaded.seconds, described))
  console.log(lines[1])
  for (const replica of [a, b]) {
    console.log(`  ${replica.name} logged ${replica.episodes.length} deaf episodes`)
    for (const episode of replica.episodes) console.log(`    ${episode}`)
  }
  return lines
}

// --- 2. the cost of the heartbeat and the maximum age ----------------------------------------

interface Setting {
  label: string
  maxStalenessMs?: number
  heartbeatMs?: number
}

const SETTINGS: Setting[] = [
  { label: 'heartbeat 1 s, max age 5 s (default)' },
  { label: 'heartbeat off, max age 5 s', heartbeatMs: 0 },
  { label: 'heartbeat 1 s, no max age', maxStalenessMs: NO_MAX_AGE_MS },
  { label: 'heartbeat off, no max age (as before)', heartbeatMs: 0, maxStalenessMs: NO_MAX_AGE_MS },
]

/**
 * Nanoseconds per `noticeOtherWriters()`, the look before every request: what the maximum age
 * adds to each request (a monotonic clock read and a comparison), over a store of each kind.
 */
async function timeLooks(databaseUrl: string): Promise<Array<[string, number]>> {
  const secrets = new MasterKeyring([benchKey])
  const calls = 5_000_000
  const time = (look: () => unknown) => {
    for (let i = 0; i < 100_000; i += 1) look()
    const started = performance.now()
    for (let i = 0; i < calls; i += 1) look()
    return ((performance.now() - started) * 1e6) / calls
  }
  const results: Array<[string, number]> = [
    ['performance.now() alone, the clock read it adds', time(() => performance.now())],
  ]
  const kinds: Array<[string, () => Promise<Store>]> = [
    ['PostgreSQL, hearing', () => openPostgresStore({ connectionString: databaseUrl, secrets })],
    [
      'PostgreSQL, no max age',
      () =>
        openPostgresStore({
          connectionString: databaseUrl,
          secrets,
          maxStalenessMs: NO_MAX_AGE_MS,
        }),
    ],
    ['SQLite alone', () => openSqliteStore({ file: ':memory:' })],
  ]
  for (const [label, open] of kinds) {
    const store = await open()
    try {
      results.push([label, time(() => store.noticeOtherWriters())])
    } finally {
      await store.close()
    }
  }
  return results
}

async function measureCost(cluster: PostgresCluster | undefined): Promise<string[]> {
  const databaseUrl =
    flags['database-url'] ?? (await cluster!.createDatabase('rolegate_bench_cost'))
  // Every setting in a replica of its own, all on the one database, measured in turn.
  const replicas: Array<{ setting: Setting; replica: Replica }> = []
  for (const setting of SETTINGS) {
    const replica = await startReplica(setting.label, databaseUrl, setting)
    replicas.push({ setting, replica })
  }
  const key = await userWithKey(replicas[0]!.replica, 'caller')
  // What each costs with no request at all (timers, the heartbeat), once start-up has settled.
  await sleep(10_000)
  const idleSeconds = 60
  const idleBefore = replicas.map(({ replica }) => cpuSeconds(replica.child.pid!))
  await sleep(idleSeconds * 1000)
  const idleCpu = replicas.map(
    ({ replica }, i) => (1000 * (cpuSeconds(replica.child.pid!) - idleBefore[i]!)) / idleSeconds,
  )
  const looks = await timeLooks(databaseUrl)
  const calls = {
    'GetCallerIdentity (sts, no store read)': (url: string) =>
      signedPost(url, key, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, 'sts'),
    'GetUser (iam, authorised, one read)': (url: string) =>
      signedPost(url, key, { Action: 'GetUser', ...V }),
  }
  const results = new Map<string, Array<{ rps: number; perCpu: number; p99: number }>>()
  for (let round = 0; round < rounds; round += 1) {
    for (const [call, prepare] of Object.entries(calls)) {
      // Each round starts with another setting, so that none is always measured first.
      const order = replicas.map((_, i) => replicas[(i + round) % replicas.length]!)
      for (const { setting, replica } of order) {
        const prepared = prepare(replica.url)
        const check = await send(replica.url, prepared)
        if (check.status !== 200) throw new Error(`${call} on ${setting.label}: ${check.body}`)
        const load = { url: replica.url, prepared, connections, client: 'wrk' as const }
        if (warmup > 0) await runLoad({ ...load, seconds: warmup })
        const cpuBefore = cpuSeconds(replica.child.pid!)
        const result = await runLoad({ ...load, seconds: duration })
        const cpu = cpuSeconds(replica.child.pid!) - cpuBefore
        const name = `${call} | ${setting.label}`
        const list = results.get(name) ?? []
        list.push({
          rps: result.ok / result.seconds,
          perCpu: result.ok / cpu,
          p99: result.percentiles?.p99 ?? NaN,
        })
        results.set(name, list)
        console.log(
          `  round ${round + 1}: ${name}: ${Math.round(result.ok / result.seconds)} req/s, ${Math.round(result.ok / cpu)} per CPU-s, load ${loadavg()[0]!.toFixed(2)}`,
        )
      }
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y)
    const mid = Math.floor(sorted.length / 2)
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  }
  const lines: string[] = []
  for (const call of Object.keys(calls)) {
    const baseline = results.get(`${call} | ${SETTINGS[3]!.label}`)!
    const baseRps = median(baseline.map((r) => r.rps))
    const basePerCpu = median(baseline.map((r) => r.perCpu))
    for (const setting of SETTINGS) {
      const runs = results.get(`${call} | ${setting.label}`)!
      const rps = median(runs.map((r) => r.rps))
      const perCpu = median(runs.map((r) => r.perCpu))
      lines.push(
        `| ${call} | ${setting.label} | ${Math.round(rps)} | ${(rps / baseRps).toFixed(3)} | ` +
          `${Math.round(perCpu)} | ${(perCpu / basePerCpu).toFixed(3)} | ` +
          `${median(runs.map((r) => r.p99)).toFixed(2)} | ${runs.map((r) => Math.round(r.rps)).join(', ')} |`,
      )
    }
  }
  lines.push('')
  lines.push(`Idle, CPU ms per second over ${idleSeconds} s (ticks of 10 ms over the whole span):`)
  replicas.forEach(({ setting }, i) => lines.push(`- ${setting.label}: ${idleCpu[i]!.toFixed(2)}`))
  lines.push('')
  lines.push('The look every request starts with (`Store.noticeOtherWriters`), in process:')
  for (const [label, ns] of looks) lines.push(`- ${label}: ${ns.toFixed(1)} ns`)
  for (const { replica } of replicas) {
    if (replica.episodes.length > 0) {
      console.log(`  ${replica.name} logged ${replica.episodes.length} deaf episodes`)
    }
  }
  return lines
}

// --- main -----------------------------------------------------------------------------------

const cluster = flags['database-url'] === undefined ? await startPostgres() : undefined
try {
  console.log(
    `${new Date().toISOString()}, node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  )
  if (flags.only !== 'cost') {
    console.log(
      `\n### Allowed after revocation (B, after A confirmed DeleteUserPolicy; ${tries} tries)\n`,
    )
    console.log(
      '| run | tries | tries B still allowed | first call allowed | allowed for, ms (p50 / p99 / max of those) | B refused from, ms (p50 / p99 / max) | seconds | load |',
    )
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
    const lines = await measureWindow(cluster)
    console.log('\n' + lines.join('\n'))
  }
  if (flags.only !== 'window') {
    console.log(
      `\n### Requests/s with and without the heartbeat and the maximum age (wrk -c${connections}, ${duration} s, median of ${rounds})\n`,
    )
    const lines = await measureCost(cluster)
    console.log(
      '| call | setting | req/s | vs none | req per CPU-s | vs none | p99 ms | req/s by round |',
    )
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
    console.log(lines.join('\n'))
  }
} finally {
  await stopAll()
  agent.destroy()
  await cluster?.stop()
}
