// How long a failed sign-in at the built-in IdP takes for a user who exists (wrong password), a
// name no user has, and a name no user could have, through the composed app without a socket.
// The test (test/idp/sign-in-pages.test.ts) counts that scrypt runs once in each case; this
// measures what a caller timing the answers would see. Run: node --import tsx
// bench/idp/sign-in-timing.ts [--rounds N] (default 30 of each; about 10 s on two cores).
import { performance } from 'node:perf_hooks'
import { pino } from 'pino'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import type { HttpRequest, HttpResponse } from '../../src/http/http-message.js'
import { composeApp } from '../../src/main.js'
import { ROLEGATE_VERSION } from '../../src/admin-api/service.js'
import { signRequest } from '../../src/sigv4/sign.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

const ACCOUNT = '123456789012'
const ADMIN = { accessKeyId: 'AKIDBENCHADMIN', secretAccessKey: 'bench-secret' }
const PUBLIC_URL = 'http://rolegate.bench'
const BASE = `/idp/${ACCOUNT}`

const argument = process.argv.indexOf('--rounds')
const rounds = argument === -1 ? 30 : Number(process.argv[argument + 1])
if (!(rounds > 0)) throw new Error('--rounds takes a positive number')

const store = await openSqliteStore({ file: ':memory:' })
const { app } = await composeApp({
  store,
  accountId: ACCOUNT,
  region: 'us-east-1',
  adminKey: ADMIN,
  allowReset: false,
  logger: pino({ level: 'silent' }),
  publicUrl: () => PUBLIC_URL,
})

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

async function admin(action: string, params: Record<string, string>): Promise<void> {
  const body = new TextEncoder().encode(
    form({ Action: action, Version: ROLEGATE_VERSION, ...params }),
  )
  const request = {
    method: 'POST',
    path: '/',
    query: '',
    headers: [
      ['Host', 'rolegate.bench'],
      ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
    ] as [string, string][],
    body,
  }
  const signed = signRequest(request, ADMIN, {
    crypto: nodeCrypto,
    region: 'us-east-1',
    service: 'rolegate',
    date: new Date(),
  })
  const answer = await app.handle({ ...signed.request, sourceIp: '127.0.0.1', secure: false })
  if (answer.status !== 200) throw new Error(`${action}: ${answer.body}`)
}

function page(method: string, path: string, ip: string, cookie?: string, body = ''): HttpRequest {
  const headers: [string, string][] = [['Host', 'rolegate.bench']]
  if (cookie !== undefined) headers.push(['Cookie', cookie])
  if (method === 'POST') {
    headers.push(['Content-Type', 'application/x-www-form-urlencoded'], ['Origin', PUBLIC_URL])
  }
  return {
    method,
    path,
    query: '',
    headers,
    body: new TextEncoder().encode(body),
    sourceIp: ip,
    secure: false,
  }
}

const cookieOf = (response: HttpResponse) =>
  /^([^;]+)/.exec(response.headers['set-cookie'] ?? '')?.[1]

/** Milliseconds from the POST of a wrong password to its 401, with a fresh form and address. */
async function failedSignIn(username: string, ip: string): Promise<number> {
  const login = await app.handle(page('GET', `${BASE}/sso`, ip))
  const csrf = /name="csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? ''
  const body = form({ csrf, username, password: 'not-the-password' })
  const started = performance.now()
  const answer = await app.handle(page('POST', `${BASE}/sso`, ip, cookieOf(login), body))
  const elapsed = performance.now() - started
  if (answer.status !== 401) throw new Error(`${username}: HTTP ${answer.status}`)
  return elapsed
}

// The app comes into being with its metadata; one user per round, so no name meets the limit of
// five failures, and one address per attempt, so none meets the limit of twenty.
await admin('GetIdpMetadata', {})
for (let i = 0; i < rounds; i += 1) {
  await admin('CreateIdpUser', { UserName: `user-${i}`, Password: `password-${i}-long` })
}

const samples = { known: [] as number[], unknown: [] as number[], malformed: [] as number[] }
for (let i = 0; i < rounds; i += 1) {
  // Interleaved, so drift in the machine's load falls on every kind alike.
  samples.known.push(await failedSignIn(`user-${i}`, `10.0.${i >> 8}.${i & 255}`))
  samples.unknown.push(await failedSignIn(`nobody-${i}`, `10.1.${i >> 8}.${i & 255}`))
  samples.malformed.push(await failedSignIn(`no such name ${i}!`, `10.2.${i >> 8}.${i & 255}`))
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0
const known = quantile(samples.known, 0.5)
console.log(`failed sign-ins, ${rounds} of each (ms)`)
console.log('kind        median     p90   vs known')
for (const [kind, values] of Object.entries(samples)) {
  const median = quantile(values, 0.5)
  console.log(
    `${kind.padEnd(10)} ${median.toFixed(1).padStart(7)} ${quantile(values, 0.9).toFixed(1).padStart(7)}   ${(median / known).toFixed(2)}x`,
  )
}
await store.close()
