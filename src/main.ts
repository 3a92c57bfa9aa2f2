// Composition root: config -> store -> services -> server. The only place adapters are chosen
// (SQLite in the data directory unless a PostgreSQL URL is given) and where files are written.
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Logger } from 'pino'
import type { Clock } from './core/clock.js'
import { systemClock } from './core/clock.js'
import type { IdSource } from './core/ids.js'
import { randomIds } from './core/ids.js'
import { nodeCrypto } from './core/node-crypto.js'
import { createApp } from './http/app.js'
import type { App } from './http/app.js'
import { startServer } from './http/node-server.js'
import type { RunningServer } from './http/node-server.js'
import { iamQueryService } from './http/query-service.js'
import { IamAuthorizer } from './iam/authorize.js'
import { bootstrap } from './iam/bootstrap.js'
import type { AdminKey } from './iam/bootstrap.js'
import { iamOperations } from './iam/operations.js'
import { IamService } from './iam/service.js'
import type { ResealCount, Store } from './store/ports.js'
import { AccessKeyResolver } from './credentials/access-key-resolver.js'
import { UsageRecorder } from './credentials/usage-recorder.js'
import { openSqliteStore } from './store/sqlite/open-sqlite-store.js'
import { AdminService } from './admin-api/service.js'
import { adminOperations } from './admin-api/operations.js'
import { BuiltInIssuers } from './federation/issuer/index.js'
import { certificateNames, ensureLocalTls } from './tls/local-tls.js'
import { composeSts, refuseUserSessions } from './sts/compose.js'
import type { BuiltInKeys } from './sts/compose.js'
import { loadMasterKeys, MASTER_KEY_ENV, writeKeyFile } from './composition/master-key.js'

export { MASTER_KEY_ENV }
import { generateMasterKey } from './store/secrets/master-keyring.js'
import type { MasterKeyring } from './store/secrets/master-keyring.js'

export interface RolegateConfig {
  host: string
  /** 0 picks a free port. */
  port: number
  /** Holds rolegate.db (SQLite), its master-key file and admin-credentials; kept 0700. */
  dataDir: string
  /** `postgres://...`; when absent the store is SQLite at DATA/rolegate.db. */
  databaseUrl?: string | undefined
  /** ROLEGATE_MASTER_KEY: base64 keys, comma-separated, the first sealing stored secrets. */
  masterKey?: string | undefined
  /** `--master-key-file`: a file of such keys, one a line; else DATA/master-key (SQLite only). */
  masterKeyFile?: string | undefined
  accountId: string
  region: string
  /** The URL clients reach this server at; defaults to the listening address. */
  publicUrl?: string | undefined
  allowReset: boolean
  /** The admin key the operator chose (ROLEGATE_ADMIN_*); otherwise one is generated and saved. */
  adminKey?: AdminKey | undefined
  /** Defaults to pino at `info` on stderr. */
  logger?: Logger | undefined
  clock?: Clock | undefined
  ids?: IdSource | undefined
  /** Extra CA certificates (PEM) trusted when fetching external OIDC issuers' keys. */
  caBundle?: string | readonly string[] | undefined
  /** A PEM file of such certificates (`--issuer-ca-bundle`); read at start. */
  caBundleFile?: string | undefined
  /** Accept plain-http OIDC issuers on loopback (development only). */
  allowHttpIssuers?: boolean | undefined
  /** Other processes serve from the same SQLite file (`--workers`); PostgreSQL is always shared. */
  sharedStore?: boolean | undefined
  /**
   * Serve HTTPS: with the given PEM files, or else with a certificate from a local CA made once in
   * the data directory (DATA/ca.pem is then what clients trust, e.g. as AWS_CA_BUNDLE).
   */
  tls?: { certFile?: string | undefined; keyFile?: string | undefined } | undefined
}

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
  server: RunningServer
  tls: RunningTls | undefined
  close(): Promise<void>
}

export const DEFAULT_PORT = 4599
export const DEFAULT_ACCOUNT_ID = '123456789012'
export const DEFAULT_REGION = 'us-east-1'
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials'
export const ADMIN_PROFILE = 'rolegate'

/** ROLEGATE_ADMIN_ACCESS_KEY_ID / ROLEGATE_ADMIN_SECRET_ACCESS_KEY, both or neither. */
export function adminKeyFromEnvironment(env: NodeJS.ProcessEnv): AdminKey | undefined {
  const accessKeyId = env['ROLEGATE_ADMIN_ACCESS_KEY_ID'] ?? ''
  const secretAccessKey = env['ROLEGATE_ADMIN_SECRET_ACCESS_KEY'] ?? ''
  if (accessKeyId === '' && secretAccessKey === '') return undefined
  if (accessKeyId === '' || secretAccessKey === '') {
    throw new Error(
      'Set both ROLEGATE_ADMIN_ACCESS_KEY_ID and ROLEGATE_ADMIN_SECRET_ACCESS_KEY, or neither.',
    )
  }
  if (!/^\w+$/.test(accessKeyId)) {
    throw new Error('ROLEGATE_ADMIN_ACCESS_KEY_ID may hold only letters, digits and underscores.')
  }
  return { accessKeyId, secretAccessKey }
}

/** The admin key in AWS's shared-credentials format, under profile [rolegate]. */
export const formatCredentialsFile = (key: AdminKey): string =>
  `[${ADMIN_PROFILE}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`

/** Saves a generated admin key, readable by its owner only; rewrites it only when it changed. */
async function saveAdminCredentials(dataDir: string, key: AdminKey): Promise<string> {
  const file = join(dataDir, ADMIN_CREDENTIALS_FILE)
  const content = formatCredentialsFile(key)
  const current = await readFile(file, 'utf8').catch(() => undefined)
  if (current !== content) {
    await mkdir(dataDir, { recursive: true })
    await writeFile(file, content, { mode: 0o600 })
  }
  // writeFile's mode applies only to a new file; an older one may be wider.
  await chmod(file, 0o600)
  return file
}

const redactUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')

/** The data directory, made or narrowed to its owner alone whatever the umask. */
async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await chmod(dataDir, 0o700)
}

/** The PostgreSQL URL the state lives at, or undefined for SQLite in the data directory. */
function postgresUrl(databaseUrl: string | undefined): string | undefined {
  if (databaseUrl === undefined || databaseUrl === '') return undefined
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`--database-url must be a postgres:// URL, got ${redactUrl(databaseUrl)}`)
  }
  return databaseUrl
}

// Loaded only when asked for: the pg driver costs start-up time SQLite users need not pay.
const postgresAdapter = () => import('./store/postgres/open-postgres-store.js')

/** Where the master keys come from for the state at `location`. */
const masterKeysFor = (location: StateLocation, options: { readOnly?: boolean } = {}) =>
  loadMasterKeys({
    masterKey: location.masterKey,
    masterKeyFile: location.masterKeyFile,
    dataDir: location.dataDir,
    sharedDatabase: postgresUrl(location.databaseUrl) !== undefined,
    readOnly: options.readOnly === true,
  })

async function openStore(
  config: Pick<RolegateConfig, 'dataDir' | 'databaseUrl' | 'sharedStore'>,
  secrets: MasterKeyring,
): Promise<{ store: Store; database: string }> {
  const url = postgresUrl(config.databaseUrl)
  if (url !== undefined) {
    const { openPostgresStore } = await postgresAdapter()
    const store = await openPostgresStore({ connectionString: url, secrets })
    return { store, database: redactUrl(url) }
  }
  const file = join(config.dataDir, 'rolegate.db')
  const shared = config.sharedStore === true
  return { store: await openSqliteStore({ file, shared, secrets }), database: file }
}

/** What `rolegate keys rotate-master` did. */
export interface MasterKeyRotation {
  /** The key that seals from now on. */
  masterKeyId: string
  /** The keys that sealed before: dropped from a key file, to be dropped from the environment. */
  retiredKeyIds: string[]
  source: string
  resealed: ResealCount
}

/**
 * Seals every stored secret with a new master key. With a key file, a new key is made, written
 * first beside the old ones, every secret sealed with it, and the old keys dropped; servers that
 * read the file follow it on their own. With ROLEGATE_MASTER_KEY, the operator puts the new key
 * first (after restarting the servers with it there), and drops the old ones once this is done.
 */
export async function rotateMasterKey(config: StateLocation): Promise<MasterKeyRotation> {
  const loaded = masterKeysFor(config)
  let keyring = loaded.keyring
  const fresh = loaded.file === undefined ? undefined : generateMasterKey()
  if (loaded.file !== undefined && fresh !== undefined) {
    writeKeyFile(loaded.file, [fresh, ...loaded.keys])
    keyring = masterKeysFor(config).keyring
  } else if (loaded.keys.length < 2) {
    throw new Error(
      `put the new master key first in ${loaded.source} (NEW,OLD; make one with: openssl rand -base64 32), start the servers with both, then rotate again`,
    )
  }
  const { store } = await openStore(config, keyring)
  try {
    const resealed: ResealCount = { accessKeys: 0, sessionKeys: 0, issuerKeys: 0 }
    // Servers that sealed with an old key meanwhile leave more to seal: go again until none is.
    for (let pass = 0; pass < 5; pass += 1) {
      const count = await store.resealSecrets()
      resealed.accessKeys += count.accessKeys
      resealed.sessionKeys += count.sessionKeys
      resealed.issuerKeys += count.issuerKeys
      if (pass > 0 && count.accessKeys + count.sessionKeys + count.issuerKeys === 0) break
    }
    if (loaded.file !== undefined && fresh !== undefined) writeKeyFile(loaded.file, [fresh])
    return {
      masterKeyId: keyring.sealingKeyId,
      retiredKeyIds: loaded.keys.map((key) => key.id).filter((id) => id !== keyring.sealingKeyId),
      source: loaded.source,
      resealed,
    }
  } finally {
    await store.close()
  }
}

/** Where the state is and the master keys that open its secrets (`explain`, `rotate-master`). */
export interface StateLocation {
  /** Holds rolegate.db when no database URL is given, and its master-key file. */
  dataDir: string
  /** `postgres://...`: the state is in PostgreSQL. */
  databaseUrl?: string | undefined
  /** ROLEGATE_MASTER_KEY. */
  masterKey?: string | undefined
  /** `--master-key-file`. */
  masterKeyFile?: string | undefined
}

/**
 * The state a server keeps, opened to read only: never created or migrated, and no lock taken
 * that would hold up a server using it at the same time.
 */
export async function openStoreToRead(location: StateLocation): Promise<Store> {
  const url = postgresUrl(location.databaseUrl)
  const secrets = masterKeysFor(location, { readOnly: true }).keyring
  if (url !== undefined) {
    const { openPostgresStore } = await postgresAdapter()
    return openPostgresStore({ connectionString: url, readOnly: true, secrets })
  }
  const file = join(location.dataDir, 'rolegate.db')
  if (!existsSync(file)) throw new Error(`no rolegate database at ${file} (see --data)`)
  return openSqliteStore({ file, readOnly: true, secrets })
}

export const defaultLogger = (quiet = false): Logger =>
  pino({ level: quiet ? 'silent' : 'info', base: null }, pino.destination(2))

export interface ComposeOptions {
  store: Store
  accountId: string
  region: string
  /** The admin key to bootstrap with; one is generated when absent and the admin has none. */
  adminKey?: AdminKey | undefined
  allowReset: boolean
  logger: Logger
  clock?: Clock | undefined
  ids?: IdSource | undefined
  /** Extra CA certificates (PEM) trusted when fetching external OIDC issuers' keys. */
  caBundle?: string | readonly string[] | undefined
  /** Accept plain-http OIDC issuers on loopback (development only; logged as insecure). */
  allowHttpIssuers?: boolean | undefined
  /** Keys of built-in OIDC issuers, answered in process before any HTTP fetch. */
  builtInKeys?: BuiltInKeys | undefined
  /** The public URL built-in issuers live under; known once the socket listens, hence a function. */
  publicUrl?: (() => string) | undefined
  /** How often recorded use of keys and roles is written; the recorder's default unless given. */
  usageFlushMs?: number | undefined
}

export interface Composed {
  app: App
  /** The admin key in force (kept across resets). */
  adminKey: AdminKey
  /** True when bootstrap generated the key on this start. */
  generated: boolean
  /** Close it before the store, so the last uses noted are written. */
  usage: UsageRecorder
}

/** Bootstraps the store and wires services and the socket-free app over it. */
export async function composeApp(options: ComposeOptions): Promise<Composed> {
  const { store, logger } = options
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? randomIds
  const boot = await bootstrap(store, {
    accountId: options.accountId,
    adminKey: options.adminKey,
    ids,
    now: clock.now(),
  })
  const adminKey = boot.adminKey
  const usage = new UsageRecorder({
    store,
    logger,
    ...(options.usageFlushMs === undefined ? {} : { intervalMs: options.usageFlushMs }),
  })
  const authorizer = new IamAuthorizer(store)
  const iam = new IamService(store, authorizer, ids, iamOperations)
  const issuers = new BuiltInIssuers({
    store,
    clock,
    publicUrl: options.publicUrl ?? (() => `http://127.0.0.1:${DEFAULT_PORT}`),
  })
  const rolegate = new AdminService(
    store,
    authorizer,
    { primaryAccountId: options.accountId, issuers, ids },
    adminOperations,
  )
  const sts = composeSts({
    store,
    authorizer,
    clock,
    ids,
    caBundle: options.caBundle,
    allowHttpIssuers: options.allowHttpIssuers,
    builtInKeys: options.builtInKeys ?? issuers.keys,
    usage,
  })
  await sts.bootstrap()
  if (options.allowHttpIssuers === true) {
    logger.warn('--allow-http-issuers: plain-http OIDC issuers on loopback are trusted (insecure)')
  }
  const reset = async () => {
    await store.wipe()
    await bootstrap(store, { accountId: options.accountId, adminKey, ids, now: clock.now() })
    await sts.bootstrap()
    logger.warn('state wiped and bootstrapped again')
  }
  const served = createApp({
    services: { iam: refuseUserSessions(iamQueryService(iam)), sts: sts.service, rolegate },
    issuers,
    credentials: [new AccessKeyResolver(store), sts.resolver],
    usage,
    authorizationMessage: (error, request) => sts.authorizationMessage(error, request),
    crypto: nodeCrypto,
    clock,
    ids,
    logger,
    defaultRegion: options.region,
    admin: {
      reset: options.allowReset ? reset : undefined,
      health: () => ({ accountId: options.accountId }),
    },
  })
  // Another process on the same database (a --workers sibling, a replica) may have written since
  // the last request: caches must not answer from before that.
  const app: App = {
    handle(request) {
      store.noticeOtherWriters()
      return served.handle(request)
    },
  }
  return { app, adminKey, generated: boot.generated, usage }
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
  const { store, database } = await openStore(config, masterKeys.keyring)
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
