// Starts rolegate in-process for the federation end-to-end tests, with what startTestServer does not
// offer: HTTPS from the local CA (`serve --tls`), a public URL, a CA bundle for external issuers and
// a clock the test can move. `rolegate(...)` runs the real client commands against it.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Clock } from '../../src/core/clock.js'
import type { AdminKey } from '../../src/iam/bootstrap.js'
import { startRolegate } from '../../src/main.js'
import type { RunningRolegate } from '../../src/main.js'
import { runRolegate } from './rolegate-cli.js'
import type { CliRun } from './rolegate-cli.js'
import { TEST_ADMIN_KEY } from './server.js'

/** The system clock moved by an offset the test sets: unsigned calls see the moved time. */
export class ShiftedClock implements Clock {
  offsetMs = 0
  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }
}

export interface FederationServerOptions {
  /** Serve HTTPS with a certificate from the local CA in the data directory (`serve --tls`). */
  tls?: boolean
  /** `--public-url`; built-in issuers live under it. */
  publicUrl?: string
  /** Extra CA certificates (PEM) trusted when fetching external issuers' discovery and JWKS. */
  caBundle?: string
  clock?: Clock
}

export type RolegateRun = CliRun

export interface FederationServer {
  /** Where clients connect: `https://127.0.0.1:PORT` with TLS, else `http://...`. */
  url: string
  /** The base of built-in issuer URLs. */
  publicUrl: string
  accountId: string
  admin: AdminKey
  /** The local CA (DATA/ca.pem) with TLS; what AWS_CA_BUNDLE must name. */
  caFile: string | undefined
  /** Variables every AWS client needs for this server (AWS_CA_BUNDLE with TLS). */
  clientEnv: Record<string, string>
  running: RunningRolegate
  /** `rolegate ARGS` (the client commands) as `key` (the admin unless given), as it ran. */
  rolegate(args: string[], key?: AdminKey): Promise<RolegateRun>
  /** `rolegate ARGS` that must succeed; its standard output. */
  rolegateOk(args: string[], key?: AdminKey): Promise<string>
  cleanup(): Promise<void>
}

export async function startFederationServer(
  options: FederationServerOptions = {},
): Promise<FederationServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-federation-'))
  const accountId = '123456789012'
  const running = await startRolegate({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    accountId,
    region: 'us-east-1',
    allowReset: false,
    adminKey: TEST_ADMIN_KEY,
    publicUrl: options.publicUrl,
    caBundle: options.caBundle,
    clock: options.clock,
    tls: options.tls === true ? {} : undefined,
    logger: pino({ level: process.env['ROLEGATE_TEST_LOGS'] === '1' ? 'info' : 'silent' }),
  })
  const caFile = running.tls?.caFile
  const clientEnv: Record<string, string> = caFile === undefined ? {} : { AWS_CA_BUNDLE: caFile }

  const rolegate = (args: string[], key: AdminKey = running.adminKey) =>
    runRolegate(args, {
      HOME: dataDir,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_ENDPOINT_URL: running.url,
      ...clientEnv,
    })

  return {
    url: running.url,
    publicUrl: running.publicUrl,
    accountId,
    admin: running.adminKey,
    caFile,
    clientEnv,
    running,
    rolegate,
    async rolegateOk(args, key) {
      const result = await rolegate(args, key)
      assert.equal(result.code, 0, `rolegate ${args.join(' ')}: ${result.err}`)
      return result.out
    },
    async cleanup() {
      await running.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
