// Starting a server: the state prepared once (migrations, admin key, keyring, TLS files), then
// the socket; `--workers` prepares once and starts each worker over the same state.
import { readFile } from 'node:fs/promises'
import type { Logger } from 'pino'
import { systemClock } from '../core/clock.js'
import type { App } from '../http/app.js'
import { startServer } from '../http/node-server.js'
import type { RunningServer } from '../http/node-server.js'
import type { AdminKey } from '../iam/bootstrap.js'
import type { Store } from '../store/ports.js'
import type { UsageRecorder } from '../credentials/usage-recorder.js'
import { certificateNames, ensureLocalTls } from '../tls/local-tls.js'
import type { RolegateConfig } from './config.js'
import { composeApp, defaultLogger } from './compose-app.js'
import type { Composed } from './compose-app.js'
import { ensureDataDir, masterKeysFor, openStore, saveAdminCredentials } from './state.js'

/** How a TLS server was set up, for the startup message. */
export interface RunningTls {
  certFile: string
  keyFile: string
  /** The local CA's certificate; undefined when the operator brought their own certificate. */
  caFile: string | undefined
}

export interface RunningRolegate {
  url: string
  publicUrl: string
  adminKey: AdminKey
  /** Where the generated admin key was saved; undefined when it came from the environment. */
  adminCredentialsFile: string | undefined
  /** Where the state lives: the SQLite file, or the PostgreSQL URL without its password. */
  database: string
  app: App
  store: Store
  /** Last use of keys and roles, written every few seconds; flush() writes it now. */
  usage: UsageRecorder
  /** EKS tokens verified against this server's STS (src/kubernetes/authenticator). */
  eksTokens: Composed['eksTokens']
  server: RunningServer
  tls: RunningTls | undefined
  close(): Promise<void>
}

/** The certificate and key to serve: the operator's files, or the local CA's certificate. */
async function serverTls(
  config: RolegateConfig,
): Promise<RunningTls & { cert: string; key: string }> {
  const { certFile, keyFile } = config.tls ?? {}
  if (certFile !== undefined && keyFile !== undefined) {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')])
    return { cert, key, certFile, keyFile, caFile: undefined }
  }
  const names = certificateNames(config.host, config.publicUrl)
  return ensureLocalTls(config.dataDir, names, (config.clock ?? systemClock).now())
}

/** The state opened and bootstrapped, with what the server needs; no socket yet. */
interface SetUp {
  store: Store
  database: string
  composed: Composed
  adminCredentialsFile: string | undefined
  tls: (RunningTls & { cert: string; key: string }) | undefined
  /** Sets the public URL once the listening address is known (when none was configured). */
  listeningAt(url: string): string
}

async function setUp(config: RolegateConfig, logger: Logger): Promise<SetUp> {
  await ensureDataDir(config.dataDir)
  const masterKeys = masterKeysFor(config)
  if (masterKeys.created) logger.info({ file: masterKeys.file }, 'made a master key file')
  const { store, database } = await openStore(config, masterKeys.keyring, {
    onDeafEpisode: ({ cause, startedAt, durationMs }) =>
      logger.warn(
        { cause, startedAt: startedAt.toISOString(), durationMs },
        'writes of other processes went unheard: caches were bypassed, every request read the database',
      ),
  })
  // The listening address is known only once bound (port 0); issuers read the URL when asked.
  let publicUrl = config.publicUrl
  let usage: UsageRecorder | undefined
  try {
    const composed = await composeApp({
      store,
      accountId: config.accountId,
      region: config.region,
      adminKey: config.adminKey,
      allowReset: config.allowReset,
      logger,
      clock: config.clock,
      ids: config.ids,
      caBundle:
        config.caBundle ??
        (config.caBundleFile === undefined
          ? undefined
          : await readFile(config.caBundleFile, 'utf8')),
      allowHttpIssuers: config.allowHttpIssuers,
      publicUrl: () => publicUrl ?? '',
    })
    usage = composed.usage
    const adminCredentialsFile = config.adminKey
      ? undefined
      : await saveAdminCredentials(config.dataDir, composed.adminKey)
    const tls = config.tls ? await serverTls(config) : undefined
    return {
      store,
      database,
      composed,
      adminCredentialsFile,
      tls,
      listeningAt: (url) => (publicUrl ??= url),
    }
  } catch (error) {
    await usage?.close()
    await store.close()
    throw error
  }
}

const runningTls = (tls: SetUp['tls']): RunningTls | undefined =>
  tls && { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile }

/** What a server started from this state reports, whether one process serves it or several. */
export type PreparedState = Pick<
  RunningRolegate,
  'adminKey' | 'adminCredentialsFile' | 'database' | 'tls'
>

/**
 * Does once what every start does before it listens (migrations, the admin key and its
 * credentials file, the session keyring, TLS files) and closes the store again, so that several
 * processes can then start over the same state without racing to create it (`--workers`).
 */
export async function prepareState(config: RolegateConfig): Promise<PreparedState> {
  const prepared = await setUp(config, config.logger ?? defaultLogger())
  await prepared.composed.usage.close()
  await prepared.store.close()
  return {
    adminKey: prepared.composed.adminKey,
    adminCredentialsFile: prepared.adminCredentialsFile,
    database: prepared.database,
    tls: runningTls(prepared.tls),
  }
}

export async function startRolegate(config: RolegateConfig): Promise<RunningRolegate> {
  const logger = config.logger ?? defaultLogger()
  const prepared = await setUp(config, logger)
  const { store, composed, tls } = prepared
  try {
    if (config.allowReset) {
      logger.warn('--allow-reset: anyone who can reach this server can wipe all of its state')
    }
    const server = await startServer(composed.app, {
      host: config.host,
      port: config.port,
      logger,
      tls: tls && { cert: tls.cert, key: tls.key },
    })
    return {
      url: server.url,
      publicUrl: prepared.listeningAt(server.url),
      tls: runningTls(tls),
      adminKey: composed.adminKey,
      adminCredentialsFile: prepared.adminCredentialsFile,
      database: prepared.database,
      app: composed.app,
      store,
      usage: composed.usage,
      eksTokens: composed.eksTokens,
      server,
      async close() {
        await server.close()
        // After the last request, before the store: the uses noted last are written, not lost.
        await composed.usage.close()
        await store.close()
      },
    }
  } catch (error) {
    await composed.usage.close()
    await store.close()
    throw error
  }
}
