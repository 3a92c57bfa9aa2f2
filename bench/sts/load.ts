// Load generators for the STS benchmark. Keep-alive load is autocannon; a server that closes every
// connection (moto's werkzeug answers `Connection: close`) stalls autocannon after one response per
// connection, so it gets a closed loop over node:http that opens a connection per request instead.
// Fixed-rate load is paced here too: autocannon's rate limit sends each second's quota in a burst.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'

/** One HTTP POST sent again and again, byte for byte. */
export interface Prepared {
  headers: Record<string, string>
  body: string
}

/**
 * `keep-alive`: autocannon, each connection sending again as soon as it has an answer;
 * `fresh`: the same closed loop with a new TCP connection for every request, as moto requires;
 * `paced`: requests sent evenly at `rate` per second over keep-alive connections (open loop).
 */
export type ClientKind = 'keep-alive' | 'fresh' | 'paced' | 'wrk' | 'wrk-close'

export interface LoadOptions {
  url: string
  prepared: Prepared
  connections: number
  seconds: number
  client: ClientKind
  /** Requests per second over all connections, for `paced`. */
  rate?: number | undefined
}

export interface LoadResult {
  /** 2xx answers. */
  ok: number
  /** Non-2xx answers, connection errors and timeouts. */
  failures: number
  /** Wall time actually spent. */
  seconds: number
  /** Milliseconds from sending (paced: from when due) to the end of the answer; 2xx only, unsorted. */
  latencies: number[]
  /** In milliseconds, when the client measured them itself (wrk) instead of listing latencies. */
  percentiles?: { p50: number; p99: number; max: number }
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.client === 'fresh') return freshConnections(options)
  if (options.client === 'paced') return paced(options)
  if (options.client === 'wrk') return wrk(options)
  if (options.client === 'wrk-close') {
    const headers = { ...options.prepared.headers, Connection: 'close' }
    return wrk({ ...options, prepared: { ...options.prepared, headers } })
  }
  return keepAlive(options)
}

function keepAlive(options: LoadOptions): Promise<LoadResult> {
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond percentiles need our own.
  const latencies: number[] = []
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
        method: 'POST',
        headers: options.prepared.headers,
        body: options.prepared.body,
      },
      (error, result) =>
        error
          ? reject(error)
          : resolve({
              ok: result['2xx'],
              failures: result.non2xx + result.errors + result.timeouts,
              seconds: result.duration,
              latencies,
            }),
    )
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms)
    })
  })
}

/** Sends one request through `agent`; resolves with its latency in ms, or undefined on failure. */
function send(
  agent: Agent,
  target: URL,
  prepared: Prepared,
  since = performance.now(),
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      target,
      { method: 'POST', agent, headers: prepared.headers },
      (response) => {
        response.resume()
        response.on('end', () => {
          const status = response.statusCode ?? 0
          resolve(status >= 200 && status < 300 ? performance.now() - since : undefined)
        })
        response.on('error', () => resolve(undefined))
      },
    )
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('timeout')))
    outgoing.on('error', () => resolve(undefined))
    outgoing.end(prepared.body)
  })
}

async function freshConnections(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: options.connections })
  const target = new URL('/', options.url)
  const latencies: number[] = []
  let failures = 0
  const one = async () => {
    const ms = await send(agent, target, options.prepared)
    if (ms === undefined) failures++
    else latencies.push(ms)
  }
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  const loop = async () => {
    while (performance.now() < deadline) await one()
  }
  await Promise.all(Array.from({ length: options.connections }, loop))
  agent.destroy()
  return {
    ok: latencies.length,
    failures,
    seconds: (performance.now() - started) / 1000,
    latencies,
  }
}

async function paced(options: LoadOptions): Promise<LoadResult> {
  const rate = options.rate ?? 0
  if (!(rate > 0)) throw new RangeError('paced load needs a rate')
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const target = new URL('/', options.url)
  const latencies: number[] = []
  let failures = 0
  const inFlight: Promise<void>[] = []
  const started = performance.now()
  const total = Math.floor(rate * options.seconds)
  for (let i = 0; i < total; i++) {
    // Latency counts from when the request was due, so a server that falls behind pays for the
    // requests waiting on it (no coordinated omission).
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait >= 1) await sleep(wait)
    inFlight.push(
      send(agent, target, options.prepared, due).then((ms) => {
        if (ms === undefined) failures++
        else latencies.push(ms)
      }),
    )
  }
  await Promise.all(inFlight)
  agent.destroy()
  return {
    ok: latencies.length,
    failures,
    seconds: (performance.now() - started) / 1000,
    latencies,
  }
}

/** A Lua long string that the text cannot end early. */
function luaString(text: string): string {
  let level = ''
  while (text.includes(`]${level}]`)) level += '='
  return `[${level}[${text}]${level}]`
}

/**
 * wrk (C, one thread) as the closed loop: it costs the machine far less CPU per request than a
 * Node.js client, so the server gets more of the machine. It keeps connections open unless the
 * server closes them, and reconnects when one does (moto). Its `done` hook prints the summary as
 * JSON, latency percentiles in microseconds.
 */
async function wrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-wrk-'))
  const script = join(dir, 'post.lua')
  const headers = Object.entries(options.prepared.headers)
    .map(([name, value]) => `wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`)
    .join('\n')
  writeFileSync(
    script,
    `wrk.method = "POST"
wrk.body = ${luaString(options.prepared.body)}
${headers}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration":%d,"errors":%d,"p50":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`,
  )
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'wrk',
        [
          '-t1',
          `-c${options.connections}`,
          `-d${options.seconds}s`,
          '--timeout',
          '10s',
          '-s',
          script,
          `${options.url}/`,
        ],
        (error, out) => (error ? reject(error) : resolve(out)),
      )
    })
    const line = stdout.split('\n').find((text) => text.startsWith('{"requests"')) ?? stdout
    const summary = JSON.parse(line) as Record<
      'requests' | 'duration' | 'errors' | 'p50' | 'p99' | 'max',
      number
    >
    return {
      ok: summary.requests - summary.errors,
      failures: summary.errors,
      seconds: summary.duration / 1e6,
      latencies: [],
      percentiles: { p50: summary.p50 / 1000, p99: summary.p99 / 1000, max: summary.max / 1000 },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
