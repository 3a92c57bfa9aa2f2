// The server's configuration: what `rolegate serve` and the environment set, with AWS-like
// defaults.
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import type { IdSource } from '../core/ids.js'
import type { AdminKey } from '../iam/bootstrap.js'

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
  /**
   * `--max-staleness`: the longest any cache that can allow a request serves what it read, in
   * milliseconds, whatever happens to the notice of other processes' writes
   * (DEFAULT_MAX_STALENESS_MS unless given).
   */
  maxStalenessMs?: number | undefined
  /**
   * How often a PostgreSQL store's listener NOTIFYs itself to prove it hears, in milliseconds
   * (default 1000); 0 turns the heartbeat off, which only a benchmark measuring its cost wants.
   */
  listenerHeartbeatMs?: number | undefined
  /** Other processes serve from the same SQLite file (`--workers`); PostgreSQL is always shared. */
  sharedStore?: boolean | undefined
  /**
   * Serve HTTPS: with the given PEM files, or else with a certificate from a local CA made once in
   * the data directory (DATA/ca.pem is then what clients trust, e.g. as AWS_CA_BUNDLE).
   */
  tls?: { certFile?: string | undefined; keyFile?: string | undefined } | undefined
}

export { DEFAULT_MAX_STALENESS_MS } from '../store/ports.js'
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
