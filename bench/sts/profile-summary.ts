// Reads a V8 .cpuprofile (from `run.ts --profile DIR`) and prints where the time went: by request
// stage, the top functions by self time, by files and packages, and our functions inclusive.
// Run: node --import tsx bench/sts/profile-summary.ts FILE.cpuprofile [top]
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: profile-summary.ts FILE.cpuprofile [top]')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))

// Self time per node: each sample's delta belongs to the node on top of the stack.
const selfMicros = new Map<number, number>()
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0)

/** node_modules/PACKAGE, src/..., node:internal, or a V8 pseudo-frame like (garbage collector). */
function place(url: string, name: string): string {
  if (url === '') return `(${name.replace(/[()]/g, '') || 'native'})`
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules) return `pkg ${modules[1]}`
  const ours = /\/(src|bench)\/(.*)$/.exec(url)
  if (ours) return `${ours[1]}/${ours[2]}`
  return url.replace(/^node:/, 'node:')
}

const byFunction = new Map<string, number>()
const byPlace = new Map<string, number>()
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id)!
  const where = place(callFrame.url, callFrame.functionName)
  const fn = `${callFrame.functionName || '(anonymous)'}  ${where}:${callFrame.lineNumber + 1}`
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros)
  byPlace.set(where, (byPlace.get(where) ?? 0) + micros)
}

// Inclusive time of our own functions: a sample counts once for every src/ function on its stack.
const parent = new Map<number, number>()
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id)
const inclusive = new Map<string, number>()
for (const [id, micros] of selfMicros) {
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { callFrame } = byId.get(at)!
    const where = place(callFrame.url, callFrame.functionName)
    if (!where.startsWith('src/')) continue
    const fn = `${callFrame.functionName || '(anonymous)'}  ${where}:${callFrame.lineNumber + 1}`
    if (seen.has(fn)) continue
    seen.add(fn)
    inclusive.set(fn, (inclusive.get(fn) ?? 0) + micros)
  }
}

// Each sample goes to the innermost stage on its stack (a zlib call inside sealing is sealing).
const STAGES: [string, RegExp][] = [
  [
    'store: Kysely, better-sqlite3, transactions',
    /kysely|better-sqlite3|store\/kysely|store\/sqlite/,
  ],
  ['JWT: decode, key checks, import, RS256 verify (jose)', /federation\/oidc|\/jose\//],
  [
    'credentials: ids, HMAC, deflate, AES-GCM seal',
    /session-token|sealed-box|access-key-id|keyring/,
  ],
  ['SigV4 verification', /\/sigv4\//],
  ['session token open, caller lookup', /session-resolver|\/credentials\//],
  ['trust policy evaluation', /evaluate-federated-trust|\/policy\//],
  ['XML encoding', /http\/xml\.ts|http\/json-encoder|response-encoder/],
  ['Query decoding, input checks', /query-decoding|core\/input/],
]
const byStage = new Map<string, number>()
for (const [id, micros] of selfMicros) {
  const leaf = byId.get(id)!.callFrame
  let stage: string | undefined
  if (leaf.url === '' && /^\((garbage collector|idle|program)\)$/.test(leaf.functionName)) {
    stage = leaf.functionName
  }
  const urls: string[] = []
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    urls.push(byId.get(at)!.callFrame.url)
  }
  for (const url of urls) {
    stage ??= STAGES.find(([, pattern]) => pattern.test(url))?.[0]
  }
  // node:http's own modules (_http_server, _http_outgoing, ...), its TLS and streams, and our
  // adapter around it (node-server.ts, request-body.ts).
  stage ??=
    urls.some((url) =>
      /_http|_tls|node:net|node:https|stream|http\/node-server|http\/request-body/.test(url),
    ) || /^(writev|writeBuffer|writeUtf8String)$/.test(leaf.functionName)
      ? 'HTTP: node:http (llhttp), connections, sockets, bodies'
      : urls.some((url) => /\/src\//.test(url))
        ? 'other rolegate code (routing, operation glue)'
        : 'other (microtasks, async hooks)'
  byStage.set(stage, (byStage.get(stage) ?? 0) + micros)
}

const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`)
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`)
  }
}
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`)
print('time by stage (innermost stage on the stack)', byStage)
print('self time by function', byFunction)
print('self time by file or package', byPlace)
print('inclusive time of src/ functions (async continuations count apart)', inclusive)
