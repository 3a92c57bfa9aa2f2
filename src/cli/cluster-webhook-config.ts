// `rolegate cluster webhook-config NAME`: what wires a real kube-apiserver to a cluster's webhooks,
// the two webhook kubeconfig files (rolegate's URL and CA, and the cluster's webhook token the
// apiserver authenticates itself with) and the flags that name them, so the apiserver
// authenticates `aws eks get-token` tokens and authorises requests through rolegate. The token
// comes from the server (GetClusterWebhookToken, under IAM), or from a file.
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROLEGATE_SIGNING_NAME, ROLEGATE_VERSION } from '../admin-api/service.js'
import { loadClientConfig } from './aws-config.js'
import { callQuery, reportCallFailure } from './query-client.js'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

export const WEBHOOK_CONFIG_HELP = `usage: rolegate cluster webhook-config NAME [options]

Prints the webhook kubeconfig files and the kube-apiserver flags that make a
cluster authenticate bearer tokens (TokenReview) at PUBLIC_URL/clusters/NAME/authenticate
and authorise requests (SubjectAccessReview) at PUBLIC_URL/clusters/NAME/authorize.
The kube-apiserver authenticates itself to both with the cluster's webhook token,
which the files hold (users[].user.token): it is fetched from the server
(rolegate:GetClusterWebhookToken on the cluster's ARN) unless --token-file gives it.
Keep the files as secret as the token: whoever holds it may ask the cluster's RBAC.

  --endpoint URL     rolegate's public URL, https:// (else AWS_ENDPOINT_URL, or
                     the profile's endpoint_url)
  --ca-bundle FILE   rolegate's CA, e.g. DATA/ca.pem (else AWS_CA_BUNDLE); the
                     kube-apiserver trusts it for the webhooks
  --profile P        the credentials that fetch the token (else the AWS SDK's chain)
  --region R         the region the call is signed for
  --token-file FILE  the webhook token from FILE instead: no server call (then
                     --endpoint or AWS_ENDPOINT_URL is needed)
  --dir DIR          where the kube-apiserver reads the files
                     (default /etc/kubernetes/rolegate)
  --write            write the two files into DIR (mode 0600) and print the flags
  --force            with --write, replace files that exist
`

export const DEFAULT_WEBHOOK_DIR = '/etc/kubernetes/rolegate'

/** EKS's cluster names (CreateCluster, Amazon EKS API Reference). */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/

export interface WebhookConfigOptions {
  clusterName: string
  /** rolegate's public URL, https. */
  endpoint: string
  /** The CA the kube-apiserver trusts for rolegate's certificate, PEM; without it, the system's. */
  caPem?: string | undefined
  /** The cluster's webhook token: the kube-apiserver's credential at the webhooks. */
  token: string
  /** Where the kube-apiserver reads the files. */
  dir: string
}

export interface WebhookConfig {
  files: Array<{ path: string; text: string }>
  /** kube-apiserver flags, one a line. */
  flags: string[]
}

/**
 * A webhook kubeconfig: the cluster is rolegate's endpoint, the user the apiserver itself, which
 * presents the cluster's webhook token as its bearer token. Scalars are JSON strings, which YAML
 * reads back unchanged.
 */
function webhookKubeconfig(server: string, caPem: string | undefined, token: string): string {
  const q = JSON.stringify
  const ca =
    caPem === undefined
      ? ''
      : `\n    certificate-authority-data: ${q(Buffer.from(caPem, 'utf8').toString('base64'))}`
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: rolegate',
    '  cluster:',
    `    server: ${q(server)}${ca}`,
    'users:',
    '- name: kube-apiserver',
    '  user:',
    `    token: ${q(token)}`,
    'contexts:',
    '- name: webhook',
    '  context:',
    '    cluster: rolegate',
    '    user: kube-apiserver',
    'current-context: webhook',
    '',
  ].join('\n')
}

export function webhookConfigFor(options: WebhookConfigOptions): WebhookConfig {
  const base = `${options.endpoint.replace(/\/+$/, '')}/clusters/${encodeURIComponent(options.clusterName)}`
  const authentication = join(options.dir, `${options.clusterName}-authentication-webhook.yaml`)
  const authorization = join(options.dir, `${options.clusterName}-authorization-webhook.yaml`)
  return {
    files: [
      {
        path: authentication,
        text: webhookKubeconfig(`${base}/authenticate`, options.caPem, options.token),
      },
      {
        path: authorization,
        text: webhookKubeconfig(`${base}/authorize`, options.caPem, options.token),
      },
    ],
    flags: [
      `--authentication-token-webhook-config-file=${authentication}`,
      '--authentication-token-webhook-version=v1',
      `--authorization-webhook-config-file=${authorization}`,
      '--authorization-webhook-version=v1',
      // rolegate's RBAC decides; add RBAC before Webhook to keep the cluster's own as well.
      '--authorization-mode=Node,Webhook',
    ],
  }
}

const OPTIONS = {
  endpoint: { type: 'string' },
  'ca-bundle': { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  'token-file': { type: 'string' },
  dir: { type: 'string' },
  write: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

const nonEmpty = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value

/** A setup problem (an unreadable CA, a file in the way): exit 1, without the help. */
class WebhookConfigError extends Error {}

function readCa(file: string): string {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (error) {
    throw new WebhookConfigError(`cannot read the CA bundle ${file}: ${(error as Error).message}`)
  }
  try {
    new X509Certificate(pem)
  } catch {
    throw new WebhookConfigError(`${file} holds no PEM certificate`)
  }
  return pem
}

/** A bearer token's characters (RFC 6750's b64token), which a kubeconfig's token field carries. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

function readToken(file: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new WebhookConfigError(`cannot read the token file ${file}: ${(error as Error).message}`)
  }
  const token = text.trim()
  if (!BEARER_TOKEN.test(token)) throw new WebhookConfigError(`${file} holds no bearer token`)
  return token
}

const checkEndpoint = (endpoint: string): void => {
  if (!/^https:\/\/[^/]+/.test(endpoint) || !URL.canParse(endpoint)) {
    throw new UsageError(
      `the endpoint must be an https:// URL (rolegate serves clusters over HTTPS only), got '${endpoint}'`,
    )
  }
}

interface Parsed {
  clusterName: string
  /** --endpoint or AWS_ENDPOINT_URL; the client configuration's otherwise. */
  endpoint: string | undefined
  caFile: string | undefined
  profile: string | undefined
  region: string | undefined
  tokenFile: string | undefined
  dir: string
  write: boolean
  force: boolean
}

function parse(args: string[], io: CliIo): Parsed | 'help' {
  const { values, positionals } = parseCommandLine({
    args,
    options: OPTIONS,
    strict: true,
    allowPositionals: true,
  })
  if (values.help) return 'help'
  const [clusterName, extra] = positionals
  if (clusterName === undefined) throw new UsageError('webhook-config needs a cluster NAME')
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`)
  if (!CLUSTER_NAME.test(clusterName)) {
    throw new UsageError(
      `'${clusterName}' is no cluster name: letters, digits, '-' and '_', starting with a` +
        ' letter or digit, at most 100',
    )
  }
  const tokenFile = nonEmpty(values['token-file'])
  const endpoint = nonEmpty(values.endpoint) ?? nonEmpty(io.env['AWS_ENDPOINT_URL'])
  if (endpoint === undefined && tokenFile !== undefined) {
    throw new UsageError("no endpoint: pass --endpoint URL (rolegate's public URL)")
  }
  if (endpoint !== undefined) checkEndpoint(endpoint)
  if (values.force && !values.write) throw new UsageError('--force applies only with --write')
  if (tokenFile !== undefined && (values.profile !== undefined || values.region !== undefined)) {
    throw new UsageError('--token-file makes no server call: --profile and --region do not apply')
  }
  return {
    clusterName,
    endpoint,
    caFile: nonEmpty(values['ca-bundle']) ?? nonEmpty(io.env['AWS_CA_BUNDLE']),
    profile: values.profile,
    region: values.region,
    tokenFile,
    dir: nonEmpty(values.dir) ?? DEFAULT_WEBHOOK_DIR,
    write: values.write,
    force: values.force,
  }
}

/** The files' settings: the token from its file, or through the admin API with rolegate's URL and CA. */
async function optionsFor(parsed: Parsed, io: CliIo): Promise<WebhookConfigOptions> {
  const { clusterName, dir } = parsed
  if (parsed.tokenFile !== undefined) {
    return {
      clusterName,
      dir,
      endpoint: parsed.endpoint ?? '',
      caPem: parsed.caFile === undefined ? undefined : readCa(parsed.caFile),
      token: readToken(parsed.tokenFile),
    }
  }
  const config = await loadClientConfig(
    {
      endpoint: parsed.endpoint,
      profile: parsed.profile,
      region: parsed.region,
      caBundle: parsed.caFile,
    },
    io.env,
    ROLEGATE_SIGNING_NAME,
  )
  checkEndpoint(config.endpoint)
  const result = await callQuery(config, {
    service: ROLEGATE_SIGNING_NAME,
    version: ROLEGATE_VERSION,
    action: 'GetClusterWebhookToken',
    params: { ClusterName: clusterName },
  })
  const token = result['Token']
  if (typeof token !== 'string' || !BEARER_TOKEN.test(token)) {
    throw new WebhookConfigError('the server answered without a webhook token')
  }
  return { clusterName, dir, endpoint: config.endpoint, caPem: config.ca, token }
}

/**
 * Writes a file only its owner can read, also when it replaces one others could: a new file of
 * mode 0600 beside it, renamed over it.
 */
function writeSecretFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' })
    renameSync(temporary, path)
  } finally {
    rmSync(temporary, { force: true })
  }
}

/** The files' paths, before anything is asked of the server: what --write would replace. */
const filesIn = (parsed: Parsed): string[] =>
  webhookConfigFor({ ...parsed, endpoint: 'https://x', token: 'x' }).files.map((file) => file.path)

/**
 * `rolegate cluster webhook-config NAME [options]` (args after `webhook-config`); resolves with the
 * exit status. The `cluster` command's dispatcher calls it.
 */
export async function runClusterWebhookConfig(args: string[], io: CliIo): Promise<number> {
  const usage = (error: UsageError) =>
    reportUsageError(io, 'cluster webhook-config', error, WEBHOOK_CONFIG_HELP)
  let parsed: Parsed | 'help'
  try {
    parsed = parse(args, io)
  } catch (error) {
    if (error instanceof UsageError) return usage(error)
    throw error
  }
  if (parsed === 'help') {
    io.out(WEBHOOK_CONFIG_HELP)
    return 0
  }
  try {
    if (parsed.write && !parsed.force) {
      for (const path of filesIn(parsed)) {
        if (existsSync(path)) {
          throw new WebhookConfigError(`${path} exists; pass --force to replace it`)
        }
      }
    }
    const options = await optionsFor(parsed, io)
    const config = webhookConfigFor(options)
    if (!parsed.write) {
      for (const file of config.files) io.out(`# ${file.path}\n${file.text}\n`)
      io.out(`# kube-apiserver flags\n${config.flags.join('\n')}\n`)
      return 0
    }
    mkdirSync(options.dir, { recursive: true, mode: 0o700 })
    for (const file of config.files) {
      writeSecretFile(file.path, file.text)
      io.out(`wrote ${file.path}\n`)
    }
    io.out(`# kube-apiserver flags\n${config.flags.join('\n')}\n`)
    return 0
  } catch (error) {
    if (error instanceof UsageError) return usage(error)
    if (error instanceof WebhookConfigError) {
      io.err(`rolegate cluster webhook-config: ${error.message}\n`)
      return 1
    }
    const status = reportCallFailure(io, 'cluster webhook-config', 'GetClusterWebhookToken', error)
    if (status === undefined) throw error
    return status
  }
}
