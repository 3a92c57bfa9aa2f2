// `rolegate serve` options: parsed with node:util parseArgs and checked once, here, into the
// composition root's config.
import { BlockList, isIP } from 'node:net'
import { resolve } from 'node:path'
import type { RolegateConfig } from '../main.js'
import {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_MAX_STALENESS_MS,
  DEFAULT_PORT,
  DEFAULT_REGION,
} from '../main.js'
import { CLIENT_COMMANDS_HELP } from './client-help.js'
import { parseCommandLine, UsageError } from './usage-error.js'

const STALENESS_S = DEFAULT_MAX_STALENESS_MS / 1000

export const SERVE_HELP = `Usage: rolegate serve [options]

Starts the IAM/STS-compatible server.

Options:
  --host HOST            address to listen on (default 127.0.0.1)
  --port PORT            port to listen on, 0 for any free port (default ${DEFAULT_PORT})
  --data DIR             state directory, its owner's alone: rolegate.db, master-key and
                         admin-credentials (default ./.rolegate)
  --database-url URL     keep state in PostgreSQL (postgres://...) instead of SQLite in DIR;
                         needs ROLEGATE_MASTER_KEY or --master-key-file
  --master-key-file FILE the master key(s) that seal stored secrets, base64, one a line, the
                         first sealing (default DIR/master-key, made on first start)
  --account-id ID        the 12-digit account id (default ${DEFAULT_ACCOUNT_ID})
  --region REGION        the default region (default ${DEFAULT_REGION})
  --public-url URL       the URL clients reach the server at (default http://HOST:PORT,
                         https://HOST:PORT with TLS); built-in issuers live under it
  --tls                  serve HTTPS with a certificate from a local CA made once in DIR;
                         clients trust DIR/ca.pem (AWS_CA_BUNDLE=DIR/ca.pem)
  --tls-cert FILE        serve HTTPS with this PEM certificate (chain); needs --tls-key
  --tls-key FILE         the PEM private key of --tls-cert
  --issuer-ca-bundle FILE
                         PEM certificates trusted, beside the system's, when fetching external
                         OIDC issuers' discovery documents and keys
  --allow-http-issuers   trust plain-http OIDC issuers on loopback addresses (insecure; for
                         development only, logged as a warning)
  --workers N            serve from N processes sharing the port and the database (default 1);
                         each notices writes made through the others before it answers
  --max-staleness SECONDS
                         the longest a cache serves identities, policies, access keys, session
                         keys and providers it read, whatever happens to the notice of other
                         processes' writes; 0 reads every request through (default ${STALENESS_S})
  --allow-reset          enable POST /_rolegate/reset and /moto-api/reset (wipes all state);
                         only with a loopback --host, and never for browser requests
  --quiet                no request logs on stderr
  -h, --help             show this help

Environment:
  ROLEGATE_ADMIN_ACCESS_KEY_ID, ROLEGATE_ADMIN_SECRET_ACCESS_KEY
                         the admin user's access key; when unset one is generated on first
                         start and written to DIR/admin-credentials (profile [rolegate])
  ROLEGATE_MASTER_KEY    the master key(s) that seal stored secrets (access keys' secrets, the
                         session keyring, issuers' private keys): base64 of 32 random bytes
                         (openssl rand -base64 32), several comma-separated, the first sealing
`

export const HELP = `Usage: rolegate <command> [options]

Commands:
  serve     start the server (rolegate serve --help for its options)
  explain   explain whether a principal may perform an action, and why
${CLIENT_COMMANDS_HELP}
Options:
  -h, --help  show this help
`

export type ServeOptions = Omit<RolegateConfig, 'adminKey' | 'logger' | 'clock' | 'ids'> & {
  quiet: boolean
  workers: number
}

export const MAX_WORKERS = 64
/** An hour: past that, a revoked permission would outlive any reasonable expectation. */
const MAX_STALENESS_MS = 3_600_000

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/** Whether `host` is a loopback address, or `localhost`, which resolves to one. */
function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  const family = isIP(host)
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6')
}

export function parseServeOptions(args: string[]): ServeOptions | 'help' {
  const parsed = parseCommandLine({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      data: { type: 'string', default: './.rolegate' },
      'database-url': { type: 'string' },
      'master-key-file': { type: 'string' },
      'account-id': { type: 'string', default: DEFAULT_ACCOUNT_ID },
      region: { type: 'string', default: DEFAULT_REGION },
      'public-url': { type: 'string' },
      'allow-reset': { type: 'boolean', default: false },
      tls: { type: 'boolean', default: false },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'allow-http-issuers': { type: 'boolean', default: false },
      'issuer-ca-bundle': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      workers: { type: 'string', default: '1' },
      'max-staleness': { type: 'string', default: String(STALENESS_S) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const values = parsed.values
  if (values.help) return 'help'
  const port = Number(values.port)
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, got '${values.port}'`)
  }
  const workers = Number(values.workers)
  if (!/^\d+$/.test(values.workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new UsageError(
      `--workers must be a number from 1 to ${MAX_WORKERS}, got '${values.workers}'`,
    )
  }
  const maxStaleness = values['max-staleness']
  const maxStalenessMs = Math.round(Number(maxStaleness) * 1000)
  if (!/^\d+(\.\d+)?$/.test(maxStaleness) || maxStalenessMs > MAX_STALENESS_MS) {
    throw new UsageError(
      `--max-staleness must be a number of seconds from 0 to ${MAX_STALENESS_MS / 1000}, got '${maxStaleness}'`,
    )
  }
  if (!/^\d{12}$/.test(values['account-id'])) {
    throw new UsageError(`--account-id must be 12 digits, got '${values['account-id']}'`)
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) {
    throw new UsageError(`--region must look like us-east-1, got '${values.region}'`)
  }
  if (values['allow-reset'] && !isLoopback(values.host)) {
    throw new UsageError(
      `--allow-reset needs a loopback --host (127.0.0.1, ::1 or localhost), got '${values.host}': ` +
        'anyone who can reach the server could wipe its state',
    )
  }
  const databaseUrl = values['database-url']
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('--database-url must start with postgres:// or postgresql://')
  }
  const publicUrl = values['public-url']
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new UsageError(`--public-url must be an http:// or https:// URL, got '${publicUrl}'`)
  }
  const tlsCert = values['tls-cert']
  const tlsKey = values['tls-key']
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together')
  }
  const tls = values.tls || tlsCert !== undefined
  if (tls && publicUrl?.startsWith('http://')) {
    throw new UsageError(`--public-url must be https:// when serving TLS, got '${publicUrl}'`)
  }
  return {
    host: values.host,
    port,
    dataDir: resolve(values.data),
    databaseUrl,
    masterKeyFile:
      values['master-key-file'] === undefined ? undefined : resolve(values['master-key-file']),
    accountId: values['account-id'],
    region: values.region,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    allowReset: values['allow-reset'],
    allowHttpIssuers: values['allow-http-issuers'],
    caBundleFile:
      values['issuer-ca-bundle'] === undefined ? undefined : resolve(values['issuer-ca-bundle']),
    tls: tls
      ? tlsCert === undefined || tlsKey === undefined
        ? {}
        : { certFile: resolve(tlsCert), keyFile: resolve(tlsKey) }
      : undefined,
    maxStalenessMs,
    quiet: values.quiet,
    workers,
  }
}
