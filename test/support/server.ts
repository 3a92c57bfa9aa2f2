// Starts the real rolegate server in-process on 127.0.0.1, port 0, with a temporary data directory,
// for end-to-end tests through a real socket. Stop it with stop(); restart() reopens the same data.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Logger } from 'pino'
import type { AdminKey } from '../../src/iam/bootstrap.js'
import { startRolegate } from '../../src/main.js'
import type { RunningRolegate } from '../../src/main.js'
import { formatMasterKey } from '../../src/store/secrets/master-keyring.js'
import { TEST_MASTER_KEY } from './secrets.js'

/** Short dummy admin credentials, as the suites pass in ROLEGATE_ADMIN_*. */
export const TEST_ADMIN_KEY: AdminKey = {
  accessKeyId: 'AKIDTESTADMIN',
  secretAccessKey: 'test-admin-secret',
}

export interface TestServerOptions {
  /** The admin key; TEST_ADMIN_KEY unless given. `null` lets the server generate and save one. */
  adminKey?: AdminKey | null
  allowReset?: boolean
  /** Reuse a data directory (e.g. to restart over existing state); a fresh temp dir otherwise. */
  dataDir?: string
  /** PostgreSQL instead of SQLite in the data directory (sealed with TEST_MASTER_KEY). */
  databaseUrl?: string
  /** ROLEGATE_MASTER_KEY; with PostgreSQL, TEST_MASTER_KEY unless given. */
  masterKey?: string
  accountId?: string
  /** Request logs to stderr; silent unless asked (or ROLEGATE_TEST_LOGS=1). */
  logs?: boolean
  /** `--public-url`; the listening address unless given. */
  publicUrl?: string
  /** `--allow-saml-sha1`. */
  allowSamlSha1?: boolean
  /** `--saml-endpoint` values. */
  samlEndpoints?: string[]
  /** `--saml-entity-id` values. */
  samlEntityIds?: string[]
  /** Where the server logs instead (e.g. to collect its lines); overrides `logs`. */
  logger?: Logger
  /** `--max-staleness` in milliseconds; the server's default unless given. */
  maxStalenessMs?: number
  /** How often a PostgreSQL replica sends itself a heartbeat; 0 turns it off. */
  listenerHeartbeatMs?: number
  /** HTTPS with the local CA made in the data directory (TestServer.caFile). */
  tls?: boolean
}

export interface TestServer {
  /** `http://127.0.0.1:PORT`, the endpoint for clients. */
  url: string
  /** The admin's credentials, for signing. */
  admin: AdminKey
  accountId: string
  dataDir: string
  /** The local CA's certificate when started with `tls`. */
  caFile: string | undefined
  running: RunningRolegate
  /** Stops the server and closes its store; the data directory stays until cleanup(). */
  stop(): Promise<void>
  /** Stops, then starts again on the same data directory (a new port); clean up the new one. */
  restart(): Promise<TestServer>
  /** Stops and removes the data directory (unless it was passed in). */
  cleanup(): Promise<void>
}

export async function startTestServer(
  options: TestServerOptions = {},
  ownDir = options.dataDir === undefined,
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'rolegate-test-'))
  const accountId = options.accountId ?? '123456789012'
  const logs = options.logs ?? process.env['ROLEGATE_TEST_LOGS'] === '1'
  const adminKey = options.adminKey === undefined ? TEST_ADMIN_KEY : (options.adminKey ?? undefined)
  const running = await startRolegate({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl: options.databaseUrl,
    masterKey:
      options.masterKey ??
      (options.databaseUrl === undefined ? undefined : formatMasterKey(TEST_MASTER_KEY)),
    accountId,
    region: 'us-east-1',
    allowReset: options.allowReset ?? false,
    publicUrl: options.publicUrl,
    allowSamlSha1: options.allowSamlSha1,
    samlEndpoints: options.samlEndpoints,
    samlEntityIds: options.samlEntityIds,
    adminKey,
    logger: options.logger ?? pino({ level: logs ? 'info' : 'silent' }, pino.destination(2)),
    maxStalenessMs: options.maxStalenessMs,
    listenerHeartbeatMs: options.listenerHeartbeatMs,
    tls: options.tls === true ? {} : undefined,
  })
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await running.close()
  }
  return {
    url: running.url,
    admin: running.adminKey,
    accountId,
    dataDir,
    caFile: running.tls?.caFile,
    running,
    stop,
    async restart() {
      await stop()
      return startTestServer({ ...options, dataDir }, ownDir)
    },
    async cleanup() {
      await stop()
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
