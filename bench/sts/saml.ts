// AssumeRoleWithSAML beside AssumeRoleWithWebIdentity, on loopback against one rolegate process:
// requests/s, p50/p99 and server CPU per call for each, with the same client and connections, and
// the SAML call's CPU split into parse, signature and the rest. Every SAML request carries an
// assertion of its own (an assertion is redeemed once), signed ahead of the run by this process.
// Run: node --import tsx bench/sts/saml.ts [--help]
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { ROLEGATE_VERSION } from '../../src/admin-api/service.js'
import type { ClientConfig } from '../../src/cli/aws-config.js'
import { callQuery } from '../../src/cli/query-client.js'
import { checkSignature } from '../../src/federation/saml/check-signature.js'
import { decodeSamlResponse, parseSamlResponse } from '../../src/federation/saml/parse-response.js'
import { startRolegate as startRolegateHere } from '../../src/main.js'
import { makeIdp, samlAssertion } from '../../test/support/saml-idp.js'
import { queryRequest } from '../../test/support/signed-request.js'

const USAGE = `node --import tsx bench/sts/saml.ts [options]
  --duration S      seconds measured per call (10)
  --warmup S        seconds of discarded load before each (2)
  --connections N   keep-alive connections of the closed loop (10)
  --assertions N    SAML assertions signed ahead, one per request (6000); the SAML run ends
                    early when they run out, and counts what it sent
  --split N         assertions parsed and verified in process for the CPU split (300)
  --sign L          what the IdP signs: assertion, response or both (assertion)`

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    assertions: { type: 'string', default: '6000' },
    split: { type: 'string', default: '300' },
    sign: { type: 'string', default: 'assertion' },
    help: { type: 'boolean', default: false },
  },
})
if (flags.help) {
  console.log(USAGE)
  process.exit(0)
}
const sign = flags.sign as 'assertion' | 'response' | 'both'
if (!['assertion', 'response', 'both'].includes(sign))
  throw new Error('--sign: assertion|response|both')

const ACCOUNT = '123456789012'
const FORM = 'application/x-www-form-urlencoded; charset=utf-8'
const SAML_ROLE = `arn:aws:iam::${ACCOUNT}:role/saml-bench`
const SAML_PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/bench`
const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/web-bench`
const here = fileURLToPath(new URL('.', import.meta.url))

const form = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

/** user + system CPU seconds so far of a process (Linux /proc, 100 Hz ticks). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function startRolegate(): Promise<{
  child: ChildProcess
  url: string
  config: ClientConfig
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}rolegate-target.ts`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`rolegate exited with ${code}`)))
  })
  const info = JSON.parse(line) as {
    url: string
    publicUrl: string
    adminKey: { accessKeyId: string; secretAccessKey: string }
  }
  return {
    child,
    url: info.url,
    config: { endpoint: info.url, region: 'us-east-1', credentials: info.adminKey, ca: undefined },
  }
}

/** The SAML provider and its role; a built-in issuer, its provider and role, and one token. */
async function setUp(config: ClientConfig, metadata: string): Promise<string> {
  const iam = { service: 'iam', version: '2010-05-08' }
  const trust = (principal: string, action: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: principal }, Action: action }],
    })
  await callQuery(config, {
    ...iam,
    action: 'CreateSAMLProvider',
    params: { Name: 'bench', SAMLMetadataDocument: metadata },
  })
  await callQuery(config, {
    ...iam,
    action: 'CreateRole',
    params: {
      RoleName: 'saml-bench',
      AssumeRolePolicyDocument: trust(SAML_PROVIDER, 'sts:AssumeRoleWithSAML'),
    },
  })
  const admin = { service: 'rolegate', version: ROLEGATE_VERSION }
  await callQuery(config, { ...admin, action: 'CreateIssuer', params: { IssuerName: 'bench' } })
  const issuerUrl = `https://rolegate.invalid/issuers/${ACCOUNT}/bench`
  const provider = await callQuery(config, {
    ...iam,
    action: 'CreateOpenIDConnectProvider',
    params: { Url: issuerUrl, 'ClientIDList.member.1': 'sts.amazonaws.com' },
  })
  await callQuery(config, {
    ...iam,
    action: 'CreateRole',
    params: {
      RoleName: 'web-bench',
      AssumeRolePolicyDocument: trust(
        String(provider['OpenIDConnectProviderArn']),
        'sts:AssumeRoleWithWebIdentity',
      ),
    },
  })
  const minted = await callQuery(config, {
    ...admin,
    action: 'IssueToken',
    params: {
      IssuerName: 'bench',
      Subject: 'system:serviceaccount:bench:api',
      'Audience.member.1': 'sts.amazonaws.com',
      TtlSeconds: '3600',
    },
  })
  return String(minted['Token'])
}

interface Run {
  requests: number
  failures: number
  seconds: number
  p50: number
  p99: number
  cpuPerCall: number
}

/** A closed loop: each connection sends the next body as soon as it has an answer. */
async function closedLoop(
  url: string,
  pid: number,
  bodies: () => string | undefined,
  connections: number,
  seconds: number,
): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const latencies: number[] = []
  let failures = 0
  const started = performance.now()
  const cpuBefore = cpuSeconds(pid)
  const deadline = started + seconds * 1000
  const one = (body: string) =>
    new Promise<void>((resolve) => {
      const sent = performance.now()
      const outgoing = httpRequest(
        `${url}/`,
        { method: 'POST', agent, headers: { 'Content-Type': FORM } },
        (response) => {
          response.resume()
          response.on('end', () => {
            if (response.statusCode === 200) latencies.push(performance.now() - sent)
            else failures++
            resolve()
          })
        },
      )
      outgoing.on('error', () => {
        failures++
        resolve()
      })
      outgoing.end(body)
    })
  const loop = async () => {
    for (let body = bodies(); body !== undefined && performance.now() < deadline; body = bodies()) {
      await one(body)
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  const elapsed = (performance.now() - started) / 1000
  const cpu = cpuSeconds(pid) - cpuBefore
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  const requests = latencies.length + failures
  return {
    requests,
    failures,
    seconds: elapsed,
    p50: at(0.5),
    p99: at(0.99),
    cpuPerCall: (cpu / Math.max(requests, 1)) * 1000,
  }
}

/** CPU milliseconds per call of `fn` over `items`, one at a time, measured in this process. */
async function cpuPer<T>(items: readonly T[], fn: (item: T) => unknown): Promise<number> {
  const before = process.cpuUsage()
  for (const item of items) await fn(item)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000 / items.length
}

/** A rolegate in this process (SQLite in a temp dir), for its socket-free app. */
async function startLocal() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-saml-bench-'))
  const running = await startRolegateHere({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    accountId: ACCOUNT,
    region: 'us-east-1',
    publicUrl: 'https://rolegate.invalid',
    allowReset: false,
    adminKey: { accessKeyId: 'AKIDBENCHLOCAL', secretAccessKey: 'bench-local-secret' },
    logger: pino({ level: 'silent' }),
  })
  return {
    app: running.app,
    config: {
      endpoint: running.url,
      region: 'us-east-1',
      credentials: running.adminKey,
      ca: undefined,
    } satisfies ClientConfig,
    async close() {
      await running.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const idp = makeIdp('https://bench-idp.example.com/saml')
const duration = Number(flags.duration)
const warmup = Number(flags.warmup)
const connections = Number(flags.connections)
const wanted = Number(flags.assertions)
const roles = [`${SAML_ROLE},${SAML_PROVIDER}`]
const samlBody = () =>
  form({
    Action: 'AssumeRoleWithSAML',
    Version: '2011-06-15',
    RoleArn: SAML_ROLE,
    PrincipalArn: SAML_PROVIDER,
    SAMLAssertion: samlAssertion(idp, { roles }, { sign }),
  })

console.error(`signing ${wanted} SAML responses (${sign})...`)
const signingStarted = performance.now()
const pool = Array.from({ length: wanted }, samlBody)
console.error(`signed in ${((performance.now() - signingStarted) / 1000).toFixed(1)} s`)

let parseMs = 0
let signatureMs = 0
let samlMs = 0
let webMs = 0
const rolegate = await startRolegate()
try {
  const token = await setUp(rolegate.config, idp.metadata)
  const webBody = form({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: WEB_ROLE,
    RoleSessionName: 'bench',
    WebIdentityToken: token,
  })
  const pid = rolegate.child.pid!
  const web = () => webBody
  await closedLoop(rolegate.url, pid, web, connections, warmup)
  const webRun = await closedLoop(rolegate.url, pid, web, connections, duration)
  // Warm-up spends assertions too: the measured run gets what is left.
  let next = 0
  const saml = () => pool[next++]
  await closedLoop(rolegate.url, pid, saml, connections, warmup)
  const samlRun = await closedLoop(rolegate.url, pid, saml, connections, duration)

  // The split, in this process: a rolegate of its own answering through its socket-free app, so
  // parse, signature and the whole call are measured on the same assertions in one process.
  const local = await startLocal()
  try {
    const localToken = await setUp(local.config, idp.metadata)
    const split = Array.from({ length: Number(flags.split) }, () =>
      samlAssertion(idp, { roles }, { sign }),
    )
    const xmls = split.map((posted) => decodeSamlResponse(posted))
    parseMs = await cpuPer(xmls, (xml) => void parseSamlResponse(xml))
    const parsed = xmls.map((xml) => parseSamlResponse(xml))
    signatureMs = await cpuPer(parsed, (p) => {
      for (const [signature, element] of [
        [p.responseSignature, p.response],
        [p.assertionSignature, p.assertion],
      ] as const) {
        if (signature === undefined) continue
        checkSignature(p.xml, signature, element.getAttribute('ID') ?? '', [idp.cert], {
          allowSha1: false,
        })
      }
    })
    const handle = async (params: Record<string, string>) => {
      const answer = await local.app.handle(queryRequest(params, { host: 'sts.amazonaws.com' }))
      if (answer.status !== 200) throw new Error(`${answer.status} ${String(answer.body)}`)
    }
    samlMs = await cpuPer(split, (posted) =>
      handle({
        Action: 'AssumeRoleWithSAML',
        Version: '2011-06-15',
        RoleArn: SAML_ROLE,
        PrincipalArn: SAML_PROVIDER,
        SAMLAssertion: posted,
      }),
    )
    webMs = await cpuPer(split, () =>
      handle({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: WEB_ROLE,
        RoleSessionName: 'bench',
        WebIdentityToken: localToken,
      }),
    )
  } finally {
    await local.close()
  }

  const row = (name: string, run: Run) =>
    `| ${name} | ${(run.requests / run.seconds).toFixed(0)} | ${run.p50.toFixed(2)} | ${run.p99.toFixed(2)} | ${run.cpuPerCall.toFixed(3)} | ${run.failures} |`
  console.log(
    `\nNode ${process.version}, ${connections} connections, ${duration} s each, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, SAML ${sign} signed, ${samlRun.requests} assertions redeemed\n`,
  )
  console.log('| call | req/s | p50 ms | p99 ms | server CPU ms/call | failures |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  console.log(row('AssumeRoleWithWebIdentity', webRun))
  console.log(row('AssumeRoleWithSAML', samlRun))
  const rest = samlMs - parseMs - signatureMs
  console.log(
    `\nIn process, without HTTP, over ${flags.split} calls: AssumeRoleWithSAML ${samlMs.toFixed(3)} ms of CPU = parse (decode, parse, shape) ${parseMs.toFixed(3)} + signature (xml-crypto) ${signatureMs.toFixed(3)} + the rest (signed XML read, checks, trust policy, replay record, credentials) ${rest.toFixed(3)}; AssumeRoleWithWebIdentity ${webMs.toFixed(3)} ms`,
  )
  console.log(
    `SAML / web identity CPU per call: ${(samlRun.cpuPerCall / webRun.cpuPerCall).toFixed(2)}x over HTTP, ${(samlMs / webMs).toFixed(2)}x in process (target: within 3x)`,
  )
} finally {
  rolegate.child.kill('SIGTERM')
}
